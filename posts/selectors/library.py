"""Reads for the library area of posts."""
