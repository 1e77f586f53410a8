"""Writes of clicks: who counts, visitor hashes and their daily salt, the guess limiter,
and the pipeline from the redirect ``/r/<code>`` to PostgreSQL.

The pipeline, hot path first:

1. The redirect view decides whether a visit counts (``click_is_countable``) and calls
   ``tracked_link_visit``, which hashes the visitor with today's salt (no address leaves
   the request).
2. With Redis, one round trip looks the code up and appends the visit, with a unique event
   id, to a Redis stream (``posts.tracked_links``). Without Redis, or when Redis fails, the
   link comes from the database and the click is written directly.
3. ``clicks_flush`` (a Celery task on beat, every few seconds) claims events through a
   consumer group, resolves the visits' codes to their shares in one query (dropping unknown
   codes and the sharer's own visits), inserts them with ``ON CONFLICT (event_id) DO
   NOTHING``, recomputes the daily totals of the shares it touched, commits, and only then
   acknowledges. A worker
   killed anywhere in between leaves its events pending; the next flush reclaims them, and
   the unique event id makes the retry harmless: nothing lost, nothing counted twice. A
   store that failed (PostgreSQL down) leaves them pending for the same worker, which takes
   its own pending events first on its next run.

The visitor salt of the day lives in three places, looked up in this order: the process's
memory, the cache (Redis), the database. A process started while PostgreSQL is down still
hashes with the day's salt, and a salt made while it is down is shared through the cache.
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
from datetime import UTC, date, datetime, timedelta

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from posts.bots import is_bot
from posts.models import Click, ClickSalt, Share, ShareDailyClicks
from posts.tracked_links import (
    CODE_RE,
    ClickEvent,
    TrackedLink,
    Visit,
    click_stream_send,
    redis_client,
    stream_entry_decode,
    tracked_link_follow,
)
from posts.tracked_links.writer import writer

logger = logging.getLogger(__name__)


# --- Counting rules -------------------------------------------------------------------------


def click_is_countable(*, method: str, meta, user_agent: str) -> bool:
    """Could this request be a human click? GET only; no prefetch, no bot.

    ``meta`` is ``request.META``. The last rule, "not the sharer", needs the share and is
    applied where the share is resolved.
    """
    if method != "GET":
        return False
    purpose = (meta.get("HTTP_SEC_PURPOSE", "") + " " + meta.get("HTTP_PURPOSE", "")).lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return False
    if meta.get("HTTP_X_MOZ", "").lower() == "prefetch":
        return False
    return not is_bot(user_agent)


def _is_sharer(visitor_user_id: str | None, sharer_id: int) -> bool:
    return bool(visitor_user_id) and str(visitor_user_id) == str(sharer_id)


# --- Visitor hashes and the daily salt ------------------------------------------------------

_salts: dict[date, str] = {}


def _salt_cache_key(day: date) -> str:
    return f"clicksalt:{day.isoformat()}"


def _salt_cache_seconds(day: date) -> int:
    """Until an hour after ``day`` ends (UTC): rotation deletes it sooner, this is the backstop."""
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return max(60, int((end - datetime.now(UTC)).total_seconds()) + 3600)


def _salt_cached(day: date) -> str | None:
    try:
        return cache.get(_salt_cache_key(day))
    except Exception:  # Redis down: the database still knows it
        logger.warning("click salt cache unavailable")
        return None


def _salt_shared(day: date) -> str:
    """The salt every process uses for ``day``: the database's (created there on first use),
    or, while PostgreSQL is down, a new one. Either way the copy in the cache wins, so two
    processes that disagreed end up with the same salt. Raises if neither store answers: a
    salt no other process can learn would count each visitor once per process."""
    stored = True
    try:
        salt = ClickSalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})[
            0
        ].salt
    except DatabaseError:
        logger.warning("click salt: database unavailable, the salt lives in the cache for now")
        salt, stored = secrets.token_hex(32), False
    key = _salt_cache_key(day)
    try:
        if not cache.add(key, salt, _salt_cache_seconds(day)):
            salt = cache.get(key) or salt
    except Exception:
        if not stored:
            raise
        logger.warning("click salt cache unavailable")
    return salt


def click_salt_for(*, day: date) -> str:
    """The salt of ``day`` (UTC): from this process's memory, else the cache, else the
    database. A PostgreSQL outage and a Redis restart each leave one of the two."""
    salt = _salts.get(day)
    if salt is None:
        salt = _salt_cached(day) or _salt_shared(day)
        _salts.clear()
        _salts[day] = salt
    return salt


@transaction.atomic
def click_salts_rotate(*, today: date | None = None) -> int:
    """Delete every salt older than today, here and in the cache: yesterday's visitors can
    no longer be linked."""
    today = today or timezone.now().astimezone(UTC).date()
    older = ClickSalt.objects.filter(day__lt=today)
    # Yesterday's may exist only in the cache (made while the database was down).
    days = set(older.values_list("day", flat=True)) | {today - timedelta(days=1)}
    deleted, _ = older.delete()
    try:
        cache.delete_many([_salt_cache_key(day) for day in days])
    except Exception:  # the cached copies expire an hour after their day anyway
        logger.warning("click salt cache unavailable")
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


def visit_new(*, code: str, address: str, user_agent: str, visitor_user_id: str | None) -> Visit:
    now = time.time()
    day = datetime.fromtimestamp(now, UTC).date()
    return Visit(
        event_id=secrets.token_hex(16),
        code=code,
        at_ms=int(now * 1000),
        visitor_hash=visitor_hash(address=address, user_agent=user_agent, day=day),
        visitor_id=visitor_user_id or "",
    )


def click_register(*, event: ClickEvent) -> None:
    """Record one counted click: to the Redis stream (through this process's writer, which
    sends a batch every ``CLICK_WRITE_WINDOW_MS``; at once when that is 0), else straight to
    the database.

    Raises only if both fail on an immediate write; callers on the redirect path catch that
    and redirect anyway.
    """
    client = redis_client()
    if client is not None:
        if settings.CLICK_WRITE_WINDOW_MS > 0:
            writer.add(event)
            return
        try:
            click_stream_send([event])
            return
        except Exception:
            logger.warning("click buffer unavailable; writing the click directly")
    clicks_store(events=[event])


def _store_held(events: list[ClickEvent]) -> None:
    """The writer's way to PostgreSQL when Redis fails, from its own thread. Its connection
    is closed again at once: this runs only while Redis is down, and a connection kept by a
    thread no request ever ends would outlive a PostgreSQL restart unnoticed."""
    try:
        clicks_store(events=events)
    finally:
        connection.close()


writer.configure(send=click_stream_send, store=_store_held)


def tracked_link_visit(
    *, code: str, countable: bool, visitor_user_id: str | None, address: str, user_agent: str
) -> TrackedLink | None:
    """Resolve ``code`` and record the click when it counts; None for an unknown code.

    With Redis both happen in one round trip (``tracked_link_follow``). Otherwise (Redis
    down, the embedded default) the link comes from the database and the click, unless the
    visitor is the sharer, goes through ``click_register``. A tracking failure is logged,
    never raised: the redirect must not fail because of it.
    """
    if not CODE_RE.fullmatch(code):
        return None
    visit = None
    if countable:
        try:
            visit = visit_new(
                code=code, address=address, user_agent=user_agent, visitor_user_id=visitor_user_id
            )
        except Exception:  # no salt: PostgreSQL and Redis both down; redirect anyway
            logger.exception("click tracking failed: no visitor salt")
    link, recorded = tracked_link_follow(code=code, visit=visit)
    if (
        link is not None
        and visit is not None
        and not recorded
        and not _is_sharer(visitor_user_id, link.sharer_id)
    ):
        try:
            click_register(event=visit.resolved(share_id=link.share_id))
        except Exception:
            logger.exception("click tracking failed for share %s", link.share_id)
    return link


def _totals_lock() -> None:
    """Serialise totals recomputation so two flushes never overwrite each other's counts."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [settings.CLICK_TOTALS_LOCK_ID])


_INSERT_CLICKS_SQL = """
INSERT INTO posts_click (event_id, share_id, clicked_at, day, visitor_hash)
SELECT e.event_id::uuid, e.share_id, to_timestamp(e.at_ms / 1000.0),
       (to_timestamp(e.at_ms / 1000.0) AT TIME ZONE 'UTC')::date, e.visitor_hash
FROM unnest(%s::text[], %s::bigint[], %s::bigint[], %s::text[])
    AS e(event_id, share_id, at_ms, visitor_hash)
JOIN posts_share s ON s.id = e.share_id
ON CONFLICT (event_id) DO NOTHING
"""

_RECOMPUTE_TOTALS_SQL = """
INSERT INTO posts_sharedailyclicks (share_id, day, clicks, unique_visitors, updated_at)
SELECT c.share_id, c.day, count(*), count(DISTINCT c.visitor_hash), now()
FROM posts_click c
JOIN (
    SELECT DISTINCT e.share_id, (to_timestamp(e.at_ms / 1000.0) AT TIME ZONE 'UTC')::date AS day
    FROM unnest(%s::bigint[], %s::bigint[]) AS e(share_id, at_ms)
) t ON c.share_id = t.share_id AND c.day = t.day
GROUP BY c.share_id, c.day
ON CONFLICT (share_id, day) DO UPDATE
    SET clicks = EXCLUDED.clicks,
        unique_visitors = EXCLUDED.unique_visitors,
        updated_at = EXCLUDED.updated_at
"""


def _store_postgresql(events: list[ClickEvent]) -> None:
    """Two statements per batch, whatever its size, and next to no Python per event: insert
    (skipping known events and deleted shares), then recompute the touched daily totals."""
    share_ids = [e.share_id for e in events]
    at_ms = [e.at_ms for e in events]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_CLICKS_SQL,
            [[e.event_id for e in events], share_ids, at_ms, [e.visitor_hash for e in events]],
        )
        cursor.execute(_RECOMPUTE_TOTALS_SQL, [share_ids, at_ms])


def _click_rows(events: list[ClickEvent]) -> list[Click]:
    rows = []
    for e in events:
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
    return rows


def _store_portable(events: list[ClickEvent]) -> None:
    """The same for SQLite (the embedded default), through the ORM."""
    rows = _click_rows(events)
    existing = set(
        Share.objects.filter(id__in={r.share_id for r in rows}).values_list("id", flat=True)
    )
    rows = [r for r in rows if r.share_id in existing]
    if not rows:
        return
    Click.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
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
        for t in Click.objects.filter(
            share_id__in={s for s, _d in touched}, day__in={d for _s, d in touched}
        )
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
        batch_size=500,
    )


@transaction.atomic
def clicks_store(*, events: list[ClickEvent]) -> int:
    """Insert ``events`` (known event ids and deleted shares skipped) and recompute the
    daily totals they touch. Idempotent: storing the same events again changes nothing."""
    if not events:
        return 0
    _totals_lock()
    if connection.vendor == "postgresql":
        _store_postgresql(events)
    else:
        _store_portable(events)
    return len(events)


def _consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _ensure_group(buffer) -> None:
    try:
        buffer.xgroup_create(
            settings.CLICK_STREAM_KEY, settings.CLICK_STREAM_GROUP, id="0", mkstream=True
        )
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def clicks_claim(*, buffer, consumer: str, count: int, reclaim_idle_ms: int | None = None):
    """Claim up to ``count`` events: first this consumer's own pending ones (a store that
    failed), then any left pending by a dead flush, then new ones.

    Returns a list of (stream id, ClickEvent or Visit). Claimed events stay pending until
    acknowledged.
    """
    _ensure_group(buffer)
    key, group = settings.CLICK_STREAM_KEY, settings.CLICK_STREAM_GROUP
    idle = settings.CLICK_RECLAIM_IDLE_MS if reclaim_idle_ms is None else reclaim_idle_ms
    # This consumer's own pending events first: a batch it could not store (PostgreSQL was
    # down) is retried on the next beat, not after the reclaim idle time.
    response = buffer.xreadgroup(group, consumer, {key: "0"}, count=count)
    entries = response[0][1] if response else []
    if not entries:
        _next, entries, *deleted = buffer.xautoclaim(key, group, consumer, idle, "0-0", count=count)
        if deleted and deleted[0]:  # trimmed from the stream while pending
            buffer.xack(key, group, *deleted[0])
    if not entries:
        response = buffer.xreadgroup(group, consumer, {key: ">"}, count=count)
        entries = response[0][1] if response else []
    # Entries deleted from the stream while still pending come back without fields, and an
    # entry in no known form cannot be stored: acknowledge (and delete) them.
    claimed, gone = [], []
    for entry_id, fields in entries:
        decoded = stream_entry_decode(fields) if fields else None
        if decoded is None:
            gone.append(entry_id)
        else:
            claimed.append((entry_id, decoded))
    clicks_acknowledge(buffer=buffer, entry_ids=gone)
    return claimed


def clicks_resolve(*, claimed: list[ClickEvent | Visit]) -> list[ClickEvent]:
    """The clicks behind claimed events: each visit resolved to its share by its code (one
    query), unless the code is unknown (a guess, a deleted share) or the visitor is the
    sharer; events already resolved as they are."""
    visits = [v for v in claimed if isinstance(v, Visit)]
    shares = {}
    if visits:
        shares = {
            code: (share_id, sharer_id)
            for code, share_id, sharer_id in Share.objects.filter(
                code__in={v.code for v in visits}
            ).values_list("code", "id", "user_id")
        }
    events = []
    for entry in claimed:
        if isinstance(entry, ClickEvent):
            events.append(entry)
            continue
        share = shares.get(entry.code)
        if share is not None and not _is_sharer(entry.visitor_id, share[1]):
            events.append(entry.resolved(share_id=share[0]))
    return events


def clicks_acknowledge(*, buffer, entry_ids) -> None:
    if not entry_ids:
        return
    pipe = buffer.pipeline(transaction=False)
    pipe.xack(settings.CLICK_STREAM_KEY, settings.CLICK_STREAM_GROUP, *entry_ids)
    pipe.xdel(settings.CLICK_STREAM_KEY, *entry_ids)
    pipe.execute()


def clicks_flush(*, batch_size: int | None = None, max_seconds: float | None = None) -> int:
    """Move buffered click events into PostgreSQL in batches; returns how many were stored."""
    buffer = redis_client()
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
        stored += clicks_store(events=clicks_resolve(claimed=[event for _id, event in claimed]))
        clicks_acknowledge(buffer=buffer, entry_ids=[entry_id for entry_id, _e in claimed])
        if len(claimed) < batch_size:
            # Caught up. Stop rather than chase a trickle in tiny batches: each batch costs a
            # transaction and four round trips, and the next beat comes in a few seconds.
            break
    return stored


@transaction.atomic
def clicks_purge(*, now: datetime | None = None) -> int:
    """Delete raw click events older than the retention period; daily totals stay."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CLICK_RETENTION_DAYS)
    deleted, _ = Click.objects.filter(clicked_at__lt=cutoff).delete()
    return deleted
