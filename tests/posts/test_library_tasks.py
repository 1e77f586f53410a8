"""Library tasks on a REAL Celery worker (subprocess) with the Redis broker and PostgreSQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from posts import tasks
from posts.models import ContentItem, ContentStatus, Feed, FeedStatus
from posts.services import content as services
from tests.posts.factories import ContentItemFactory, FeedFactory


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_archives_expired_items(celery_worker):
    past = timezone.now() - timedelta(days=2)
    expired = ContentItemFactory(publish_at=past, expire_at=past + timedelta(days=1))
    tasks.archive_expired_content.delay()
    assert celery_worker.wait_for(
        lambda: ContentItem.objects.get(pk=expired.pk).status == ContentStatus.ARCHIVED
    )


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_marks_feed_on_private_address_failing(celery_worker):
    feed = FeedFactory(url="http://169.254.169.254/latest/feed.xml")
    tasks.fetch_due_feeds.delay()
    assert celery_worker.wait_for(lambda: Feed.objects.get(pk=feed.pk).status == FeedStatus.FAILING)
    assert "private or reserved network" in Feed.objects.get(pk=feed.pk).last_error


OG_PAGE = b"""<!doctype html><html><head><title>Fallback</title>
<meta property="og:title" content="Our new wind farm">
<meta property="og:description" content="Clean power for 20,000 homes.">
</head><body></body></html>"""


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_fills_link_preview_from_page(personas, fake_server, celery_worker):
    fake_server.body("/wind-farm", OG_PAGE)
    item = services.content_create(by=personas.admin, url=fake_server.url("/wind-farm"))
    assert celery_worker.wait_for(lambda: ContentItem.objects.get(pk=item.pk).title != "")
    item.refresh_from_db()
    assert (item.title, item.summary) == ("Our new wind farm", "Clean power for 20,000 homes.")


@pytest.mark.django_db
def test_fetch_feed_task_missing_feed_returns_zero():
    assert tasks.fetch_feed.run(999999) == 0


@pytest.mark.django_db
def test_fetch_link_preview_task_missing_item_returns_early():
    assert tasks.fetch_link_preview.run(999999) is None
