"""Writes for the sharing area of posts."""
