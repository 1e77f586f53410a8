"""The click pipeline end to end: real Redis, a REAL Celery worker subprocess, PostgreSQL.

1,000 clicks go through the view into the Redis stream; the worker's flush stores exactly
1,000. Then a flush that "died" (claimed the events, stored some, never acknowledged) is
recovered by the worker: still exactly 1,000, nothing lost and nothing counted twice.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from posts.models import Click, ShareDailyClicks
from posts.selectors.sharing import click_buffer
from posts.services import sharing as services
from posts.tasks.sharing import flush_clicks
from tests.posts.sharing_factories import BROWSER_UA, ShareFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CLICKS = 1000


@pytest.fixture
def celery_worker_process():
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        # Claims left by a dead flush are taken over at once (the default waits a minute).
        "CLICK_RECLAIM_IDLE_MS": "0",
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "ambassador",
            "worker",
            "-P",
            "solo",
            "-l",
            "warning",
            "-n",
            f"sharing-test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _click(client, share, n: int) -> None:
    # 100 visitors, 10 clicks each.
    address = f"198.51.100.{n % 100}"
    response = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=address)
    assert response.status_code == 302


def _wait_for_clicks(expected: int, timeout: float = 90) -> int:
    deadline = time.monotonic() + timeout
    count = Click.objects.count()
    while time.monotonic() < deadline:
        count = Click.objects.count()
        if count >= expected and click_buffer().xlen(settings.CLICK_STREAM_KEY) == 0:
            break
        time.sleep(0.25)
    return count


def _totals(share):
    row = ShareDailyClicks.objects.filter(share=share)
    return sum(r.clicks for r in row), sum(r.unique_visitors for r in row)


def test_integration_thousand_clicks_flushed_by_worker_exactly_once(client, celery_worker_process):
    share = ShareFactory()
    for n in range(CLICKS):
        _click(client, share, n)
    assert Click.objects.count() == 0  # the redirect never waited on PostgreSQL
    flush_clicks.delay()
    assert _wait_for_clicks(CLICKS) == CLICKS
    assert _totals(share) == (CLICKS, 100)


def test_integration_flush_killed_between_claim_and_ack_recovers_exactly(
    client, celery_worker_process
):
    share = ShareFactory()
    for n in range(CLICKS):
        _click(client, share, n)
    buffer = click_buffer()
    # A flush claims everything, commits a first batch, then dies before acknowledging:
    # 300 events are stored but still pending, 700 are claimed but never stored.
    claimed = services.clicks_claim(buffer=buffer, consumer="killed-worker", count=CLICKS)
    assert len(claimed) == CLICKS
    services.clicks_store(events=[event for _id, event in claimed[:300]])
    assert Click.objects.count() == 300
    flush_clicks.delay()
    assert _wait_for_clicks(CLICKS) == CLICKS
    assert _totals(share) == (CLICKS, 100)
    group = buffer.xinfo_groups(settings.CLICK_STREAM_KEY)[0]
    assert group["pending"] == 0
