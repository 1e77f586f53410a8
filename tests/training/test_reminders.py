"""Who is due for a training or guidelines reminder, and the rows the tick creates for them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from accounts import notifications
from accounts.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.training.factories import CompletionFactory, GuidelineVersionFactory, ModuleFactory
from training import reminders, services
from training.models import GuidelineAcknowledgement, Module

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def at(year, month, day, hour=12, tz=OSLO):
    return dt.datetime(year, month, day, hour, tzinfo=tz)


# --- Which reminder on which day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2025, 6, 2), ""),  # eight days before
        (dt.date(2025, 6, 3), "due-2025-06-10"),  # seven days before
        (dt.date(2025, 6, 10), "due-2025-06-10"),  # the day itself
        (dt.date(2025, 6, 11), "overdue1-2025-06-10"),
        (dt.date(2025, 6, 17), "overdue1-2025-06-10"),
        (dt.date(2025, 6, 18), "overdue2-2025-06-10"),
        (dt.date(2025, 6, 25), "overdue3-2025-06-10"),
        (dt.date(2025, 7, 2), ""),  # never a fourth time
    ],
)
def test_training_period(today, expected):
    assert reminders.training_period(due=dt.date(2025, 6, 10), today=today) == expected


# --- The "who is due" selector ------------------------------------------------------------------


def required_module(**kwargs):
    return ModuleFactory(is_required=True, **kwargs)


def test_due_in_seven_days_is_reminded_once():
    user = UserFactory()
    module = required_module(due_date=dt.date(2025, 6, 10))
    now = at(2025, 6, 3)
    reminders.training_collect(now=now)
    reminders.training_collect(now=now)
    row = Notification.objects.get(recipient=user)
    assert (row.kind, row.subject, row.period) == (
        NotificationKind.TRAINING_DUE,
        f"training.module:{module.pk}",
        "due-2025-06-10",
    )
    assert row.title == f"Training due on June 10, 2025: {module.title}"
    assert row.url == f"/programme/training/{module.pk}/"


def test_overdue_is_reminded_weekly_at_most_three_times():
    user = UserFactory()
    required_module(due_date=dt.date(2025, 6, 10))
    for day in range(3, 40):
        reminders.training_collect(now=at(2025, 6, 1) + dt.timedelta(days=day))
    assert sorted(Notification.objects.filter(recipient=user).values_list("period", flat=True)) == [
        "due-2025-06-10",
        "overdue1-2025-06-10",
        "overdue2-2025-06-10",
        "overdue3-2025-06-10",
    ]


def test_completed_module_is_not_reminded():
    user = UserFactory()
    module = required_module(due_date=dt.date(2025, 6, 10))
    CompletionFactory(user=user, module=module)
    reminders.training_collect(now=at(2025, 6, 5))
    assert not Notification.objects.exists()


def test_optional_or_unpublished_modules_are_not_reminded():
    UserFactory()
    ModuleFactory(is_required=False, due_date=dt.date(2025, 6, 10))
    required_module(is_published=False, due_date=dt.date(2025, 6, 10))
    reminders.training_collect(now=at(2025, 6, 5))
    assert not Notification.objects.exists()


def test_module_for_another_team_is_not_reminded():
    team, other = TeamFactory(), TeamFactory()
    member = MembershipFactory(team=team).user
    outsider = MembershipFactory(team=other).user
    module = required_module(due_date=dt.date(2025, 6, 10))
    module.teams.set([team])
    reminders.training_collect(now=at(2025, 6, 5))
    assert list(Notification.objects.values_list("recipient", flat=True)) == [member.pk]
    assert outsider.pk != member.pk


def test_managers_module_reaches_managers_only():
    team = TeamFactory()
    manager = MembershipFactory(team=team, is_manager=True).user
    MembershipFactory(team=team)
    required_module(due_date=dt.date(2025, 6, 10), audience=Module.Audience.MANAGERS)
    reminders.training_collect(now=at(2025, 6, 5))
    assert list(Notification.objects.values_list("recipient", flat=True)) == [manager.pk]


def test_due_days_after_joining_counts_from_each_persons_start():
    early = UserFactory(date_joined=at(2025, 5, 1))
    late = UserFactory(date_joined=at(2025, 6, 1))
    required_module(due_days_after_joining=14)  # early: due 15 May, late: due 15 June
    reminders.training_collect(now=at(2025, 6, 10))
    # Early is over three weeks overdue: no more reminders.
    periods = dict(Notification.objects.values_list("recipient", "period"))
    assert periods == {late.pk: "due-2025-06-15"}
    assert early.pk not in periods


def test_the_day_is_the_persons_own():
    """At 23:30 UTC on 2 June it is already 3 June in Oslo (reminder due) but still 2 June
    in New York (not yet)."""
    oslo = UserFactory(time_zone="Europe/Oslo")
    UserFactory(time_zone="America/New_York")
    required_module(due_date=dt.date(2025, 6, 10))
    reminders.training_collect(now=dt.datetime(2025, 6, 2, 23, 30, tzinfo=dt.UTC))
    assert list(Notification.objects.values_list("recipient", flat=True)) == [oslo.pk]


def test_training_reminder_at_night_is_emailed_in_the_morning():
    UserFactory(time_zone="Europe/Oslo")
    required_module(due_date=dt.date(2025, 6, 10))
    reminders.training_collect(now=at(2025, 6, 5, hour=3))
    row = Notification.objects.get()
    assert row.email_due_at == at(2025, 6, 5, hour=7)


def test_training_reminders_off_on_every_channel_are_not_created():
    user = UserFactory()
    for channel in NotificationChannel.values:
        NotificationPreference.objects.create(
            user=user, kind=NotificationKind.TRAINING_DUE, channel=channel, enabled=False
        )
    required_module(due_date=dt.date(2025, 6, 10))
    reminders.training_collect(now=at(2025, 6, 5))
    assert not Notification.objects.exists()


def test_selector_queries_do_not_grow_with_people(django_assert_max_num_queries):
    required_module(due_date=dt.date(2025, 6, 10))
    for _ in range(40):
        UserFactory()
    with django_assert_max_num_queries(4):
        due = list(reminders.training_due(now=at(2025, 6, 5)))
    assert len(due) == 40


# --- Guidelines to acknowledge ---------------------------------------------------------------


def test_guidelines_follow_up_a_week_after_publishing_to_those_who_have_not_acknowledged():
    pending = UserFactory(date_joined=at(2025, 1, 1))
    done = UserFactory(date_joined=at(2025, 1, 1))
    version = GuidelineVersionFactory(published_at=at(2025, 6, 1))
    GuidelineAcknowledgement.objects.create(user=done, version=version)
    reminders.guidelines_collect(now=at(2025, 6, 7))
    assert not Notification.objects.exists()
    reminders.guidelines_collect(now=at(2025, 6, 8, hour=13))
    reminders.guidelines_collect(now=at(2025, 6, 9))
    row = Notification.objects.get()
    assert (row.recipient_id, row.kind, row.subject, row.period) == (
        pending.pk,
        NotificationKind.GUIDELINES,
        f"training.guidelineversion:{version.pk}",
        "follow-up",
    )
    assert row.email_state == Notification.EmailState.PENDING


def test_guidelines_follow_up_for_a_newer_version_again():
    user = UserFactory(date_joined=at(2025, 1, 1))
    GuidelineVersionFactory(published_at=at(2025, 5, 1))
    reminders.guidelines_collect(now=at(2025, 5, 10))
    GuidelineVersionFactory(published_at=at(2025, 6, 1))
    reminders.guidelines_collect(now=at(2025, 6, 10))
    assert Notification.objects.filter(recipient=user).count() == 2


def test_guidelines_preview_before_the_follow_up():
    UserFactory(date_joined=at(2025, 1, 1))
    GuidelineVersionFactory(published_at=at(2025, 6, 1))
    (line,) = reminders.guidelines_preview(now=at(2025, 6, 3))
    assert (line.when, line.people) == (at(2025, 6, 8), 1)


def test_publishing_guidelines_emails_everyone_who_must_acknowledge():
    admin = UserFactory(is_admin=True, email="admin@example.com")
    UserFactory(email="eva@example.com", time_zone="UTC")
    version = services.guidelines_publish(by=admin, body_en="# Rules", change_summary="First")
    services.guidelines_announce(version=version)
    rows = Notification.objects.filter(kind=NotificationKind.GUIDELINES)
    assert set(rows.values_list("email_state", flat=True)) == {"PENDING"}
    latest = max(rows.values_list("email_due_at", flat=True))
    for batch in notifications.emails_queue_due(now=latest):
        notifications.emails_send(notification_ids=batch, now=latest)
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.com", "eva@example.com"]
