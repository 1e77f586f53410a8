"""Reminders about connected accounts: 12 and 5 days before a grant expires, and at once
when broken, each once per connection and occasion, on the person's channels and after
their quiet hours, in two time zones."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import notifications
from accounts.connections import reminders
from accounts.connections.services import connection_mark_reconnect
from accounts.models import (
    Connection,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
    NotificationSetting,
)
from ambassador.networks import Network
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC
# A LinkedIn grant that runs out at 02:30 UTC on 14 June 2025: 04:30 in Oslo that day,
# 22:30 the evening before in New York.
EXPIRES = dt.datetime(2025, 6, 14, 2, 30, tzinfo=UTC)


def at(year, month, day, hour, minute=0, tz=OSLO):
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def linkedin(user, *, expires_at=EXPIRES, state=Connection.State.CONNECTED, remote_id=None):
    return Connection.objects.create(
        user=user,
        network=Network.LINKEDIN,
        handle=f"person-{user.pk}",
        remote_id=remote_id or f"li-{user.pk}",
        access_token="token",
        expires_at=expires_at,
        state=state,
    )


def rows(user=None):
    qs = Notification.objects.filter(kind=NotificationKind.CONNECTION)
    if user is not None:
        qs = qs.filter(recipient=user)
    return qs.order_by("created_at", "pk")


def tick(now):
    """What beat's tick asks the sources for (every registered source runs)."""
    return notifications.reminders_collect(now=now)


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
    assert sorted(Notification.objects.values_list("kind", "subject", "period")) == [
        (NotificationKind.CONNECTION, "connection:1", "expiry-12d-20250614"),
        (NotificationKind.CONNECTION, "connection:2", "expiry-5d-20250607"),
        (NotificationKind.CONNECTION, "connection:4", "reconnect-20250603T1000"),
    ]


@pytest.mark.parametrize(
    ("time_zone", "title_date"),
    [("Europe/Oslo", "June 14, 2025"), ("America/New_York", "June 13, 2025")],
)
def test_expiry_warned_12_and_5_days_before_each_once_across_ticks(time_zone, title_date):
    user = UserFactory(time_zone=time_zone)
    connection = linkedin(user)
    twelve_before, five_before = EXPIRES - dt.timedelta(days=12), EXPIRES - dt.timedelta(days=5)

    tick(twelve_before - dt.timedelta(minutes=1))
    assert list(rows()) == []
    for minutes in (1, 2, 60, 24 * 60):  # every tick after it: still one
        tick(twelve_before + dt.timedelta(minutes=minutes))
    assert list(rows().values_list("subject", "period")) == [
        (f"connection:{connection.pk}", "expiry-12d-20250614")
    ]
    tick(five_before - dt.timedelta(minutes=1))
    assert rows().count() == 1
    for minutes in (1, 30, 3 * 24 * 60):
        tick(five_before + dt.timedelta(minutes=minutes))
    tick(EXPIRES + dt.timedelta(minutes=1))  # expired: nothing more
    assert list(rows().values_list("period", flat=True)) == [
        "expiry-12d-20250614",
        "expiry-5d-20250614",
    ]
    first = rows().first()
    # The date of the person's own time zone: in New York the grant ends the evening before.
    assert first.title == f"Your LinkedIn connection expires on {title_date}"
    assert first.url == reverse("accounts:connections")
    assert first.in_app is True


def test_expiry_warning_at_night_is_emailed_after_quiet_hours_in_each_time_zone():
    # 12 days before is 04:30 in Oslo and 22:30 the evening before in New York, both in the
    # default quiet hours (21:00-07:00): in the app at once, by email at 07:00 local time.
    oslo = UserFactory(time_zone="Europe/Oslo")
    new_york = UserFactory(time_zone="America/New_York")
    linkedin(oslo)
    linkedin(new_york)
    now = EXPIRES - dt.timedelta(days=12) + dt.timedelta(minutes=1)

    tick(now)

    oslo_row, new_york_row = rows(oslo).get(), rows(new_york).get()
    assert (oslo_row.created_at, oslo_row.in_app) == (now, True)
    assert (new_york_row.created_at, new_york_row.in_app) == (now, True)
    assert oslo_row.email_state == Notification.EmailState.PENDING
    assert oslo_row.email_due_at == at(2025, 6, 2, 7)
    assert new_york_row.email_due_at == at(2025, 6, 2, 7, tz=NEW_YORK)
    assert notifications.emails_queue_due(now=now) == []
    assert notifications.emails_queue_due(now=at(2025, 6, 2, 7)) == [[oslo_row.pk]]


def test_expiry_warning_by_email_only_when_the_person_keeps_it_on():
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user,
        kind=NotificationKind.CONNECTION,
        channel=NotificationChannel.EMAIL,
        enabled=False,
    )
    linkedin(user)

    tick(EXPIRES - dt.timedelta(days=4))

    row = rows(user).get()
    assert (row.period, row.in_app, row.email_state) == (
        "expiry-5d-20250614",
        True,
        Notification.EmailState.NONE,
    )


def test_a_warning_missed_while_nothing_ran_is_not_sent_with_the_next():
    user = UserFactory()
    linkedin(user)

    tick(EXPIRES - dt.timedelta(days=3))  # beat was down from 13 days before until now

    assert list(rows().values_list("period", flat=True)) == ["expiry-5d-20250614"]


def test_no_warning_for_broken_or_disconnected_connections_or_without_an_expiry():
    linkedin(UserFactory(), state=Connection.State.RECONNECT_NEEDED)
    linkedin(UserFactory(), state=Connection.State.DISCONNECTED)
    linkedin(UserFactory(), expires_at=None)

    tick(EXPIRES - dt.timedelta(days=4))

    assert list(rows()) == []


def test_a_reconnected_account_is_warned_again_about_its_new_expiry():
    user = UserFactory()
    connection = linkedin(user)
    tick(EXPIRES - dt.timedelta(days=4))
    renewed = EXPIRES + dt.timedelta(days=60)
    Connection.objects.filter(pk=connection.pk).update(expires_at=renewed)

    tick(renewed - dt.timedelta(days=11))

    assert list(rows().values_list("period", flat=True)) == [
        "expiry-5d-20250614",
        "expiry-12d-20250813",
    ]


def test_expiry_warning_in_the_persons_language():
    user = UserFactory(language="nb")
    linkedin(user)

    tick(EXPIRES - dt.timedelta(days=4))

    assert rows(user).get().title == "Tilkoblingen din til LinkedIn utløper 14. juni 2025"


def test_connections_due_queries_do_not_grow_with_connections():
    def queries(count):
        Notification.objects.all().delete()
        for _n in range(count):
            linkedin(UserFactory())
        with CaptureQueriesContext(db_connection) as captured:
            reminders.CONNECTION_SOURCE.collect(now=EXPIRES - dt.timedelta(days=4))
        return len(captured)

    assert queries(2) == queries(20)
    assert rows().count() == 22


def test_marked_reconnect_needed_tells_the_person_at_once_with_the_connection_kind():
    user = UserFactory()
    NotificationSetting.objects.create(user=user, quiet_hours_start=None, quiet_hours_end=None)
    connection = linkedin(user, expires_at=timezone.now() + dt.timedelta(days=30))
    before = timezone.now()

    assert connection_mark_reconnect(connection_id=connection.pk, reason="invalid_grant") is True
    assert connection_mark_reconnect(connection_id=connection.pk, reason="invalid_grant") is False
    tick(timezone.now())  # the source adds nothing for a broken connection

    row = rows(user).get()
    assert row.subject == f"connection:{connection.pk}"
    assert row.period.startswith("reconnect-")
    assert row.title == "Connect LinkedIn again"
    assert row.body == (
        f"LinkedIn no longer accepts the connection to person-{user.pk}. Connect it again "
        "to keep posting and measuring from Ambassador."
    )
    assert (row.in_app, row.email_state) == (True, Notification.EmailState.PENDING)
    assert before <= row.email_due_at <= timezone.now()
    assert row.url == reverse("accounts:connections")


def test_marked_reconnect_needed_at_night_is_emailed_after_quiet_hours():
    user = UserFactory(time_zone="America/New_York")
    # Quiet hours around the person's present moment, wherever the clock stands.
    local_now = timezone.now().astimezone(NEW_YORK).replace(second=0, microsecond=0)
    start = (local_now - dt.timedelta(hours=1)).time()
    end = (local_now + dt.timedelta(hours=1)).time()
    NotificationSetting.objects.create(user=user, quiet_hours_start=start, quiet_hours_end=end)
    connection = linkedin(user)

    connection_mark_reconnect(connection_id=connection.pk, reason="401")

    row = rows(user).get()
    assert row.in_app is True
    assert row.email_due_at == (local_now + dt.timedelta(hours=1)).astimezone(UTC)


def test_marked_reconnect_needed_with_email_off_stays_in_the_app():
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user,
        kind=NotificationKind.CONNECTION,
        channel=NotificationChannel.EMAIL,
        enabled=False,
    )
    connection = linkedin(user)

    connection_mark_reconnect(connection_id=connection.pk, reason="401")

    row = rows(user).get()
    assert (row.in_app, row.email_state) == (True, Notification.EmailState.NONE)


def test_marked_reconnect_needed_again_after_reconnecting_is_a_new_notification():
    user = UserFactory()
    connection = linkedin(user)
    connection_mark_reconnect(connection_id=connection.pk, reason="401")
    Notification.objects.filter(recipient=user).update(period="reconnect-20250101T0000")
    Connection.objects.filter(pk=connection.pk).update(state=Connection.State.CONNECTED)

    connection_mark_reconnect(connection_id=connection.pk, reason="401")

    assert rows(user).count() == 2


def test_preview_tells_admins_the_warnings_of_the_next_day():
    now = EXPIRES - dt.timedelta(days=12, hours=6)  # the 12-day warning is due in 6 hours
    linkedin(UserFactory())
    linkedin(UserFactory(), expires_at=now + dt.timedelta(days=5, hours=2))
    linkedin(UserFactory(), expires_at=now + dt.timedelta(days=30))

    lines = reminders.connections_preview(now=now)

    assert [(line.when, line.people, line.note) for line in lines] == [
        (EXPIRES - dt.timedelta(days=12), 1, "Connections expire in 12 days"),
        (now + dt.timedelta(hours=2), 1, "Connections expire in 5 days"),
    ]


def test_reminders_page_shows_the_connection_warnings_to_come(client, personas):
    linkedin(personas.employee, expires_at=timezone.now() + dt.timedelta(days=12, hours=3))
    client.force_login(personas.admin)

    response = client.get(reverse("accounts:reminders"))

    assert response.status_code == 200
    assert "Connections expire in 12 days" in response.content.decode()
