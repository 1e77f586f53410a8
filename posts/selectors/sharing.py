"""Reads for the sharing area of posts."""
