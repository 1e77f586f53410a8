"""Reads of shares beyond the list itself: the latest engagement of a page of shares, the
person's connection on a network for the share page, and the admins' failed shares."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from accounts.models import CONNECTABLE_NETWORKS, Connection, NotificationSetting, User
from posts.models import CollectStatus, EngagementReading, Share, ShareStatus


def shares_with_latest_reading(queryset: QuerySet[Share]) -> QuerySet[Share]:
    """``queryset`` annotated with the id of each share's latest engagement reading."""
    latest = (
        EngagementReading.objects.filter(share=OuterRef("pk"))
        .order_by("-read_at", "-id")
        .values("id")[:1]
    )
    return queryset.annotate(latest_reading_id=Subquery(latest))


def latest_readings_attach(shares: Iterable[Share]) -> None:
    """Set ``share.latest_reading`` (or None) on each share annotated by
    ``shares_with_latest_reading``: one query for the whole page."""
    shares = list(shares)
    ids = [s.latest_reading_id for s in shares if s.latest_reading_id]
    readings = EngagementReading.objects.in_bulk(ids) if ids else {}
    for share in shares:
        share.latest_reading = readings.get(share.latest_reading_id)


def connection_on(*, user: User, network: str) -> Connection | None:
    """The person's live connection on ``network`` (working or waiting for a reconnect)."""
    if network not in CONNECTABLE_NETWORKS:
        return None
    return Connection.objects.live().filter(user=user, network=network).first()


def quiet_hours_for(*, user: User):
    """(start, end) of the person's quiet hours, or None when they have none."""
    # No row means the default quiet hours.
    setting = NotificationSetting.objects.filter(user=user).first() or NotificationSetting()
    if setting.quiet_hours_start is None or setting.quiet_hours_end is None:
        return None
    return setting.quiet_hours_start, setting.quiet_hours_end


def shares_failed() -> QuerySet[Share]:
    """Shares whose publishing or engagement collection gave up, latest failure first."""
    return (
        Share.objects.filter(Q(status=ShareStatus.FAILED) | Q(collect_status=CollectStatus.FAILED))
        .select_related("user", "item")
        .order_by(F("failed_at").desc(nulls_last=True), "-created_at", "-id")
    )
