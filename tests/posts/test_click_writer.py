"""What each web process keeps: remembered tracked links (posts.tracked_links.memo) and the
clicks it sends to Redis in batches (posts.tracked_links.writer), with production timing."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from posts.models import Click, ShareDailyClicks
from posts.services.clicks import clicks_flush
from posts.tracked_links import TrackedLink, link_cache_key, redis_client
from posts.tracked_links.memo import memo
from posts.tracked_links.writer import writer
from tests.conftest import _worker_environment
from tests.posts.factories import BROWSER_UA, ShareFactory

DOWN = "redis://127.0.0.1:1/0"
ROOT = Path(__file__).resolve().parents[2]


def _totals(share):
    rows = ShareDailyClicks.objects.filter(share=share)
    return sum(r.clicks for r in rows), sum(r.unique_visitors for r in rows)


def _wait(check, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


@pytest.mark.django_db
def test_remembered_link_answers_with_redis_down_and_the_click_goes_to_the_database(
    client, settings
):
    share = ShareFactory()
    first = client.get(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")  # not counted
    settings.REDIS_URL = DOWN
    with pytest.MonkeyPatch.context() as patch:
        # Nor may the database answer the link: only the process's memory can.
        patch.setattr("posts.tracked_links._link_from_database", None)
        second = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert _totals(share) == (1, 1)


@pytest.mark.django_db
def test_a_forget_in_another_process_reaches_this_one(client, settings):
    share = ShareFactory()
    before = client.get(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")["Location"]
    assert memo._links  # remembered
    # Another process changed the destination: it deleted the cached link and moved the
    # generation on (what tracked_links_forget does), without touching this process's memory.
    share.item.url = "https://example.org/moved"
    share.item.save(update_fields=["url"])
    buffer = redis_client()
    buffer.delete(link_cache_key(share.code))
    buffer.incr(settings.TRACKED_LINK_KEY_PREFIX + "generation")
    after = client.get(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")["Location"]
    assert not before.startswith("https://example.org/moved")
    assert after.startswith("https://example.org/moved?")


@pytest.mark.django_db
def test_the_generation_is_read_at_most_once_per_check_interval(client, settings):
    settings.TRACKED_LINK_MEMO_CHECK_SECONDS = 3600
    share = ShareFactory()
    client.get(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")
    redis_client().incr(settings.TRACKED_LINK_KEY_PREFIX + "generation")
    # Within the interval the remembered link still answers (no round trip to learn it).
    assert memo.get(share.code, generation_reader=lambda: b"other") is not None


def test_memo_is_bounded_first_in_first_out(settings):
    settings.TRACKED_LINK_MEMO_SIZE = 3
    links = {f"code{n:08d}": TrackedLink(n, 1, f"https://example.org/{n}") for n in range(5)}
    for code, link in links.items():
        memo.put(code, link)
    reader = lambda: None  # noqa: E731
    kept = {code for code in links if memo.get(code, generation_reader=reader) is not None}
    assert kept == {"code00000002", "code00000003", "code00000004"}


def test_memo_entries_expire_with_the_cache_time(settings):
    settings.TRACKED_LINK_CACHE_SECONDS = 0
    memo.put("codeexpired1", TrackedLink(1, 1, "https://example.org/"))
    assert memo.get("codeexpired1", generation_reader=lambda: None) is None


def test_memo_off_remembers_nothing(settings):
    settings.TRACKED_LINK_MEMO_SIZE = 0
    memo.put("codeoff00001", TrackedLink(1, 1, "https://example.org/"))
    assert memo.get("codeoff00001", generation_reader=lambda: None) is None


@pytest.mark.django_db
def test_clicks_of_remembered_links_reach_the_stream_through_the_writer(client, settings):
    """Delivery with the production window; that the writer holds clicks rather than writing
    each at once is shown by test_a_process_that_exits_sends_what_it_holds_first."""
    settings.CLICK_WRITE_WINDOW_MS = 20
    share = ShareFactory()
    client.get(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")  # remembered now
    buffer = redis_client()
    for n in range(50):
        response = client.get(
            f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=f"198.51.100.{n}"
        )
        assert response.status_code == 302
    assert _wait(lambda: buffer.xlen("amb:clicks") == 50)
    assert writer.held() == 0
    clicks_flush()
    assert _totals(share) == (50, 50)


@pytest.mark.django_db(transaction=True)
def test_writer_stores_directly_when_redis_fails(client, settings):
    settings.CLICK_WRITE_WINDOW_MS = 20
    share = ShareFactory()
    client.get(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")
    settings.REDIS_URL = DOWN
    for n in range(5):
        client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=f"192.0.2.{n}")
    # The writer thread found Redis down and wrote the batch with its own connection.
    assert _wait(lambda: Click.objects.filter(share=share).count() == 5)
    assert _totals(share) == (5, 5)


@pytest.mark.django_db(transaction=True)
def test_a_process_that_exits_sends_what_it_holds_first(settings):
    share = ShareFactory()
    environment = {**_worker_environment(), "CLICK_WRITE_WINDOW_MS": "600000"}
    program = f"""
import django
django.setup()
from posts.services.clicks import tracked_link_visit
from posts.tracked_links.writer import writer
for n in range(2):  # the first visit writes with its lookup, the second is remembered
    tracked_link_visit(code={share.code!r}, countable=True, visitor_user_id=None,
                       address="203.0.113.7", user_agent="Mozilla/5.0")
assert writer.held() == 1, writer.held()
"""
    subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=environment, check=True, timeout=60
    )
    # The window was ten minutes: only the exit can have sent the held click.
    assert redis_client().xlen(settings.CLICK_STREAM_KEY) == 2
    clicks_flush()
    assert _totals(share) == (2, 1)
