"""Celery tasks of reach metrics: thin wrappers over one service call each."""

from celery import shared_task

from posts.services import metrics


@shared_task(name="posts.rollup_metrics")
def rollup_metrics() -> int:
    """Periodic: the daily rollups catch up with new shares, clicks and engagement."""
    return len(metrics.metrics_rollup().days)
