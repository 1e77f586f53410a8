"""The beat's one-minute tick: every registered source creates what is due, then due
emails and webhook messages are handed to workers."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from accounts import webhooks
from accounts.notifications.email import emails_drop_expired, emails_queue_due, emails_reclaim
from accounts.notifications.registry import ReminderSource, sources

logger = logging.getLogger(__name__)


@dataclass
class TickResult:
    offered: dict[str, int]
    email_batches: list[list[int]]
    webhook_message_ids: list[int]


def _slot_is_free(source: ReminderSource, *, now: dt.datetime) -> bool:
    """True for the first run of ``source`` in its current time slot. Kept in the cache:
    losing it costs one extra run, never a reminder (the rows are the truth)."""
    slot = int(now.timestamp() // source.every.total_seconds())
    return cache.add(
        f"reminders:source:{source.name}:{slot}", 1, timeout=source.every.total_seconds() * 2
    )


def reminders_collect(*, now: dt.datetime) -> dict[str, int]:
    """Ask every source for what is due at ``now``. One failing source is logged and
    never keeps the others from running."""
    offered: dict[str, int] = {}
    for source in sources():
        if source.every is not None and not _slot_is_free(source, now=now):
            continue
        try:
            offered[source.name] = source.collect(now=now)
        except Exception:
            logger.exception("Reminder source %s failed", source.name)
            offered[source.name] = -1
    return offered


def reminders_tick(*, now: dt.datetime | None = None) -> TickResult:
    """One beat tick: give back dead claims, drop stale rows, create what is due, and
    hand over what may be sent now. The caller enqueues the batches."""
    now = now or timezone.now()
    emails_reclaim(now=now)
    emails_drop_expired(now=now)
    webhooks.messages_reclaim(now=now)
    offered = reminders_collect(now=now)
    return TickResult(
        offered=offered,
        email_batches=emails_queue_due(now=now),
        webhook_message_ids=webhooks.messages_queue_due(now=now),
    )
