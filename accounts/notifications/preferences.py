"""A person's preferences: which kinds come on which channel, their digest frequency, and
their quiet hours in their own time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from accounts.models import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    DigestFrequency,
    NotificationChannel,
    NotificationPreference,
    NotificationSetting,
    User,
)
from accounts.notifications.kinds import KINDS, Email, InApp, channel_default


def zone(name: str | None) -> ZoneInfo:
    """The person's time zone; an unknown name falls back to the site's."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def in_quiet_hours(local: dt.time, start: dt.time | None, end: dt.time | None) -> bool:
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # across midnight, e.g. 21:00-07:00


def next_send_time(
    *, now: dt.datetime, time_zone: str | None, start: dt.time | None, end: dt.time | None
) -> dt.datetime:
    """``now``, or the end of the person's quiet hours when ``now`` falls inside them."""
    tz = zone(time_zone)
    local = now.astimezone(tz)
    if not in_quiet_hours(local.time(), start, end):
        return now
    day = local.date()
    if local.time() >= end:  # the evening part of overnight quiet hours
        day += dt.timedelta(days=1)
    # A wall-clock time that does not exist (spring forward) comes out an hour later.
    morning = dt.datetime.combine(day, end, tzinfo=tz)
    return morning.astimezone(dt.UTC)


def channel_on(kind: str, channel: str):
    """An expression for a User queryset: does this person get ``kind`` on ``channel``?"""
    default = channel_default(kind, channel)
    override = NotificationPreference.objects.filter(
        user=OuterRef("pk"), kind=kind, channel=channel, enabled=not default
    )
    return ~Exists(override) if default else Exists(override)


def with_delivery(people: QuerySet[User], *, kind: str) -> QuerySet[User]:
    """``people`` who get ``kind`` on at least one channel, annotated with what the draft
    needs: ``email_on``, ``in_app_on``, quiet hours and the digest frequency."""
    return (
        people.annotate(
            email_on=channel_on(kind, Email),
            in_app_on=channel_on(kind, InApp),
            setting_id=F("notification_setting__id"),
            quiet_start=F("notification_setting__quiet_hours_start"),
            quiet_end=F("notification_setting__quiet_hours_end"),
            digest_frequency=Coalesce(
                F("notification_setting__digest_frequency"), Value(DigestFrequency.WEEKLY)
            ),
        )
        .filter(Q(email_on=True) | Q(in_app_on=True))
        .exclude(email="")
    )


def quiet_hours_of(person) -> tuple[dt.time | None, dt.time | None]:
    """From a ``with_delivery`` row: no setting row means the default quiet hours."""
    if getattr(person, "setting_id", None) is None:
        return DEFAULT_QUIET_START, DEFAULT_QUIET_END
    return person.quiet_start, person.quiet_end


@dataclass
class Preferences:
    setting: NotificationSetting
    channels: dict[tuple[str, str], bool]

    def enabled(self, kind: str, channel: str) -> bool:
        return self.channels[(kind, channel)]


def preferences_of(*, user: User) -> Preferences:
    """Every kind and channel for ``user`` (defaults filled in), in two queries."""
    setting = NotificationSetting.objects.filter(user=user).first() or NotificationSetting(
        user=user
    )
    channels = {
        (kind, channel): channel_default(kind, channel)
        for kind in KINDS
        for channel in NotificationChannel.values
    }
    for kind, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
        "kind", "channel", "enabled"
    ):
        if (kind, channel) in channels:
            channels[(kind, channel)] = enabled
    return Preferences(setting=setting, channels=channels)


def preference_set(*, user: User, kind: str, channel: str, enabled: bool) -> None:
    """Store only what differs from the default: the defaults can change later."""
    if enabled == channel_default(kind, channel):
        NotificationPreference.objects.filter(user=user, kind=kind, channel=channel).delete()
    else:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
        )


@transaction.atomic
def preferences_save(
    *,
    user: User,
    channels: dict[tuple[str, str], bool],
    digest_frequency: str,
    quiet_hours_start: dt.time | None,
    quiet_hours_end: dt.time | None,
) -> Preferences:
    if digest_frequency not in DigestFrequency.values:
        raise ValueError(digest_frequency)
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        raise ValueError("quiet hours need a start and an end")
    NotificationSetting.objects.update_or_create(
        user=user,
        defaults={
            "digest_frequency": digest_frequency,
            "quiet_hours_start": quiet_hours_start,
            "quiet_hours_end": quiet_hours_end,
        },
    )
    for (kind, channel), enabled in channels.items():
        if kind in KINDS and channel in NotificationChannel.values:
            preference_set(user=user, kind=kind, channel=channel, enabled=enabled)
    return preferences_of(user=user)
