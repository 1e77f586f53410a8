"""Celery tasks of the sharing area of posts."""
