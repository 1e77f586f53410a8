"""Writes of engagement collection: posted shares read back at decreasing frequency.

Each posted share has a ``next_collect_at``; a beat tick claims the due rows (row locks,
skipping rows another tick holds) and reads them in the network's largest batch. After 1 h,
6 h and 24 h, then daily for 30 days. Rate limits are honoured (a 429's Retry-After or reset
header, or headers saying nothing is left: that account is not asked again before then); 5xx and
timeouts back off with jitter a bounded number of times, then the row is FAILED for admins
to see; 401/403 mean "reconnect needed" and no retry.
"""

from __future__ import annotations

import random
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from accounts.connections.services import connection_fresh, connection_mark_reconnect
from accounts.models import Connection
from ambassador.networks import Network
from posts.models import CollectStatus, EngagementReading, Share
from posts.networks import bluesky, linkedin, mastodon, x
from posts.networks.base import (
    AuthRevoked,
    ConnectError,
    Counts,
    NetworkUnavailable,
    NotReported,
    rate_limit_wait,
)
from posts.services import share_posts

ADAPTERS = {
    Network.MASTODON: mastodon,
    Network.BLUESKY: bluesky,
    Network.LINKEDIN: linkedin,
    Network.X: x,
}
STEPS = (timedelta(hours=1), timedelta(hours=6), timedelta(hours=24))
DAILY = timedelta(days=1)
COLLECT_FOR = timedelta(days=30)
CLAIM_LEASE = timedelta(minutes=10)
MAX_COLLECT_FAILURES = 5
# Calls in flight at once over all networks: each connection's own calls stay one after the
# other (its rate limit is its own), different accounts are read side by side.
COLLECT_CONCURRENCY = 8
SCHEDULE_FIELDS = [
    "collect_status",
    "next_collect_at",
    "collect_failures",
    "collect_error",
    "failed_at",
]


@dataclass
class CollectStats:
    shares: int = 0
    calls: int = 0
    rate_limited: int = 0
    readings: int = 0


def next_collect_after(*, posted_at: datetime, now: datetime) -> datetime | None:
    """1 h, 6 h and 24 h after posting, then daily; None once 30 days have passed."""
    for step in STEPS:
        if posted_at + step > now:
            return posted_at + step
    following = now + DAILY
    return following if following <= posted_at + COLLECT_FOR + DAILY / 2 else None


def shares_claim_collect(*, now: datetime | None = None, limit: int = 20000) -> list[int]:
    """Due posted shares, each for one caller: locked rows are skipped and the claimed ones
    are pushed a lease ahead, so a second tick does not take them."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Share.objects.filter(collect_status=CollectStatus.ACTIVE, next_collect_at__lte=now)
            .order_by("next_collect_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        Share.objects.filter(pk__in=ids).update(next_collect_at=now + CLAIM_LEASE)
    return ids


def _backoff(failures: int) -> timedelta:
    return timedelta(seconds=min(60 * 2**failures, 6 * 3600) * random.uniform(0.8, 1.2))


@dataclass
class _Outcome:
    """What one read call of a connection's batch came back with."""

    batch: list[Share]
    found: dict[str, Counts] | None = None
    error: ConnectError | None = None
    wait: float | None = None  # seconds before this connection may be asked again


def _read_connection(adapter, connection: Connection, group: list[Share]) -> list[_Outcome]:
    """Read one connection's shares in the network's largest batches, one call after the
    other, stopping when the network says to wait or stops answering for this account.
    Runs in a worker thread: HTTP only, no database."""
    outcomes = []
    for start in range(0, len(group), adapter.READ_BATCH):
        batch = group[start : start + adapter.READ_BATCH]
        try:
            found, headers = adapter.read(
                connection=connection, post_ids=[s.post_id for s in batch]
            )
        except ConnectError as exc:
            wait = getattr(exc, "retry_after", None)
            outcomes.append(_Outcome(batch, error=exc, wait=wait))
            if wait is not None or isinstance(exc, AuthRevoked | NotReported):
                break  # the rest of the group is settled the same way, without a call
            continue
        outcomes.append(_Outcome(batch, found=found, wait=rate_limit_wait(headers)))
        if outcomes[-1].wait is not None:
            break
    return outcomes


def engagement_collect(*, share_ids: list[int], now: datetime | None = None) -> CollectStats:
    """Read the engagement of the given (claimed) shares, batched per connection, with at
    most ``COLLECT_CONCURRENCY`` calls in flight."""
    now = now or timezone.now()
    stats = CollectStats(shares=len(share_ids))
    shares = list(
        Share.objects.filter(pk__in=share_ids)
        .order_by("pk")
        # Every field written back is loaded: a deferred one is a query per share.
        .only("pk", "user_id", "network", "post_id", "post_url", "posted_at", *SCHEDULE_FIELDS)
    )
    connections = {
        (c.user_id, c.network): c
        for c in Connection.objects.filter(
            user_id__in={s.user_id for s in shares}, network__in={s.network for s in shares}
        )
    }
    groups: dict[tuple[int, str], list[Share]] = defaultdict(list)
    for share in shares:
        groups[(share.user_id, share.network)].append(share)
    readings: list[EngagementReading] = []
    updates: list[Share] = []
    reads = []
    # Public reads (pasted posts, or a disconnected account's) blocked by a 429, per network.
    blocked_until: dict[str, datetime] = {}
    with ThreadPoolExecutor(max_workers=COLLECT_CONCURRENCY) as pool:
        for (user_id, network), group in groups.items():
            connection = connections.get((user_id, network))
            adapter = ADAPTERS.get(network)
            if connection is None or not connection.is_connected or adapter is None:
                if network in share_posts.PUBLIC_READS and network not in blocked_until:
                    # A pasted post (or a disconnected account's): anyone may read it.
                    _collect_public(network, group, now, stats, blocked_until, readings, updates)
                else:
                    _reschedule(group, blocked_until.get(network, now + DAILY), updates)
                continue
            try:
                connection = connection_fresh(connection_id=connection.pk)
            except AuthRevoked:
                _reschedule(group, now + DAILY, updates, error="reconnect needed")
                continue
            except ConnectError:
                _fail_or_back_off(group, now, updates, "refresh failed")
                continue
            future = pool.submit(_read_connection, adapter, connection, group)
            reads.append((connection, group, future))
    for connection, group, future in reads:
        left = {share.pk for share in group}
        outcomes = future.result()
        for outcome in outcomes:
            stats.calls += 1
            left -= {share.pk for share in outcome.batch}
            if isinstance(outcome.error, NetworkUnavailable) and outcome.wait is not None:
                stats.rate_limited += 1
            _apply(outcome, connection, now, readings, updates)
        # Shares the read stopped before: settled as the last answer says.
        rest = [share for share in group if share.pk in left]
        last = outcomes[-1] if outcomes else None
        if not rest or last is None:
            continue
        if isinstance(last.error, NotReported):
            _not_reported(rest, updates)
        elif isinstance(last.error, AuthRevoked):
            _reschedule(rest, now + DAILY, updates, error="reconnect needed")
        else:
            _reschedule(rest, now + timedelta(seconds=last.wait or 0), updates)
    with transaction.atomic():
        EngagementReading.objects.bulk_create(readings, batch_size=1000)
        _store_schedule(updates)
    stats.readings = len(readings)
    return stats


_SCHEDULE_SQL = """
UPDATE posts_share AS s
SET collect_status = v.status, next_collect_at = v.next_at,
    collect_failures = v.failures, collect_error = v.error, failed_at = v.failed_at
FROM unnest(
    %s::bigint[], %s::text[], %s::timestamptz[], %s::integer[], %s::text[], %s::timestamptz[]
) AS v(id, status, next_at, failures, error, failed_at)
WHERE s.id = v.id
"""


def _store_schedule(updates: list[Share]) -> None:
    """Each share's next reading, in one statement on PostgreSQL: Django's bulk_update
    builds a CASE per row and field, which takes longer than the whole round's network
    calls at ten thousand shares."""
    if db_connection.vendor != "postgresql":
        Share.objects.bulk_update(updates, SCHEDULE_FIELDS, batch_size=500)
        return
    for start in range(0, len(updates), 5000):
        chunk = updates[start : start + 5000]
        with db_connection.cursor() as cursor:
            cursor.execute(
                _SCHEDULE_SQL,
                [
                    [s.pk for s in chunk],
                    [s.collect_status for s in chunk],
                    [s.next_collect_at for s in chunk],
                    [s.collect_failures for s in chunk],
                    [s.collect_error for s in chunk],
                    [s.failed_at for s in chunk],
                ],
            )


def _apply(outcome: _Outcome, connection, now, readings, updates) -> None:
    batch, error = outcome.batch, outcome.error
    if isinstance(error, NotReported):
        _not_reported(batch, updates)
    elif isinstance(error, AuthRevoked):
        connection_mark_reconnect(connection_id=connection.pk, reason="401")
        _reschedule(batch, now + DAILY, updates, error="reconnect needed")
    elif isinstance(error, NetworkUnavailable) and outcome.wait is not None:
        # A 429: not before then.
        _reschedule(batch, now + timedelta(seconds=outcome.wait), updates)
    elif error is not None:
        _fail_or_back_off(batch, now, updates, str(error.message))
    else:
        _store(batch, outcome.found, now, readings, updates)


def _store(batch, found, now, readings, updates) -> None:
    for share in batch:
        counts = found.get(share.post_id)
        if counts is not None:
            readings.append(
                EngagementReading(
                    share_id=share.pk,
                    read_at=now,
                    reactions=counts.reactions,
                    reposts=counts.reposts,
                    replies=counts.replies,
                    quotes=counts.quotes,
                    impressions=counts.impressions,
                )
            )
        following = next_collect_after(posted_at=share.posted_at or now, now=now)
        share.next_collect_at = following
        share.collect_status = CollectStatus.ACTIVE if following else CollectStatus.DONE
        share.collect_failures, share.collect_error = 0, ""
        updates.append(share)


def _collect_public(network, group, now, stats, blocked_until, readings, updates) -> None:
    try:
        found, calls = share_posts.public_counts(network=network, shares=group)
    except NetworkUnavailable as exc:
        stats.calls += 1
        if exc.retry_after is not None:
            stats.rate_limited += 1
            blocked_until[network] = now + timedelta(seconds=exc.retry_after)
            _reschedule(group, blocked_until[network], updates)
        else:
            _fail_or_back_off(group, now, updates, str(exc.message))
        return
    except ConnectError as exc:
        stats.calls += 1
        _fail_or_back_off(group, now, updates, str(exc.message))
        return
    stats.calls += calls
    _store(group, found, now, readings, updates)


def _not_reported(shares, updates) -> None:
    for share in shares:
        share.collect_status, share.next_collect_at = CollectStatus.NOT_REPORTED, None
        updates.append(share)


def _reschedule(shares, at, updates, error: str = "") -> None:
    for share in shares:
        share.next_collect_at = at
        share.collect_status = CollectStatus.ACTIVE
        share.collect_error = error
        updates.append(share)


def _fail_or_back_off(shares, now, updates, error: str) -> None:
    for share in shares:
        share.collect_failures += 1
        share.collect_error = error[:300]
        if share.collect_failures > MAX_COLLECT_FAILURES:
            share.collect_status, share.next_collect_at = CollectStatus.FAILED, None
            share.failed_at = now
        else:
            share.collect_status = CollectStatus.ACTIVE
            share.next_collect_at = now + _backoff(share.collect_failures)
        updates.append(share)


def engagement_collect_due(*, now: datetime | None = None) -> CollectStats:
    """One beat tick: claim every due share and read them."""
    now = now or timezone.now()
    return engagement_collect(share_ids=shares_claim_collect(now=now), now=now)
