"""Celery tasks of the library area of posts. Thin: take IDs, one service call."""

from celery import shared_task

from posts.models import ContentItem, Feed
from posts.services import library as services


@shared_task(name="posts.archive_expired_content")
def archive_expired_content() -> int:
    """Periodic: approved items past their expire-at leave the feed for good."""
    return services.content_archive_expired()


@shared_task(name="posts.fetch_link_preview")
def fetch_link_preview(item_id: int) -> None:
    if not ContentItem.objects.filter(pk=item_id).exists():
        return
    services.content_fill_preview(item_id=item_id)


@shared_task(name="posts.fetch_due_feeds")
def fetch_due_feeds() -> int:
    """Periodic: one task per due feed, so a slow or broken feed never holds up the rest."""
    ids = services.feeds_due_ids()
    for feed_id in ids:
        fetch_feed.delay(feed_id)
    return len(ids)


@shared_task(name="posts.fetch_feed")
def fetch_feed(feed_id: int) -> int:
    if not Feed.objects.filter(pk=feed_id).exists():
        return 0
    return services.feed_fetch(feed_id=feed_id)
