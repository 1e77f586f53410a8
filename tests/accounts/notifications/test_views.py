"""The inbox grouped by kind, a person's notification settings, unsubscribe links (signed,
one-click) and the admins' reminders page."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import notifications
from accounts.models import (
    AuditEvent,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
    NotificationSetting,
    ReminderSchedule,
)
from tests.accounts.factories import NotificationFactory
from tests.posts.factories import ContentItemFactory

pytestmark = pytest.mark.django_db

Email, InApp = NotificationChannel.EMAIL, NotificationChannel.IN_APP


# --- Inbox ----------------------------------------------------------------------------------


def test_inbox_is_grouped_by_kind_newest_kind_first(client, personas):
    now = dt.datetime(2025, 6, 3, 12, tzinfo=dt.UTC)
    old_comment = NotificationFactory(
        recipient=personas.employee, kind="content_comment", created_at=now - dt.timedelta(days=3)
    )
    digest = NotificationFactory(
        recipient=personas.employee, kind=NotificationKind.DIGEST, created_at=now
    )
    new_comment = NotificationFactory(
        recipient=personas.employee, kind="content_comment", created_at=now - dt.timedelta(days=1)
    )
    client.force_login(personas.employee)
    response = client.get(reverse("accounts:notifications"))
    assert [n.pk for n in response.context["page"]] == [digest.pk, new_comment.pk, old_comment.pk]
    assert [(k.label, k.total, k.unread) for k in response.context["kinds"]] == [
        ("Weekly digest", 1, 1),
        ("Comments on your content", 2, 2),
    ]
    page = response.content.decode()
    headings = [
        part.split("<", 1)[0].strip() for part in page.split('class="notification-kind">')[1:]
    ]
    assert headings == ["Weekly digest", "Comments on your content"]


def test_inbox_of_one_kind(client, personas):
    NotificationFactory(recipient=personas.employee, kind=NotificationKind.DIGEST)
    comment = NotificationFactory(recipient=personas.employee, kind="content_comment")
    client.force_login(personas.employee)
    response = client.get(reverse("accounts:notifications"), {"kind": "content_comment"})
    assert [n.pk for n in response.context["page"]] == [comment.pk]


def test_inbox_hides_notifications_turned_off_in_app(client, personas):
    NotificationFactory(recipient=personas.employee, in_app=False, title="Hidden")
    shown = NotificationFactory(recipient=personas.employee, title="Shown")
    client.force_login(personas.employee)
    response = client.get(reverse("accounts:notifications"))
    assert [n.pk for n in response.context["page"]] == [shown.pk]


def test_mark_all_read_is_a_post(client, personas):
    notes = NotificationFactory.create_batch(3, recipient=personas.employee)
    client.force_login(personas.employee)
    assert client.get(reverse("accounts:notifications_mark_read")).status_code == 405
    response = client.post(reverse("accounts:notifications_mark_read"))
    assert response.status_code == 302
    assert Notification.objects.filter(pk__in=[n.pk for n in notes], read_at=None).count() == 0


def test_mark_one_kind_read(client, personas):
    digest = NotificationFactory(recipient=personas.employee, kind=NotificationKind.DIGEST)
    comment = NotificationFactory(recipient=personas.employee, kind="content_comment")
    client.force_login(personas.employee)
    client.post(reverse("accounts:notifications_mark_read"), {"kind": NotificationKind.DIGEST})
    digest.refresh_from_db()
    comment.refresh_from_db()
    assert digest.read_at is not None
    assert comment.read_at is None


def test_unread_count_ignores_hidden_notifications(client, personas):
    NotificationFactory(recipient=personas.employee, in_app=False)
    NotificationFactory(recipient=personas.employee)
    assert personas.employee.notifications.unread().count() == 1


def test_inbox_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    for index in range(40):
        NotificationFactory(recipient=personas.employee, kind=f"KIND_{index % 4}")
    client.force_login(personas.employee)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:notifications"))
    assert len(response.context["page"]) == 25


# --- Settings ---------------------------------------------------------------------------------


def test_settings_page_shows_the_defaults(client, personas):
    client.force_login(personas.employee)
    response = client.get(reverse("accounts:notification_settings"))
    form = response.context["form"]
    assert form["email:DIGEST"].value() is True
    assert form["email:TRAINING_DUE"].value() is True
    assert form["email:FEATURED"].value() is False
    assert form["in_app:FEATURED"].value() is True
    assert form["digest_frequency"].value() == "WEEKLY"
    assert form["quiet_hours"].value() is True
    assert "Europe/Oslo" in response.content.decode()


def settings_post(**changes):
    data = {
        f"{channel.lower()}:{kind}": "on"
        for kind in notifications.KINDS
        for channel in NotificationChannel.values
        if notifications.channel_default(kind, channel)
    }
    data |= {
        "digest_frequency": "WEEKLY",
        "quiet_hours": "on",
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "07:00",
    }
    data |= changes
    return {key: value for key, value in data.items() if value is not None}


def test_settings_saved(client, personas):
    client.force_login(personas.employee)
    response = client.post(
        reverse("accounts:notification_settings"),
        settings_post(
            **{"email:DIGEST": None, "email:NUDGE": "on"},
            digest_frequency="BIWEEKLY",
            quiet_hours_start="22:30",
            quiet_hours_end="06:15",
        ),
    )
    assert response.status_code == 302
    prefs = notifications.preferences_of(user=personas.employee)
    assert prefs.enabled(NotificationKind.DIGEST, Email) is False
    assert prefs.enabled(NotificationKind.NUDGE, Email) is True
    setting = NotificationSetting.objects.get(user=personas.employee)
    assert (setting.digest_frequency, setting.quiet_hours_start, setting.quiet_hours_end) == (
        "BIWEEKLY",
        dt.time(22, 30),
        dt.time(6, 15),
    )


def test_settings_without_quiet_hours(client, personas):
    client.force_login(personas.employee)
    client.post(reverse("accounts:notification_settings"), settings_post(quiet_hours=None))
    setting = NotificationSetting.objects.get(user=personas.employee)
    assert (setting.quiet_hours_start, setting.quiet_hours_end) == (None, None)


def test_settings_refuse_equal_quiet_hours_and_change_nothing(client, personas):
    client.force_login(personas.employee)
    response = client.post(
        reverse("accounts:notification_settings"),
        settings_post(quiet_hours_start="07:00", quiet_hours_end="07:00", digest_frequency="OFF"),
    )
    assert response.status_code == 400
    assert "the start and the end must be different" in response.content.decode()
    assert not NotificationSetting.objects.exists()


def test_settings_refuse_an_unknown_frequency(client, personas):
    client.force_login(personas.employee)
    response = client.post(
        reverse("accounts:notification_settings"), settings_post(digest_frequency="HOURLY")
    )
    assert response.status_code == 400
    assert not NotificationSetting.objects.exists()


def test_settings_need_login(client):
    response = client.get(reverse("accounts:notification_settings"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Unsubscribe --------------------------------------------------------------------------------


def test_unsubscribe_get_asks_and_changes_nothing(client, personas):
    token = notifications.unsubscribe_token(user_id=personas.employee.pk, kind="DIGEST")
    response = client.get(reverse("accounts:unsubscribe", args=[token]))
    assert response.status_code == 200
    assert "Stop “Weekly digest” emails to employee@example.com?" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_one_click_unsubscribe_post_without_login_or_csrf(personas):
    """What a mail provider sends for List-Unsubscribe-Post (RFC 8058)."""
    client = Client(enforce_csrf_checks=True)
    token = notifications.unsubscribe_token(user_id=personas.employee.pk, kind="DIGEST")
    response = client.post(
        reverse("accounts:unsubscribe", args=[token]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get().enabled is False
    assert notifications.preferences_of(user=personas.employee).enabled("DIGEST", Email) is False


def test_unsubscribe_forged_token_is_404(client, personas):
    token = notifications.unsubscribe_token(user_id=personas.employee.pk, kind="DIGEST")
    response = client.post(reverse("accounts:unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_link_in_the_email_works(client, personas):
    row = notifications.notification_send_test(kind="DIGEST", user=personas.employee)
    notifications.emails_send(notification_ids=[row.pk], now=row.email_due_at)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"][1:-1]
    path = link.removeprefix("http://127.0.0.1:8000")
    assert client.post(path).status_code == 200
    assert notifications.preferences_of(user=personas.employee).enabled("DIGEST", Email) is False


# --- Admins' reminders page ------------------------------------------------------------------------


def test_reminders_page_for_admins_only(client, personas):
    client.force_login(personas.manager_a)
    assert client.get(reverse("accounts:reminders")).status_code == 403
    client.force_login(personas.employee)
    assert client.get(reverse("accounts:reminders")).status_code == 403


def test_reminders_page_shows_next_run_and_last_runs(client, personas):
    now = dt.datetime.now(dt.UTC)
    NotificationFactory(
        recipient=personas.employee,
        kind=NotificationKind.DIGEST,
        email_state="SENT",
        created_at=now,
    )
    NotificationFactory(
        recipient=personas.employee_b,
        kind=NotificationKind.DIGEST,
        email_state="FAILED",
        email_error="Refused by the mail server",
        created_at=now,
    )
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:reminders"))
    (run,) = response.context["runs"]
    assert (run.label, run.created, run.sent, run.failed) == ("Weekly digest", 2, 1, 1)
    digest_line = next(
        line for line, _label in response.context["preview"] if line.kind == "DIGEST"
    )
    assert digest_line.people == 6  # every active persona: all get the digest by default
    assert "Refused by the mail server" in response.content.decode()


def test_reminders_page_shows_emails_waiting_for_quiet_hours(client, personas):
    morning = dt.datetime(2030, 6, 4, 7, tzinfo=dt.UTC)
    for person in (personas.employee, personas.employee_b):
        NotificationFactory(
            recipient=person, kind=NotificationKind.TRAINING_DUE, email_state="PENDING",
            email_due_at=morning,
        )  # fmt: skip
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:reminders"))
    waiting = [line for line, _label in response.context["preview"] if line.kind == "TRAINING_DUE"]
    assert [(line.when, line.people) for line in waiting] == [(morning, 2)]


def test_reminders_page_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    for index in range(30):
        NotificationFactory(recipient=personas.employee, kind=f"KIND_{index % 3}")
    client.force_login(personas.admin)
    with django_assert_max_num_queries(25):
        client.get(reverse("accounts:reminders"))


def test_admin_sets_the_digest_schedule(client, personas):
    client.force_login(personas.admin)
    client.post(
        reverse("accounts:reminders_schedule"), {"digest_weekday": "4", "digest_time": "09:30"}
    )
    schedule = ReminderSchedule.objects.get()
    assert (schedule.digest_weekday, schedule.digest_time) == (4, dt.time(9, 30))
    assert AuditEvent.objects.filter(action="SETTINGS_CHANGED", actor=personas.admin).exists()


def test_send_me_a_test_for_each_kind(client, personas):
    client.force_login(personas.admin)
    for kind in notifications.KINDS:
        client.post(reverse("accounts:reminders_test"), {"kind": kind})
    rows = Notification.objects.filter(recipient=personas.admin, subject="test")
    assert sorted(rows.values_list("kind", flat=True)) == sorted(notifications.KINDS)
    for batch in notifications.emails_queue_due(now=dt.datetime.now(dt.UTC)):
        notifications.emails_send(notification_ids=batch)
    assert len(mail.outbox) == len(notifications.KINDS)
    assert all(message.to == ["admin@example.com"] for message in mail.outbox)


def test_send_me_a_test_refuses_an_unknown_kind(client, personas):
    client.force_login(personas.admin)
    client.post(reverse("accounts:reminders_test"), {"kind": "EVERYTHING"})
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("language", "phrase"), [("en", "Your digest"), ("nb", "Din oppsummering")]
)
def test_digest_preview_in_both_languages(client, personas, language, phrase):
    ContentItemFactory(title="Our new office")
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:reminders_preview", args=["DIGEST", language]))
    page = response.content.decode()
    assert response.status_code == 200
    assert phrase in page
    assert "Our new office" in page
    assert "script-src 'none'" in response["Content-Security-Policy"]
    text = client.get(
        reverse("accounts:reminders_preview", args=["DIGEST", language]), {"format": "text"}
    )
    assert "Our new office" in text.content.decode()


def test_preview_of_an_unknown_language_is_404(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:reminders_preview", args=["DIGEST", "de"]))
    assert response.status_code == 404
