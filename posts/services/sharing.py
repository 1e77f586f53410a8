"""Writes for the sharing area of posts: shares, and the click pipeline behind /r/<code>.

The click pipeline, hot path first:

1. The redirect view decides whether a visit counts (``click_is_counted``), hashes the
   visitor with today's salt (no address leaves the request), and calls ``click_register``.
2. With Redis, ``click_register`` appends one event with a unique id to a Redis stream
   (one round trip). Without Redis, or when Redis fails, it writes the click directly.
3. ``clicks_flush`` (a Celery task on beat, every few seconds) claims events through a
   consumer group, inserts them with ``ON CONFLICT (event_id) DO NOTHING``, recomputes the
   daily totals of the shares it touched, commits, and only then acknowledges. A worker
   killed anywhere in between leaves its events pending; the next flush reclaims them, and
   the unique event id makes the retry harmless: nothing lost, nothing counted twice.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import SocialProfile, User
from posts.bots import is_bot
from posts.models import Click, ClickSalt, ContentItem, Share, ShareDailyClicks
from posts.networks import Network
from posts.selectors.sharing import caption_suggested, followers_on
from training.selectors import caption_final_text, caption_violations, sharing_gate

logger = logging.getLogger(__name__)


class SharingError(Exception):
    """An expected failure of a sharing action."""


class SharingNotAllowed(SharingError):
    def __init__(self, missing):
        super().__init__("sharing not allowed yet")
        self.missing = missing


class CaptionRejected(SharingError):
    def __init__(self, violations):
        super().__init__("caption violates the guidelines")
        self.violations = violations


# --- Shares ---------------------------------------------------------------------------------


def share_code_new() -> str:
    """12 URL-safe characters = 72 random bits: short, and not guessable."""
    return secrets.token_urlsafe(9)


@transaction.atomic
def social_profile_set_mastodon_instance(*, user: User, instance_url: str) -> SocialProfile:
    """Store (or change) the person's Mastodon instance, e.g. ``https://mastodon.social``."""
    profile, _ = SocialProfile.objects.update_or_create(
        user=user,
        network=Network.MASTODON,
        defaults={"instance_url": instance_url.rstrip("/")},
    )
    return profile


@transaction.atomic
def share_create(
    *,
    user: User,
    item: ContentItem,
    network: str,
    caption: str,
    language: str,
    mastodon_instance: str = "",
) -> Share:
    """Record ``user`` sharing ``item`` on ``network`` with its own tracked link.

    The caption is the suggested one when the item does not allow edits; it must pass the
    guideline check, and the stored caption is the final text (with any disclosure).
    ``mastodon_instance``, when given, is saved on the person's Mastodon profile.
    """
    if not ContentItem.objects.visible_to(user).filter(pk=item.pk).exists():
        raise SharingNotAllowed(missing=[])
    gate = sharing_gate(user=user)
    if not gate.allowed:
        raise SharingNotAllowed(missing=gate.missing)
    if mastodon_instance:
        social_profile_set_mastodon_instance(user=user, instance_url=mastodon_instance)
    if not item.caption_editable:
        caption = caption_suggested(item=item, network=network, language=language)
    violations = caption_violations(caption=caption, network=network, language=language)
    if violations:
        raise CaptionRejected(violations)
    final = caption_final_text(caption=caption, network=network, language=language)
    followers = followers_on(user=user, network=network)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Share.objects.create(
                    user=user,
                    item=item,
                    network=network,
                    caption=final,
                    followers_at_share=followers,
                    code=share_code_new(),
                )
        except IntegrityError:  # a code collision: 1 in 2**72, but never fail on it
            continue
    raise SharingError("could not allocate a tracked link code")


# --- Counting rules -------------------------------------------------------------------------


def click_is_counted(
    *, method: str, headers, user_agent: str, visitor_user_id: str | None, sharer_id: int
) -> bool:
    """A human visit by someone other than the sharer. See SECURITY.md 24."""
    if method != "GET":
        return False
    purpose = (headers.get("Sec-Purpose", "") + " " + headers.get("Purpose", "")).lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return False
    if headers.get("X-Moz", "").lower() == "prefetch":
        return False
    if is_bot(user_agent):
        return False
    return not (visitor_user_id is not None and str(visitor_user_id) == str(sharer_id))


# --- Visitor hashes and the daily salt ------------------------------------------------------

_salts: dict[date, str] = {}


def click_salt_for(*, day: date) -> str:
    """The salt of ``day`` (UTC), created on first use and remembered by this process."""
    salt = _salts.get(day)
    if salt is None:
        salt = ClickSalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})[
            0
        ].salt
        _salts.clear()
        _salts[day] = salt
    return salt


@transaction.atomic
def click_salts_rotate(*, today: date | None = None) -> int:
    """Delete every salt older than today: yesterday's visitors can no longer be linked."""
    today = today or timezone.now().astimezone(UTC).date()
    deleted, _ = ClickSalt.objects.filter(day__lt=today).delete()
    for day in [d for d in _salts if d < today]:
        del _salts[day]
    return deleted


def visitor_hash(*, address: str, user_agent: str, day: date) -> str:
    salt = click_salt_for(day=day)
    return hmac.new(salt.encode(), f"{address}|{user_agent}".encode(), hashlib.sha256).hexdigest()


def guess_limited(*, address: str) -> bool:
    """Count a miss (unknown code) from ``address``; True once it is over the limit.

    The counter is keyed by a keyed hash of the address, never the address itself.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
    key = f"tlmiss:{digest[:32]}"
    try:
        cache.add(key, 0, settings.TRACKED_LINK_GUESS_WINDOW_SECONDS)
        misses = cache.incr(key)
    except Exception:  # no cache, no limit: the 404 still stands
        return False
    return misses > settings.TRACKED_LINK_GUESS_LIMIT


# --- Recording clicks -----------------------------------------------------------------------


@dataclass(frozen=True)
class ClickEvent:
    event_id: str
    share_id: int
    at_ms: int
    visitor_hash: str

    def as_fields(self) -> dict[str, str]:
        return {
            "e": self.event_id,
            "s": str(self.share_id),
            "t": str(self.at_ms),
            "v": self.visitor_hash,
        }

    @classmethod
    def from_fields(cls, fields: dict[bytes, bytes]) -> ClickEvent:
        return cls(
            event_id=fields[b"e"].decode(),
            share_id=int(fields[b"s"]),
            at_ms=int(fields[b"t"]),
            visitor_hash=fields[b"v"].decode(),
        )


_buffers: dict[str, object] = {}


def click_buffer():
    """The Redis client of the click buffer, or None in the embedded default (no Redis)."""
    url = settings.REDIS_URL
    if not url:
        return None
    buffer = _buffers.get(url)
    if buffer is None:
        import redis

        buffer = _buffers[url] = redis.Redis.from_url(
            url,
            socket_timeout=settings.CLICK_BUFFER_TIMEOUT_SECONDS,
            socket_connect_timeout=settings.CLICK_BUFFER_TIMEOUT_SECONDS,
        )
    return buffer


def click_register(*, share_id: int, address: str, user_agent: str) -> ClickEvent:
    """Record one counted click: to the Redis buffer, else straight to the database.

    Raises only if both fail; the view catches that and redirects anyway.
    """
    now = time.time()
    day = datetime.fromtimestamp(now, UTC).date()
    event = ClickEvent(
        event_id=uuid.uuid4().hex,
        share_id=share_id,
        at_ms=int(now * 1000),
        visitor_hash=visitor_hash(address=address, user_agent=user_agent, day=day),
    )
    buffer = click_buffer()
    if buffer is not None:
        try:
            buffer.xadd(settings.CLICK_STREAM_KEY, event.as_fields())
            return event
        except Exception:
            logger.warning("click buffer unavailable; writing the click directly")
    clicks_store(events=[event])
    return event


def _totals_lock() -> None:
    """Serialise totals recomputation so two flushes never overwrite each other's counts."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [settings.CLICK_TOTALS_LOCK_ID])


@transaction.atomic
def clicks_store(*, events: list[ClickEvent]) -> int:
    """Insert ``events`` (duplicates ignored) and recompute the touched daily totals.

    Returns how many events were given for shares that still exist.
    """
    if not events:
        return 0
    existing = set(
        Share.objects.filter(id__in={e.share_id for e in events}).values_list("id", flat=True)
    )
    rows = []
    for e in events:
        if e.share_id not in existing:
            continue
        at = datetime.fromtimestamp(e.at_ms / 1000, UTC)
        rows.append(
            Click(
                event_id=uuid.UUID(e.event_id),
                share_id=e.share_id,
                clicked_at=at,
                day=at.date(),
                visitor_hash=e.visitor_hash,
            )
        )
    if not rows:
        return 0
    _totals_lock()
    Click.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    share_ids = {r.share_id for r in rows}
    days = {r.day for r in rows}
    touched = {(r.share_id, r.day) for r in rows}
    now = timezone.now()
    totals = [
        ShareDailyClicks(
            share_id=t["share_id"],
            day=t["day"],
            clicks=t["clicks"],
            unique_visitors=t["uniques"],
            updated_at=now,
        )
        for t in Click.objects.filter(share_id__in=share_ids, day__in=days)
        .order_by()
        .values("share_id", "day")
        .annotate(clicks=Count("id"), uniques=Count("visitor_hash", distinct=True))
        if (t["share_id"], t["day"]) in touched
    ]
    ShareDailyClicks.objects.bulk_create(
        totals,
        update_conflicts=True,
        unique_fields=["share", "day"],
        update_fields=["clicks", "unique_visitors", "updated_at"],
        batch_size=5000,
    )
    return len(rows)


def _consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _ensure_group(buffer) -> None:
    import redis

    try:
        buffer.xgroup_create(
            settings.CLICK_STREAM_KEY, settings.CLICK_STREAM_GROUP, id="0", mkstream=True
        )
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def clicks_claim(*, buffer, consumer: str, count: int, reclaim_idle_ms: int | None = None):
    """Claim up to ``count`` events: first any left pending by a dead flush, then new ones.

    Returns a list of (stream id, ClickEvent). Claimed events stay pending until acknowledged.
    """
    _ensure_group(buffer)
    key, group = settings.CLICK_STREAM_KEY, settings.CLICK_STREAM_GROUP
    idle = settings.CLICK_RECLAIM_IDLE_MS if reclaim_idle_ms is None else reclaim_idle_ms
    _next, entries, *deleted = buffer.xautoclaim(key, group, consumer, idle, "0-0", count=count)
    if deleted and deleted[0]:  # trimmed from the stream while pending: nothing to store
        buffer.xack(key, group, *deleted[0])
    if not entries:
        response = buffer.xreadgroup(group, consumer, {key: ">"}, count=count)
        entries = response[0][1] if response else []
    return [(entry_id, ClickEvent.from_fields(fields)) for entry_id, fields in entries if fields]


def clicks_acknowledge(*, buffer, entry_ids) -> None:
    if not entry_ids:
        return
    pipe = buffer.pipeline(transaction=False)
    pipe.xack(settings.CLICK_STREAM_KEY, settings.CLICK_STREAM_GROUP, *entry_ids)
    pipe.xdel(settings.CLICK_STREAM_KEY, *entry_ids)
    pipe.execute()


def clicks_flush(*, batch_size: int | None = None, max_seconds: float | None = None) -> int:
    """Move buffered click events into PostgreSQL in batches; returns how many were stored."""
    buffer = click_buffer()
    if buffer is None:
        return 0
    batch_size = batch_size or settings.CLICK_FLUSH_BATCH_SIZE
    deadline = time.monotonic() + (max_seconds or settings.CLICK_FLUSH_MAX_SECONDS)
    consumer = _consumer_name()
    stored = 0
    while time.monotonic() < deadline:
        claimed = clicks_claim(buffer=buffer, consumer=consumer, count=batch_size)
        if not claimed:
            break
        stored += clicks_store(events=[event for _id, event in claimed])
        clicks_acknowledge(buffer=buffer, entry_ids=[entry_id for entry_id, _e in claimed])
    return stored


@transaction.atomic
def clicks_purge(*, now: datetime | None = None) -> int:
    """Delete raw click events older than the retention period; daily totals stay."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CLICK_RETENTION_DAYS)
    deleted, _ = Click.objects.filter(clicked_at__lt=cutoff).delete()
    return deleted
