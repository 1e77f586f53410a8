"""Health check: is the database answering, and is the broker reachable?"""

from pathlib import Path

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ambassador.tasks import HEARTBEAT_CACHE_KEY


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_ok() -> bool:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        return folder.is_dir()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_ok(), "broker": broker_ok()}
    healthy = all(checks.values())
    try:
        worker_seen = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:
        worker_seen = None
    body = {
        "status": "ok" if healthy else "error",
        "database": "ok" if checks["database"] else "error",
        "broker": "ok" if checks["broker"] else "error",
        "worker_last_seen": worker_seen,
    }
    return JsonResponse(body, status=200 if healthy else 503)
