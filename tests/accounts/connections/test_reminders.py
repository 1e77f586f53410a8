"""Reminders about connected accounts: 12 and 5 days before they expire, and at once when
broken, each once per connection and occasion."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.connections import reminders
from accounts.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def at(year, month, day, hour, minute=0, tz=OSLO):
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def test_connection_reminders_12_and_5_days_before_and_at_once_when_broken():
    user = UserFactory()
    now = at(2025, 6, 3, 12)
    due = [
        reminders.ConnectionDue(user.pk, 1, "LinkedIn", expires_at=now + dt.timedelta(days=11)),
        reminders.ConnectionDue(user.pk, 2, "LinkedIn", expires_at=now + dt.timedelta(days=4)),
        reminders.ConnectionDue(user.pk, 3, "LinkedIn", expires_at=now + dt.timedelta(days=20)),
        reminders.ConnectionDue(user.pk, 4, "Mastodon", broken_at=now),
    ]
    reminders.connection_reminders_create(due=due, now=now)
    reminders.connection_reminders_create(due=due, now=now)
    assert sorted(Notification.objects.values_list("subject", "period")) == [
        ("connection:1", "expiry-12d-20250614"),
        ("connection:2", "expiry-5d-20250607"),
        ("connection:4", "reconnect-20250603T1000"),
    ]


def test_connections_source_finds_nothing_due_yet():
    assert reminders.connections_due(now=at(2025, 6, 3, 12)) == []
