"""The click pipeline end to end: real Redis, a REAL Celery worker subprocess, PostgreSQL.

1,000 clicks go through the view into the Redis stream; the worker's flush stores exactly
1,000. Then a flush that "died" (claimed the events, stored some, never acknowledged) is
recovered by the worker: still exactly 1,000, nothing lost and nothing counted twice.
"""

import pytest
from django.conf import settings

from posts.models import Click, ShareDailyClicks
from posts.services import clicks as services
from posts.tasks import flush_clicks
from posts.tracked_links import redis_client
from tests.posts.factories import BROWSER_UA, ShareFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CLICKS = 1000


def _click(client, share, n: int) -> None:
    # 100 visitors, 10 clicks each.
    address = f"198.51.100.{n % 100}"
    response = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=address)
    assert response.status_code == 302


def _drained(expected: int):
    """True once ``expected`` clicks are stored and nothing is left in the stream."""

    def check() -> bool:
        stored = Click.objects.count()
        return stored >= expected and redis_client().xlen(settings.CLICK_STREAM_KEY) == 0

    return check


def _totals(share):
    row = ShareDailyClicks.objects.filter(share=share)
    return sum(r.clicks for r in row), sum(r.unique_visitors for r in row)


def test_integration_thousand_clicks_flushed_by_worker_exactly_once(client, celery_worker):
    share = ShareFactory()
    for n in range(CLICKS):
        _click(client, share, n)
    assert Click.objects.count() == 0  # the redirect never waited on PostgreSQL
    flush_clicks.delay()
    assert celery_worker.wait_for(_drained(CLICKS))
    assert Click.objects.count() == CLICKS
    assert _totals(share) == (CLICKS, 100)


def test_integration_flush_killed_between_claim_and_ack_recovers_exactly(client, celery_worker):
    share = ShareFactory()
    for n in range(CLICKS):
        _click(client, share, n)
    buffer = redis_client()
    # A flush claims everything, commits a first batch, then dies before acknowledging:
    # 300 events are stored but still pending, 700 are claimed but never stored.
    claimed = services.clicks_claim(buffer=buffer, consumer="killed-worker", count=CLICKS)
    assert len(claimed) == CLICKS
    services.clicks_store(
        events=services.clicks_resolve(claimed=[event for _id, event in claimed[:300]])
    )
    assert Click.objects.count() == 300
    flush_clicks.delay()
    assert celery_worker.wait_for(_drained(CLICKS))
    assert Click.objects.count() == CLICKS
    assert _totals(share) == (CLICKS, 100)
    group = buffer.xinfo_groups(settings.CLICK_STREAM_KEY)[0]
    assert group["pending"] == 0
