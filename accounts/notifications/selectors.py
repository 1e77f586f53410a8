"""Reads about notifications: the inbox grouped by kind, and the admins' reminder figures.
Each returns in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, Q, QuerySet, Window
from django.db.models.functions import TruncDate

from accounts.models import (
    Notification,
    TeamWebhook,
    User,
    WebhookMessage,
)
from accounts.notifications.kinds import kind_label


@dataclass
class InboxKind:
    kind: str
    label: str
    total: int
    unread: int


def inbox_kinds(*, user: User) -> list[InboxKind]:
    """The kinds in ``user``'s inbox, the one with the newest notification first (one query)."""
    rows = (
        Notification.objects.inbox()
        .filter(recipient=user)
        .order_by()
        .values("kind")
        .annotate(
            total=Count("pk"),
            unread=Count("pk", filter=Q(read_at__isnull=True)),
            latest=Max("created_at"),
        )
        .order_by("-latest", "kind")
    )
    return [
        InboxKind(row["kind"], kind_label(row["kind"]), row["total"], row["unread"]) for row in rows
    ]


def inbox(*, user: User, kind: str = "") -> QuerySet[Notification]:
    """``user``'s inbox grouped by kind: the kind with the newest notification first, each
    kind's notifications newest first. With ``kind``, that kind only."""
    qs = Notification.objects.inbox().filter(recipient=user)
    if kind:
        return qs.filter(kind=kind).order_by("-created_at", "-pk")
    return qs.annotate(kind_latest=Window(Max("created_at"), partition_by=[F("kind")])).order_by(
        "-kind_latest", "kind", "-created_at", "-pk"
    )


@dataclass
class RunRow:
    day: dt.date
    kind: str
    label: str
    created: int
    sent: int
    failed: int
    waiting: int
    dropped: int
    skipped: int


def reminder_runs(*, since: dt.datetime) -> list[RunRow]:
    """Notifications created since ``since`` by day and kind, with what became of their
    email: the admins' "last runs" (one query)."""
    states = Notification.EmailState
    rows = (
        Notification.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .order_by()
        .values("day", "kind")
        .annotate(
            created=Count("pk"),
            sent=Count("pk", filter=Q(email_state=states.SENT)),
            failed=Count("pk", filter=Q(email_state=states.FAILED)),
            waiting=Count("pk", filter=Q(email_state__in=[states.PENDING, states.SENDING])),
            dropped=Count("pk", filter=Q(email_state=states.DROPPED)),
            skipped=Count("pk", filter=Q(email_state=states.SKIPPED)),
        )
        .order_by("-day", "kind")
    )
    return [RunRow(label=kind_label(row["kind"]), **row) for row in rows]


@dataclass
class Waiting:
    kind: str
    people: int
    first_due_at: dt.datetime | None


def emails_waiting() -> list[Waiting]:
    """Emails created but not sent yet (quiet hours, retries), by kind (one query)."""
    rows = (
        Notification.objects.filter(email_state=Notification.EmailState.PENDING)
        .order_by()
        .values("kind")
        .annotate(people=Count("recipient", distinct=True), first=Min("email_due_at"))
        .order_by("first", "kind")
    )
    return [Waiting(row["kind"], row["people"], row["first"]) for row in rows]


def email_failures(*, limit: int = 20) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(email_state=Notification.EmailState.FAILED)
        .select_related("recipient")
        .order_by("-created_at", "-pk")[:limit]
    )


def webhooks_for_admin() -> QuerySet[TeamWebhook]:
    """Every team webhook with its message figures; the secret URL is not read (only its
    hint is shown), so a webhook whose key is gone still shows."""
    return (
        TeamWebhook.objects.select_related("team")
        .defer("url")
        .annotate(
            failed_messages=Count(
                "messages", filter=Q(messages__state=WebhookMessage.State.FAILED)
            ),
            waiting_messages=Count(
                "messages",
                filter=Q(
                    messages__state__in=[WebhookMessage.State.PENDING, WebhookMessage.State.SENDING]
                ),
            ),
        )
        .order_by("team__name", "service")
    )


def webhooks_failing_count() -> int:
    return TeamWebhook.objects.filter(failing_since__isnull=False).count()
