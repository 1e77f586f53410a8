"""Celery tasks of the posts app; importing the area modules registers their tasks."""

from posts.tasks import library, metrics, sharing

__all__ = ["library", "metrics", "sharing"]
