"""Counting clicks honestly: who counts, uniques, salts, privacy, flush."""

import logging
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from posts.bots import BOT_PATTERNS, is_bot
from posts.models import Click, ClickSalt, ShareDailyClicks
from posts.services import clicks as services
from posts.tracked_links import ClickEvent, TrackedLink, Visit, link_cache_key, redis_client
from tests.posts.factories import BROWSER_UA, ShareFactory

pytestmark = pytest.mark.django_db

# One real user agent per link-preview bot we name, so each pattern is proven to match.
BOT_AGENTS = {
    "LinkedInBot": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Twitterbot": "Twitterbot/1.0",
    "facebookexternalhit": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Discordbot": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mastodon http.rb": "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)",
    "TelegramBot": "TelegramBot (like TwitterBot)",
    "WhatsApp": "WhatsApp/2.23.20.0 A",
    "SkypeUriPreview": "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "Bluesky": "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "Googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Applebot": "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Applebot/0.1",
    "Embedly": "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)",
    "Iframely": "Iframely/1.3.1 (+https://iframely.com/docs/about)",
    "curl": "curl/8.5.0",
    "Wget": "Wget/1.21.4",
    "python-requests": "python-requests/2.32.3",
    "Go-http-client": "Go-http-client/1.1",
    "Java": "Java/17.0.2",
    "headless": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0.0.0",
    "generic bot": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
}

IN_APP_BROWSERS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 [FBAN/FBIOS;FBAV/440.0]",
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36 Instagram 300.0",
    "Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36",
    BROWSER_UA,
]


def _flush() -> None:
    services.clicks_flush()


def _totals(share):
    rows = ShareDailyClicks.objects.filter(share=share)
    return sum(r.clicks for r in rows), sum(r.unique_visitors for r in rows)


def test_bot_patterns_every_named_agent_has_a_test():
    assert {name for name, _pattern in BOT_PATTERNS} == set(BOT_AGENTS)


@pytest.mark.parametrize("name", sorted(BOT_AGENTS))
def test_click_bot_agent_is_redirected_not_counted(client, name):
    share = ShareFactory()
    response = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BOT_AGENTS[name])
    _flush()
    assert response.status_code == 302
    assert _totals(share) == (0, 0)


@pytest.mark.parametrize("agent", IN_APP_BROWSERS)
def test_click_in_app_browser_is_counted(agent):
    assert is_bot(agent) is False


def test_click_without_user_agent_is_not_counted(client):
    share = ShareFactory()
    client.get(f"/r/{share.code}")
    _flush()
    assert _totals(share) == (0, 0)


def test_click_human_is_counted(client):
    share = ShareFactory()
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    _flush()
    assert _totals(share) == (1, 1)


def test_click_head_is_not_counted(client):
    share = ShareFactory()
    client.head(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    _flush()
    assert _totals(share) == (0, 0)


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
    ],
)
def test_click_prefetch_is_redirected_not_counted(client, header):
    share = ShareFactory()
    response = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, **header)
    _flush()
    assert response.status_code == 302
    assert _totals(share) == (0, 0)


def _destination(share) -> str:
    return (
        f"{share.item.url}?utm_source=linkedin&utm_medium=ambassador"
        f"&utm_campaign={share.item.slug}&utm_content={share.pk}"
    )


def test_click_by_sharer_is_redirected_not_counted(client):
    share = ShareFactory()
    client.force_login(share.user)
    response = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    _flush()
    assert (response.status_code, response["Location"]) == (302, _destination(share))
    assert _totals(share) == (0, 0)


def test_click_by_other_signed_in_person_is_counted(client, personas):
    share = ShareFactory(user=personas.employee)
    client.force_login(personas.employee_b)
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    _flush()
    assert _totals(share) == (1, 1)


def test_click_fifty_hits_from_one_visitor_are_one_unique(client):
    share = ShareFactory()
    for _ in range(50):
        client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.9")
    _flush()
    assert _totals(share) == (50, 1)


def test_click_two_addresses_are_two_uniques(client):
    share = ShareFactory()
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.9")
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.10")
    _flush()
    assert _totals(share) == (2, 2)


def test_click_same_visitor_on_two_days_has_different_hashes():
    day = date(2026, 11, 26)
    first = services.visitor_hash(address="203.0.113.9", user_agent=BROWSER_UA, day=day)
    second = services.visitor_hash(
        address="203.0.113.9", user_agent=BROWSER_UA, day=day + timedelta(days=1)
    )
    assert first != second


def test_click_salt_rotation_deletes_older_salts():
    today = date(2026, 11, 27)
    services.click_salt_for(day=today - timedelta(days=2))
    services.click_salt_for(day=today - timedelta(days=1))
    services.click_salt_for(day=today)
    deleted = services.click_salts_rotate(today=today)
    assert deleted == 2
    assert list(ClickSalt.objects.values_list("day", flat=True)) == [today]


def test_click_salt_is_random_per_day():
    today = date(2026, 11, 27)
    salts = {services.click_salt_for(day=today - timedelta(days=n)) for n in range(3)}
    assert len(salts) == 3


def test_click_no_address_reaches_the_database(client, caplog):
    caplog.set_level(logging.DEBUG)
    share = ShareFactory()
    address = "198.51.100.123"
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=address)
    _flush()
    assert Click.objects.count() == 1
    with connection.cursor() as cursor:
        for table in ("posts_click", "posts_sharedailyclicks", "posts_clicksalt"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            assert address not in repr(cursor.fetchall())
    assert address not in caplog.text


def test_click_no_address_reaches_the_buffer(client):
    share = ShareFactory()
    address = "198.51.100.124"
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=address)
    buffer = redis_client()
    entries = buffer.xrange("amb:clicks")
    assert len(entries) == 1
    assert address.encode() not in repr(entries).encode()


def test_click_redis_down_writes_directly(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    share = ShareFactory()
    response = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 302
    assert _totals(share) == (1, 1)


def test_click_redis_down_and_cache_down_still_redirects(client):
    share = ShareFactory()
    down = "redis://127.0.0.1:1/0"
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": down}
    }
    with override_settings(REDIS_URL=down, CACHES=caches):
        response = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 302
    assert _totals(share) == (1, 1)


def test_click_embedded_default_writes_directly(client, settings):
    settings.REDIS_URL = ""
    share = ShareFactory()
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert _totals(share) == (1, 1)


def test_click_is_buffered_until_flush(client):
    share = ShareFactory()
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert Click.objects.count() == 0
    _flush()
    assert Click.objects.count() == 1


def test_flush_stored_then_killed_before_ack_counts_once(client, settings):
    settings.CLICK_RECLAIM_IDLE_MS = 0
    share = ShareFactory()
    for _ in range(3):
        client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    buffer = redis_client()
    claimed = services.clicks_claim(buffer=buffer, consumer="dead-worker", count=100)
    services.clicks_store(  # committed, never acked
        events=services.clicks_resolve(claimed=[event for _id, event in claimed])
    )
    _flush()
    assert Click.objects.count() == 3
    assert _totals(share) == (3, 1)
    assert buffer.xlen("amb:clicks") == 0


def test_flush_claimed_then_killed_before_commit_loses_nothing(client, settings):
    settings.CLICK_RECLAIM_IDLE_MS = 0
    share = ShareFactory()
    for _ in range(3):
        client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    buffer = redis_client()
    services.clicks_claim(buffer=buffer, consumer="dead-worker", count=100)
    _flush()
    assert Click.objects.count() == 3


def test_flush_does_not_steal_fresh_claims_of_a_running_flush(client):
    share = ShareFactory()
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    buffer = redis_client()
    services.clicks_claim(buffer=buffer, consumer="busy-worker", count=100)
    _flush()
    assert Click.objects.count() == 0


def test_flush_skips_events_of_deleted_shares(client):
    share = ShareFactory()
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    share.delete()
    cache.clear()
    services.clicks_flush()
    assert Click.objects.count() == 0


def test_purge_deletes_old_raw_clicks_keeps_totals(settings):
    settings.CLICK_RETENTION_DAYS = 30
    share = ShareFactory()
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    old = ClickEvent(
        event_id="0" * 32,
        share_id=share.pk,
        at_ms=int((now - timedelta(days=31)).timestamp() * 1000),
        visitor_hash="a" * 64,
    )
    recent = ClickEvent(
        event_id="1" * 32,
        share_id=share.pk,
        at_ms=int((now - timedelta(days=1)).timestamp() * 1000),
        visitor_hash="b" * 64,
    )
    services.clicks_store(events=[old, recent])
    assert services.clicks_purge(now=now) == 1
    assert Click.objects.count() == 1
    assert _totals(share) == (2, 2)


def _cache_link(client, share) -> None:
    """A bot's visit resolves the link and caches it in Redis."""
    client.get(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")
    assert TrackedLink.unpack(redis_client().get(link_cache_key(share.code))) == TrackedLink(
        share.pk, share.user_id, _destination(share)
    )


def test_click_by_sharer_on_cached_link_is_redirected_not_counted(
    client, django_assert_num_queries
):
    share = ShareFactory()
    _cache_link(client, share)
    client.force_login(share.user)
    # From the cache: the only query reads the sharer's session, none looks up the share.
    with django_assert_num_queries(1) as captured:
        response = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert "django_session" in captured.captured_queries[0]["sql"]
    assert (response.status_code, response["Location"]) == (302, _destination(share))
    _flush()
    assert _totals(share) == (0, 0)


def test_click_human_on_cached_link_is_counted(client, django_assert_num_queries):
    share = ShareFactory()
    _cache_link(client, share)
    with django_assert_num_queries(0):
        responses = [client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA) for _ in "ab"]
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, _destination(share))] * 2
    assert redis_client().xlen("amb:clicks") == 2
    _flush()
    assert _totals(share) == (2, 1)


def _visit(share_code: str, *, event_id: str, visitor_id: str = "") -> Visit:
    return Visit(
        event_id=event_id,
        code=share_code,
        at_ms=int(datetime.now(UTC).timestamp() * 1000),
        visitor_hash="c" * 64,
        visitor_id=visitor_id,
    )


def test_click_on_uncached_link_is_written_once_to_the_stream(client):
    share = ShareFactory()
    response = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert (response.status_code, response["Location"]) == (302, _destination(share))
    # The visit went with the lookup; the database answered the link, nothing was written
    # there yet, and the link is cached for the next visit.
    assert redis_client().xlen("amb:clicks") == 1
    assert Click.objects.count() == 0
    assert redis_client().get(link_cache_key(share.code)) is not None
    _flush()
    assert _totals(share) == (1, 1)


def test_click_on_unknown_code_is_dropped_by_the_flush(client):
    response = client.get("/r/NoSuchCode12", HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 404
    assert redis_client().xlen("amb:clicks") == 1  # written with the lookup, before it missed
    _flush()
    assert Click.objects.count() == 0
    assert redis_client().xlen("amb:clicks") == 0


def test_flush_resolves_visits_and_drops_the_sharers_own():
    share = ShareFactory()
    other = ShareFactory()
    buffer = redis_client()
    buffer.xadd("amb:clicks", _visit(share.code, event_id="a" * 32).as_fields())
    buffer.xadd(
        "amb:clicks",
        _visit(share.code, event_id="b" * 32, visitor_id=str(share.user_id)).as_fields(),
    )
    buffer.xadd(
        "amb:clicks",
        _visit(share.code, event_id="c" * 32, visitor_id=str(other.user_id)).as_fields(),
    )
    assert services.clicks_flush() == 2
    assert sorted(Click.objects.values_list("event_id", flat=True)) == [
        uuid.UUID("a" * 32),
        uuid.UUID("c" * 32),
    ]
    assert set(Click.objects.values_list("share_id", flat=True)) == {share.pk}
    assert buffer.xlen("amb:clicks") == 0


def test_flush_stores_resolved_events_and_acknowledges_unreadable_entries():
    share = ShareFactory()
    buffer = redis_client()
    event = ClickEvent(
        event_id="d" * 32, share_id=share.pk, at_ms=int(time.time() * 1000), visitor_hash="e" * 64
    )
    buffer.xadd("amb:clicks", event.as_fields())
    buffer.xadd("amb:clicks", {"unknown": "entry"})
    assert services.clicks_flush() == 1
    assert list(Click.objects.values_list("event_id", "share_id")) == [
        (uuid.UUID("d" * 32), share.pk)
    ]
    assert buffer.xlen("amb:clicks") == 0
    assert buffer.xpending("amb:clicks", "flush")["pending"] == 0


def test_visit_written_to_both_stores_counts_once():
    """A round trip that failed after Redis took the visit: the redirect writes the click
    directly as well, with the same event id, and the flush's copy counts nothing more."""
    share = ShareFactory()
    visit = _visit(share.code, event_id="f" * 32)
    redis_client().xadd("amb:clicks", visit.as_fields())
    services.clicks_store(events=[visit.resolved(share_id=share.pk)])
    _flush()
    assert Click.objects.count() == 1
    assert _totals(share) == (1, 1)
