"""Writes for the library area of posts."""
