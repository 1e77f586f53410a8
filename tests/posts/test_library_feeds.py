"""RSS/Atom import and link previews, against local fake servers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from posts.models import ContentItem, ContentStatus, Feed, FeedStatus
from posts.services import feeds as services
from posts.services import previews
from tests.posts.conftest import make_png
from tests.posts.factories import ContentItemFactory, FeedFactory, TopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def rss(*entries):
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
        f"<description>&lt;p&gt;About {title}&lt;/p&gt;</description></item>"
        for guid, link, title in entries
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        f"{items}</channel></rss>"
    ).encode()


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><id>urn:blog</id>
<updated>2026-01-01T00:00:00Z</updated>
<entry><title>Atom entry</title><id>urn:entry:1</id><link href="https://example.com/atom-1"/>
<updated>2026-01-01T00:00:00Z</updated><summary>Atom summary</summary></entry>
</feed>"""

XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title></channel></rss>"""


def feed_at(fake_server, body, **kwargs):
    fake_server.body("/feed.xml", body, content_type="application/rss+xml")
    return FeedFactory(url=fake_server.url("/feed.xml"), **kwargs)


def test_feed_fetch_creates_items_in_review(fake_server):
    feed = feed_at(fake_server, rss(("g1", "https://example.com/1", "First")))
    assert services.feed_fetch(feed_id=feed.pk) == 1
    item = ContentItem.objects.get()
    assert (item.title, item.status, item.feed_guid) == ("First", ContentStatus.IN_REVIEW, "g1")
    assert item.summary == "About First"
    feed.refresh_from_db()
    assert (feed.status, feed.last_error) == (FeedStatus.OK, "")


def test_feed_fetch_trusted_approves_directly(fake_server):
    feed = feed_at(fake_server, rss(("g1", "https://example.com/1", "First")), trusted=True)
    services.feed_fetch(feed_id=feed.pk)
    assert ContentItem.objects.get().status == ContentStatus.APPROVED


def test_feed_fetch_reads_atom(fake_server):
    feed = feed_at(fake_server, ATOM)
    services.feed_fetch(feed_id=feed.pk)
    item = ContentItem.objects.get()
    assert (item.url, item.feed_guid) == ("https://example.com/atom-1", "urn:entry:1")


def test_feed_fetch_assigns_feed_topics(fake_server):
    topic = TopicFactory()
    feed = feed_at(fake_server, rss(("g1", "https://example.com/1", "First")))
    feed.topics.set([topic])
    services.feed_fetch(feed_id=feed.pk)
    assert list(ContentItem.objects.get().topics.all()) == [topic]


def test_feed_fetch_dedupes_by_guid(fake_server):
    feed = feed_at(fake_server, rss(("g1", "https://example.com/1", "First")))
    services.feed_fetch(feed_id=feed.pk)
    fake_server.body(
        "/feed.xml",
        rss(("g1", "https://example.com/1-moved", "First, edited")),
        "application/rss+xml",
    )
    Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now())
    assert services.feed_fetch(feed_id=feed.pk) == 0
    assert ContentItem.objects.count() == 1


def test_feed_fetch_dedupes_by_url(fake_server):
    ContentItemFactory(url="https://example.com/1")
    feed = feed_at(fake_server, rss(("other-guid", "https://example.com/1", "Same page")))
    assert services.feed_fetch(feed_id=feed.pk) == 0
    assert ContentItem.objects.count() == 1


def test_feed_fetch_respects_daily_max(fake_server):
    entries = [(f"g{n}", f"https://example.com/{n}", f"Entry {n}") for n in range(10)]
    feed = feed_at(fake_server, rss(*entries), daily_max=3)
    assert services.feed_fetch(feed_id=feed.pk) == 3
    Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now())
    assert services.feed_fetch(feed_id=feed.pk) == 0
    assert ContentItem.objects.count() == 3


def test_feed_fetch_skips_javascript_links(fake_server):
    feed = feed_at(fake_server, rss(("g1", "javascript:alert(1)", "Evil")))
    assert services.feed_fetch(feed_id=feed.pk) == 0


def test_feed_fetch_malformed_marks_failing_with_reason(fake_server):
    feed = feed_at(fake_server, b"<html><body>not a feed")
    services.feed_fetch(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.status == FeedStatus.FAILING
    assert feed.last_error == "Feed URL: the response is not a valid RSS or Atom feed."
    assert feed.failure_count == 1


def test_feed_fetch_xml_bomb_refused(fake_server):
    feed = feed_at(fake_server, XML_BOMB)
    services.feed_fetch(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.last_error == "Feed URL: the feed uses XML entities, which are not allowed."
    assert ContentItem.objects.count() == 0


def test_feed_fetch_external_entity_refused(fake_server):
    feed = feed_at(fake_server, XXE)
    services.feed_fetch(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.status == FeedStatus.FAILING
    assert ContentItem.objects.count() == 0


def test_feed_fetch_http_error_marks_failing(fake_server):
    fake_server.body("/feed.xml", b"oops", status=500)
    feed = FeedFactory(url=fake_server.url("/feed.xml"))
    services.feed_fetch(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.last_error == "Feed URL: the server answered with HTTP status 500."


def test_feed_fetch_failure_backs_off_more_each_time(fake_server):
    feed = feed_at(fake_server, b"garbage")
    delays = []
    for _ in range(3):
        Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now())
        before = timezone.now()
        services.feed_fetch(feed_id=feed.pk)
        feed.refresh_from_db()
        delays.append(feed.next_fetch_at - before)
    assert delays[0] < delays[1] < delays[2]
    assert feed.failure_count == 3


def test_feed_fetch_private_address_marks_failing(settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    feed = FeedFactory(url="http://127.0.0.1:9/feed.xml")
    services.feed_fetch(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.status == FeedStatus.FAILING
    assert "private or reserved network" in feed.last_error


def test_feed_fetch_recovers_after_failure(fake_server):
    feed = feed_at(fake_server, b"garbage")
    services.feed_fetch(feed_id=feed.pk)
    fake_server.body(
        "/feed.xml", rss(("g1", "https://example.com/1", "First")), "application/rss+xml"
    )
    Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now())
    services.feed_fetch(feed_id=feed.pk)
    feed.refresh_from_db()
    assert (feed.status, feed.failure_count, feed.last_error) == (FeedStatus.OK, 0, "")


def test_feed_fetch_one_failing_feed_does_not_block_others(fake_server):
    fake_server.body("/bad.xml", b"garbage", content_type="application/rss+xml")
    fake_server.body(
        "/good.xml", rss(("g1", "https://example.com/1", "Good")), "application/rss+xml"
    )
    bad = FeedFactory(url=fake_server.url("/bad.xml"))
    good = FeedFactory(url=fake_server.url("/good.xml"))
    for feed_id in services.feeds_due_ids():
        services.feed_fetch(feed_id=feed_id)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert (bad.status, good.status) == (FeedStatus.FAILING, FeedStatus.OK)
    assert ContentItem.objects.get().title == "Good"


def test_feed_claim_only_once(fake_server):
    feed = FeedFactory()
    assert services.feed_claim(feed_id=feed.pk) is True
    assert services.feed_claim(feed_id=feed.pk) is False


def test_feeds_due_skips_paused_and_future(db):
    FeedFactory(is_active=False)
    FeedFactory(next_fetch_at=timezone.now() + timedelta(hours=1))
    due = FeedFactory()
    assert services.feeds_due_ids() == [due.pk]


# --- Link previews -------------------------------------------------------------------------

PAGE = """<html><head><title>Fallback title</title>
<meta property="og:title" content="OG title">
<meta name="twitter:description" content="Twitter description">
<meta property="og:image" content="/cover.png">
</head><body>Hi</body></html>"""


def test_preview_fills_empty_fields(fake_server):
    fake_server.body("/article", PAGE.encode())
    fake_server.body("/cover.png", make_png(), content_type="image/png")
    item = ContentItemFactory(url=fake_server.url("/article"), title="", summary="")
    previews.content_fill_preview(item_id=item.pk)
    item.refresh_from_db()
    assert (item.title, item.summary) == ("OG title", "Twitter description")
    assert item.image.name.endswith(".png")
    assert item.image_source_url == fake_server.url("/cover.png")


def test_preview_keeps_curator_fields(fake_server):
    fake_server.body("/article", PAGE.encode())
    fake_server.body("/cover.png", make_png(), content_type="image/png")
    item = ContentItemFactory(url=fake_server.url("/article"), title="Mine", summary="Also mine")
    previews.content_fill_preview(item_id=item.pk)
    item.refresh_from_db()
    assert (item.title, item.summary) == ("Mine", "Also mine")


def test_preview_uses_title_tag_without_og(fake_server):
    fake_server.body("/plain", b"<html><head><title> Plain  page </title></head></html>")
    item = ContentItemFactory(url=fake_server.url("/plain"), title="")
    previews.content_fill_preview(item_id=item.pk)
    item.refresh_from_db()
    assert item.title == "Plain page"


def test_preview_ignores_image_that_is_not_an_image(fake_server):
    fake_server.body("/article", PAGE.encode())
    fake_server.body("/cover.png", b"<script>alert(1)</script>", content_type="image/png")
    item = ContentItemFactory(url=fake_server.url("/article"), title="")
    previews.content_fill_preview(item_id=item.pk)
    item.refresh_from_db()
    assert item.title == "OG title"
    assert not item.image


def test_preview_refuses_image_on_private_address(fake_server):
    page = PAGE.replace("/cover.png", "http://169.254.169.254/latest/meta-data/")
    fake_server.body("/article", page.encode())
    item = ContentItemFactory(url=fake_server.url("/article"), title="")
    previews.content_fill_preview(item_id=item.pk)
    item.refresh_from_db()
    assert not item.image


def test_preview_failure_leaves_item_unchanged(settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    item = ContentItemFactory(url="http://10.0.0.1/secret", title="")
    previews.content_fill_preview(item_id=item.pk)
    item.refresh_from_db()
    assert item.title == ""
    assert item.preview_fetched_at is not None


def test_preview_missing_item_returns_none(db):
    assert previews.content_fill_preview(item_id=999999) is None


# --- Admin CRUD ----------------------------------------------------------------------------


def admin_add(client, personas, url):
    client.force_login(personas.admin)
    return client.post(
        "/django-admin/posts/feed/add/",
        {
            "name": "Blog",
            "url": url,
            "daily_max": 5,
            "is_active": "on",
            "next_fetch_at_0": "2026-01-01",
            "next_fetch_at_1": "00:00:00",
        },
    )


def test_admin_adds_valid_feed(client, personas, fake_server):
    fake_server.body(
        "/feed.xml", rss(("g1", "https://example.com/1", "First")), "application/rss+xml"
    )
    response = admin_add(client, personas, fake_server.url("/feed.xml"))
    assert response.status_code == 302
    assert Feed.objects.get().created_by == personas.admin


def test_admin_add_malformed_feed_refused(client, personas, fake_server):
    fake_server.body("/feed.xml", b"<html>not a feed</html", "text/html")
    response = admin_add(client, personas, fake_server.url("/feed.xml"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == [
        "Feed URL: the response is not a valid RSS or Atom feed."
    ]
    assert Feed.objects.count() == 0


def test_admin_add_feed_on_private_address_refused(client, personas, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    response = admin_add(client, personas, "http://169.254.169.254/feed.xml")
    assert "private or reserved network" in response.context["adminform"].form.errors["url"][0]
    assert Feed.objects.count() == 0


def test_admin_add_feed_with_ftp_url_refused(client, personas):
    response = admin_add(client, personas, "ftp://example.com/feed.xml")
    assert response.status_code == 200
    assert Feed.objects.count() == 0


def test_preview_5xx_is_temporary_before_last_attempt(fake_server):
    fake_server.body("/down", b"busy", status=503)
    item = ContentItemFactory(url=fake_server.url("/down"), title="")
    with pytest.raises(previews.PreviewTemporaryError):
        previews.content_fill_preview(item_id=item.pk, final_attempt=False)


def test_preview_5xx_on_last_attempt_gives_up(fake_server):
    fake_server.body("/down", b"busy", status=503)
    item = ContentItemFactory(url=fake_server.url("/down"), title="")
    previews.content_fill_preview(item_id=item.pk, final_attempt=True)
    item.refresh_from_db()
    assert (item.title, item.preview_fetched_at is not None) == ("", True)
