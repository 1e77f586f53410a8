"""Celery tasks of the posts app. Thin: take IDs, return early if the row is gone, one
service call. The ``name=`` of each is what beat and queued messages refer to: keep it."""

from celery import shared_task

from posts.models import ContentItem, Feed
from posts.services import clicks, content, engagement, feeds, previews, publishing


@shared_task(name="posts.archive_expired_content")
def archive_expired_content() -> int:
    """Periodic: approved items past their expire-at leave the feed for good."""
    return content.content_archive_expired()


PREVIEW_MAX_RETRIES = 3


@shared_task(
    name="posts.fetch_link_preview",
    bind=True,
    autoretry_for=(previews.PreviewTemporaryError,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=PREVIEW_MAX_RETRIES,
)
def fetch_link_preview(self, item_id: int) -> None:
    """Fill an item's empty title, summary and image from its page; timeouts and 5xx are
    retried with backoff and jitter, the last attempt gives up quietly."""
    if not ContentItem.objects.filter(pk=item_id).exists():
        return
    previews.content_fill_preview(
        item_id=item_id, final_attempt=self.request.retries >= PREVIEW_MAX_RETRIES
    )


@shared_task(name="posts.fetch_due_feeds")
def fetch_due_feeds() -> int:
    """Periodic: one task per due feed, so a slow or broken feed never holds up the rest."""
    ids = feeds.feeds_due_ids()
    for feed_id in ids:
        fetch_feed.delay(feed_id)
    return len(ids)


@shared_task(name="posts.fetch_feed")
def fetch_feed(feed_id: int) -> int:
    if not Feed.objects.filter(pk=feed_id).exists():
        return 0
    return feeds.feed_fetch(feed_id=feed_id)


@shared_task(name="posts.flush_clicks")
def flush_clicks() -> int:
    return clicks.clicks_flush()


@shared_task(name="posts.rotate_click_salts")
def rotate_click_salts() -> int:
    return clicks.click_salts_rotate()


@shared_task(name="posts.purge_clicks")
def purge_clicks() -> int:
    return clicks.clicks_purge()


# --- Publishing and engagement -------------------------------------------------------------


@shared_task(name="posts.publish_share")
def publish_share(share_id: int) -> str:
    """ "Post now": publish one share at once (the beat tick would take it a minute later)."""
    return publishing.share_publish(share_id=share_id)


@shared_task(name="posts.publish_due_shares")
def publish_due_shares() -> int:
    """Periodic, every minute: claim and publish the scheduled shares that are due."""
    return publishing.shares_publish_due()


@shared_task(name="posts.collect_engagement")
def collect_engagement() -> int:
    """Periodic: read engagement of the posted shares that are due."""
    return engagement.engagement_collect_due().readings
