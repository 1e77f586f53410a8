"""RSS/Atom feeds: read a feed, claim a due one, fetch it and store its new entries.

Network fetches happen outside transactions (through the SSRF-safe ``ambassador.fetch``);
only the writes that follow are atomic.
"""

from __future__ import annotations

import html
import random
from datetime import datetime, timedelta

import feedparser
import nh3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.audit import AuditAction
from accounts.services import audit_record
from ambassador import fetch as safe_fetch
from posts.models import ContentItem, ContentStatus, Feed, FeedStatus
from posts.models.feeds import feed_error_message
from posts.services.content import ContentError, content_preview_enqueue, content_slug_new
from posts.validators import content_url_problem

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml, text/xml"
FEED_BACKOFF_BASE = timedelta(minutes=15)
FEED_BACKOFF_MAX = timedelta(hours=24)
FEED_INTERVAL = timedelta(hours=1)
# How long a claimed feed fetch keeps other workers away (longer than a fetch can take).
FEED_CLAIM_LEASE = timedelta(minutes=10)


class FeedError(ContentError):
    """A feed cannot be read. ``code`` and ``params`` (see ``FEED_ERROR_MESSAGES``) are
    stored on the feed, so the reason can be shown in each reader's language."""

    def __init__(self, code: str, params: dict | None = None):
        self.code, self.params = code, dict(params or {})
        super().__init__(feed_error_message(code, self.params))


def parse_feed(data: bytes) -> list[dict[str, str]]:
    """Entries of an RSS/Atom document. The bytes are already size-capped by the fetcher;
    defusedxml refuses entity expansion and external entities before feedparser reads it."""
    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError("XML_ENTITIES") from exc
    except (ParseError, ValueError) as exc:
        raise FeedError("NOT_A_FEED") from exc
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    if parsed.get("bozo") and not parsed.entries:
        raise FeedError("NOT_A_FEED")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("NOT_A_FEED")
    entries = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        guid = (entry.get("id") or link).strip()[:500]
        summary = entry.get("summary") or ""
        if summary:
            # Plain text: every tag (and script/style content) stripped.
            summary = html.unescape(nh3.clean(summary, tags=set()))
        entries.append(
            {
                "guid": guid,
                "url": link,
                "title": " ".join((entry.get("title") or "").split())[:300],
                "summary": " ".join(summary.split())[:2000],
            }
        )
    return entries


def feed_read(*, url: str) -> list[dict[str, str]]:
    """Fetch ``url`` and parse it; ``FeedError`` says why it cannot be read."""
    try:
        response = safe_fetch.fetch(url, accept=FEED_ACCEPT)
    except safe_fetch.FetchError as exc:
        with translation.override(None):  # the message id, translated when shown
            reason = str(exc.reason)
        raise FeedError("FETCH", {"reason": reason}) from exc
    if response.status != 200:
        raise FeedError("HTTP_STATUS", {"status": response.status})
    return parse_feed(response.content)


def _backoff(failures: int) -> timedelta:
    delay = min(FEED_BACKOFF_BASE * (2 ** max(failures - 1, 0)), FEED_BACKOFF_MAX)
    # Jitter so failing feeds do not all come back at the same minute.
    return delay + timedelta(seconds=random.uniform(0, delay.total_seconds() / 10))


def feed_claim(*, feed_id: int, now: datetime | None = None) -> bool:
    """Claim a due feed with a conditional UPDATE; only one worker wins."""
    now = now or timezone.now()
    return bool(
        Feed.objects.filter(pk=feed_id, is_active=True, next_fetch_at__lte=now).update(
            next_fetch_at=now + FEED_CLAIM_LEASE
        )
    )


@transaction.atomic
def _feed_failed(feed_id: int, error: FeedError) -> None:
    feed = Feed.objects.select_for_update().get(pk=feed_id)
    feed.failure_count += 1
    feed.status = FeedStatus.FAILING
    feed.last_error_code, feed.last_error_params = error.code, error.params
    # The text (for the Django admin's list) in the site language, not the worker's.
    with translation.override(settings.LANGUAGE_CODE):
        feed.last_error = feed_error_message(error.code, error.params)[:1000]
    feed.last_fetched_at = timezone.now()
    feed.next_fetch_at = feed.last_fetched_at + _backoff(feed.failure_count)
    feed.save(
        update_fields=[
            "failure_count",
            "status",
            "last_error",
            "last_error_code",
            "last_error_params",
            "last_fetched_at",
            "next_fetch_at",
        ]
    )


def feed_fetch(*, feed_id: int, claim: bool = True) -> int:
    """Fetch one feed and add its new entries; returns how many items were created.

    Failures mark the feed failing with the reason and schedule a retry with backoff;
    they never raise, so one broken feed cannot disturb the others.
    """
    if claim and not feed_claim(feed_id=feed_id):
        return 0
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return 0
    try:
        entries = feed_read(url=feed.url)
    except FeedError as exc:
        _feed_failed(feed_id, exc)
        return 0
    return _feed_store_entries(feed_id=feed_id, entries=entries)


@transaction.atomic
def _feed_store_entries(*, feed_id: int, entries: list[dict[str, str]]) -> int:
    feed = Feed.objects.select_for_update().get(pk=feed_id)
    now = timezone.now()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    room = max(feed.daily_max - feed.items.filter(created_at__gte=day_start).count(), 0)
    candidates = []
    for entry in entries:
        if content_url_problem(entry["url"]):
            continue
        entry["url"] = entry["url"].strip()
        candidates.append(entry)
    guids = {e["guid"] for e in candidates}
    urls = {e["url"] for e in candidates}
    seen_guids = set(
        ContentItem.objects.filter(feed=feed, feed_guid__in=guids).values_list(
            "feed_guid", flat=True
        )
    )
    seen_urls = set(ContentItem.objects.filter(url__in=urls).values_list("url", flat=True))
    topics = list(feed.topics.all())
    created = 0
    for entry in candidates:
        if created >= room:
            break
        if entry["guid"] in seen_guids or entry["url"] in seen_urls:
            continue
        seen_guids.add(entry["guid"])
        seen_urls.add(entry["url"])
        try:
            with transaction.atomic():
                item = ContentItem.objects.create(
                    url=entry["url"],
                    slug=content_slug_new(entry["title"] or entry["url"]),
                    title=entry["title"],
                    summary=entry["summary"],
                    feed=feed,
                    feed_guid=entry["guid"],
                    status=ContentStatus.APPROVED if feed.trusted else ContentStatus.IN_REVIEW,
                    approved_at=now if feed.trusted else None,
                    target_everyone=True,
                )
        except IntegrityError:
            continue
        item.topics.set(topics)
        if feed.trusted:
            audit_record(
                actor=None,
                action=AuditAction.CONTENT_APPROVED,
                target=item,
                detail={"feed": feed.pk, "trusted": True},
            )
        else:
            audit_record(
                actor=None,
                action=AuditAction.CONTENT_CREATED,
                target=item,
                detail={"feed": feed.pk},
            )
        content_preview_enqueue(item)
        created += 1
    feed.status, feed.last_error, feed.failure_count = FeedStatus.OK, "", 0
    feed.last_error_code, feed.last_error_params = "", {}
    feed.last_fetched_at = now
    feed.next_fetch_at = now + FEED_INTERVAL
    feed.save(
        update_fields=[
            "status",
            "last_error",
            "last_error_code",
            "last_error_params",
            "failure_count",
            "last_fetched_at",
            "next_fetch_at",
        ]
    )
    return created


def feeds_due_ids(*, now: datetime | None = None) -> list[int]:
    return list(Feed.objects.due(now).values_list("pk", flat=True))
