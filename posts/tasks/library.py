"""Celery tasks of the library area of posts."""
