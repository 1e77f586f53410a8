from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "ambassador:worker-heartbeat"


@shared_task(name="ambassador.heartbeat")
def heartbeat() -> None:
    """Record that a worker ran a beat-scheduled task; /healthz reports its age."""
    cache.set(HEARTBEAT_CACHE_KEY, timezone.now().isoformat(), timeout=3600)
