"""Clicks while PostgreSQL is unreachable, and the visitor salt's three homes (process
memory, cache, database).

"Unreachable" is real here: the test's database connection is pointed at a closed port,
so every query fails as it would during an outage. A process that has just started is one
whose salt memory is empty.
"""

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection

from posts.models import Click, ShareDailyClicks
from posts.services import clicks as services
from posts.tracked_links import redis_client
from tests.posts.factories import BROWSER_UA, ShareFactory

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def _postgres_unreachable():
    connection.close()
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def _fresh_process() -> None:
    """What a newly started web or worker process knows of the salt: nothing."""
    services._salts.clear()


@pytest.fixture(autouse=True)
def _salt_memory_from_earlier_tests_forgotten():
    _fresh_process()


def _today():
    return datetime.now(UTC).date()


def _totals(share):
    rows = ShareDailyClicks.objects.filter(share=share)
    return sum(r.clicks for r in rows), sum(r.unique_visitors for r in rows)


def _visit(client, share):
    return client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.7")


def test_click_postgres_down_fresh_process_buffers_the_click(client):
    share = ShareFactory()
    assert _visit(client, share).status_code == 302  # salt made, link cached
    _fresh_process()
    with _postgres_unreachable():
        response = _visit(client, share)
        assert redis_client().xlen("amb:clicks") == 2
    assert response.status_code == 302
    services.clicks_flush()
    assert _totals(share) == (2, 1)  # the same visitor, the same salt


def test_click_salt_fresh_process_reads_it_from_the_cache(django_assert_num_queries):
    salt = services.click_salt_for(day=_today())
    _fresh_process()
    with django_assert_num_queries(0):
        assert services.click_salt_for(day=_today()) == salt


def test_click_salt_postgres_down_new_salt_is_shared_through_the_cache():
    with _postgres_unreachable():
        salt = services.click_salt_for(day=_today())
        _fresh_process()
        assert services.click_salt_for(day=_today()) == salt
    _fresh_process()
    assert services.click_salt_for(day=_today()) == salt


def test_click_salt_cache_lost_falls_back_to_the_database_salt():
    salt = services.click_salt_for(day=_today())
    cache.clear()  # e.g. Redis lost its data
    _fresh_process()
    assert services.click_salt_for(day=_today()) == salt


def test_click_salt_rotation_deletes_the_cached_copies():
    yesterday = _today() - timedelta(days=1)
    old = services.click_salt_for(day=yesterday)
    services.click_salts_rotate(today=_today())
    assert cache.get(services._salt_cache_key(yesterday)) is None
    _fresh_process()
    assert services.click_salt_for(day=yesterday) != old


def test_click_flush_failed_on_postgres_retries_its_batch_on_the_next_run(client):
    share = ShareFactory()
    for n in range(3):
        client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=f"203.0.113.{n}")
    with _postgres_unreachable(), pytest.raises(OperationalError):
        services.clicks_flush()
    # Claimed by this process, not acknowledged; retried now, not after the reclaim idle time.
    assert services.clicks_flush() == 3
    assert Click.objects.filter(share=share).count() == 3
    assert _totals(share) == (3, 3)
    assert redis_client().xlen("amb:clicks") == 0
