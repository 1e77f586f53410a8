"""The notification machinery: rows once per period, quiet hours in several time zones,
the email channel (claim, send, retry, drop, reclaim), preferences and unsubscribe tokens."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import notifications
from accounts.models import (
    DigestFrequency,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
    NotificationSetting,
    User,
)
from tests.factories import UserFactory
from tests.fakes import mail as fake_mail

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
UTC = dt.UTC
Email, InApp = NotificationChannel.EMAIL, NotificationChannel.IN_APP


def at(year, month, day, hour, minute=0, tz=OSLO):
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def person_row(user, kind=NotificationKind.TRAINING_DUE):
    return notifications.with_delivery(User.objects.filter(pk=user.pk), kind=kind).get()


def draft(user, *, period="p1", kind=NotificationKind.TRAINING_DUE, now, **extra):
    return notifications.draft_for(
        person_row(user, kind),
        kind=kind,
        subject="training.module:1",
        period=period,
        title="Module due",
        body="Complete it.",
        url="/programme/training/1/",
        now=now,
        **extra,
    )


# --- Quiet hours and time zones -------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "time_zone", "expected"),
    [
        # 02:00 in Oslo, quiet 21-07: out at 07:00 Oslo the same morning.
        (at(2025, 6, 3, 2), "Europe/Oslo", at(2025, 6, 3, 7)),
        # 22:30 in Oslo: the next morning.
        (at(2025, 6, 3, 22, 30), "Europe/Oslo", at(2025, 6, 4, 7)),
        # 12:00 in Oslo is outside quiet hours: at once.
        (at(2025, 6, 3, 12), "Europe/Oslo", at(2025, 6, 3, 12)),
        # 12:00 UTC is 08:00 in New York (EDT): outside, at once.
        (at(2025, 6, 3, 12, tz=UTC), "America/New_York", at(2025, 6, 3, 12, tz=UTC)),
        # 10:00 UTC is 06:00 in New York: at 07:00 New York, 11:00 UTC.
        (at(2025, 6, 3, 10, tz=UTC), "America/New_York", at(2025, 6, 3, 11, tz=UTC)),
        # 20:00 UTC is 05:00 next day in Tokyo: 07:00 Tokyo, 22:00 UTC.
        (at(2025, 6, 3, 20, tz=UTC), "Asia/Tokyo", at(2025, 6, 3, 22, tz=UTC)),
        # The night before Oslo's spring change (30 March 2025): 07:00 CEST is 05:00 UTC.
        (at(2025, 3, 30, 1, tz=UTC), "Europe/Oslo", at(2025, 3, 30, 5, tz=UTC)),
    ],
)
def test_next_send_time_waits_for_the_end_of_quiet_hours(now, time_zone, expected):
    result = notifications.next_send_time(
        now=now, time_zone=time_zone, start=dt.time(21), end=dt.time(7)
    )
    assert result == expected


def test_next_send_time_without_quiet_hours_is_now():
    now = at(2025, 6, 3, 2)
    assert (
        notifications.next_send_time(now=now, time_zone="Europe/Oslo", start=None, end=None) == now
    )


def test_next_send_time_daytime_quiet_hours():
    result = notifications.next_send_time(
        now=at(2025, 6, 3, 12, 30), time_zone="Europe/Oslo", start=dt.time(12), end=dt.time(13)
    )
    assert result == at(2025, 6, 3, 13)


def test_next_send_time_unknown_time_zone_uses_the_sites():
    result = notifications.next_send_time(
        now=at(2025, 6, 3, 2), time_zone="Mars/Olympus", start=dt.time(21), end=dt.time(7)
    )
    assert result == at(2025, 6, 3, 7)


def test_draft_for_applies_the_persons_own_quiet_hours_and_zone():
    user = UserFactory(time_zone="Asia/Tokyo")
    NotificationSetting.objects.create(
        user=user, quiet_hours_start=dt.time(22), quiet_hours_end=dt.time(6)
    )
    now = at(2025, 6, 3, 14, tz=UTC)  # 23:00 in Tokyo
    assert draft(user, now=now).email_due_at == at(2025, 6, 4, 6, tz=ZoneInfo("Asia/Tokyo"))


def test_draft_for_without_setting_row_uses_default_quiet_hours():
    user = UserFactory(time_zone="Europe/Oslo")
    assert draft(user, now=at(2025, 6, 3, 23)).email_due_at == at(2025, 6, 4, 7)


# --- Rows once per period ----------------------------------------------------------------------


def test_notifications_create_twice_creates_each_row_once():
    user = UserFactory()
    now = at(2025, 6, 3, 12)
    notifications.notifications_create(drafts=[draft(user, now=now)], now=now)
    notifications.notifications_create(drafts=[draft(user, now=now)], now=now)
    assert Notification.objects.filter(recipient=user).count() == 1


def test_a_new_period_is_a_new_row():
    user = UserFactory()
    now = at(2025, 6, 3, 12)
    notifications.notifications_create(
        drafts=[draft(user, period="p1", now=now), draft(user, period="p2", now=now)], now=now
    )
    assert sorted(Notification.objects.values_list("period", flat=True)) == ["p1", "p2"]


def test_default_channels_training_by_email_and_in_app():
    user = UserFactory()
    row = draft(user, now=at(2025, 6, 3, 12)).to_row(now=at(2025, 6, 3, 12))
    assert (row.in_app, row.email_state) == (True, Notification.EmailState.PENDING)


def test_default_channels_featured_in_app_only():
    user = UserFactory()
    person = person_row(user, NotificationKind.FEATURED)
    assert (person.email_on, person.in_app_on) == (False, True)


def test_person_with_every_channel_off_is_not_selected():
    user = UserFactory()
    for channel in (Email, InApp):
        NotificationPreference.objects.create(
            user=user, kind=NotificationKind.NUDGE, channel=channel, enabled=False
        )
    selected = notifications.with_delivery(User.objects.all(), kind=NotificationKind.NUDGE)
    assert user not in selected


def test_notification_deliver_emails_when_preferred():
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user, kind=NotificationKind.THREAD_REPLY, channel=Email, enabled=True
    )
    row = notifications.notification_deliver(
        recipient=user, kind="content_comment", title="New comment"
    )
    assert row.email_state == Notification.EmailState.PENDING
    assert row.in_app is True


def test_notification_deliver_in_app_only_by_default():
    user = UserFactory()
    row = notifications.notification_deliver(
        recipient=user, kind="content_comment", title="New comment"
    )
    assert (row.email_state, row.in_app) == (Notification.EmailState.NONE, True)


def test_notification_deliver_with_period_exists_once():
    user = UserFactory()
    first = notifications.notification_deliver(
        recipient=user, kind=NotificationKind.CONNECTION, title="t", subject="c:1", period="x"
    )
    second = notifications.notification_deliver(
        recipient=user, kind=NotificationKind.CONNECTION, title="t", subject="c:1", period="x"
    )
    assert first.pk == second.pk
    assert Notification.objects.count() == 1


# --- The email channel -------------------------------------------------------------------------


def pending_row(user, *, now, **extra):
    notifications.notifications_create(drafts=[draft(user, now=now, **extra)], now=now)
    return Notification.objects.get(recipient=user)


def test_queue_due_hands_each_row_over_once():
    user = UserFactory()
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    assert notifications.emails_queue_due(now=now) == [[row.pk]]
    assert notifications.emails_queue_due(now=now) == []


def test_queue_due_hands_over_again_after_a_lost_task(settings):
    user = UserFactory()
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    notifications.emails_queue_due(now=now)
    later = now + dt.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_SECONDS + 1)
    assert notifications.emails_queue_due(now=later) == [[row.pk]]


def test_queue_due_waits_for_quiet_hours():
    user = UserFactory()
    night = at(2025, 6, 3, 2)
    pending_row(user, now=night)
    assert notifications.emails_queue_due(now=night) == []
    assert len(notifications.emails_queue_due(now=at(2025, 6, 3, 7))) == 1


def test_send_claims_once_and_sends_once():
    user = UserFactory(email="eva@example.com")
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    first = notifications.emails_send(notification_ids=[row.pk], now=now)
    second = notifications.emails_send(notification_ids=[row.pk], now=now)
    assert (first.sent, second.sent) == ([row.pk], [])
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.email_state, row.email_attempts) == (Notification.EmailState.SENT, 1)


def test_email_has_html_text_unsubscribe_headers_and_absolute_links(settings):
    settings.SITE_URL = "https://ambassador.example.com"
    user = UserFactory(email="eva@example.com")
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    notifications.emails_send(notification_ids=[row.pk], now=now)
    message = mail.outbox[0]
    html = message.alternatives[0].content
    assert message.subject == "Module due"
    assert "https://ambassador.example.com/programme/training/1/" in message.body
    assert 'href="https://ambassador.example.com/programme/training/1/"' in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://ambassador.example.com/people/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"] == f"<notification-{row.pk}@ambassador.example.com>"
    assert unsubscribe[1:-1] in html


def test_email_is_in_the_recipients_language():
    user = UserFactory(email="kari@example.com", language="nb")
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    notifications.emails_send(notification_ids=[row.pk], now=now)
    assert "Varslingsinnstillinger" in mail.outbox[0].body


def test_email_turned_off_after_creation_is_skipped():
    user = UserFactory()
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    NotificationPreference.objects.create(
        user=user, kind=NotificationKind.TRAINING_DUE, channel=Email, enabled=False
    )
    notifications.emails_send(notification_ids=[row.pk], now=now)
    row.refresh_from_db()
    assert row.email_state == Notification.EmailState.SKIPPED
    assert mail.outbox == []


def test_email_to_a_deactivated_person_is_skipped():
    user = UserFactory()
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    User.objects.filter(pk=user.pk).update(is_active=False)
    notifications.emails_send(notification_ids=[row.pk], now=now)
    row.refresh_from_db()
    assert row.email_state == Notification.EmailState.SKIPPED


def test_expired_email_is_dropped_not_sent():
    user = UserFactory()
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now, expires_at=now + dt.timedelta(days=7))
    later = now + dt.timedelta(days=8)
    assert notifications.emails_drop_expired(now=later) == 1
    row.refresh_from_db()
    assert row.email_state == Notification.EmailState.DROPPED
    assert notifications.emails_queue_due(now=later) == []


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.fakes.mail.FlakyBackend"
    fake_mail.BEHAVIOUR.clear()
    fake_mail.OPENED.clear()
    yield fake_mail.BEHAVIOUR
    fake_mail.BEHAVIOUR.clear()


def test_unreachable_server_puts_the_email_back_with_backoff(flaky_mail):
    user = UserFactory(email="down@example.com")
    flaky_mail["down@example.com"] = "down"
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    notifications.emails_send(notification_ids=[row.pk], now=now)
    row.refresh_from_db()
    assert row.email_state == Notification.EmailState.PENDING
    assert row.email_due_at == now + notifications.email_backoff(1)
    assert row.email_error == "Connection unexpectedly closed"


def test_refused_recipient_fails_at_once_and_the_others_are_sent(flaky_mail):
    refused = UserFactory(email="gone@example.com")
    fine = UserFactory(email="fine@example.com")
    flaky_mail["gone@example.com"] = "refuse"
    now = at(2025, 6, 3, 12)
    rows = [pending_row(refused, now=now), pending_row(fine, now=now)]
    notifications.emails_send(notification_ids=[r.pk for r in rows], now=now)
    states = dict(Notification.objects.values_list("recipient__email", "email_state"))
    assert states == {"gone@example.com": "FAILED", "fine@example.com": "SENT"}
    assert [m.to for m in mail.outbox] == [["fine@example.com"]]


def test_last_attempt_fails_for_good(flaky_mail):
    user = UserFactory(email="down@example.com")
    flaky_mail["down@example.com"] = "down"
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    Notification.objects.filter(pk=row.pk).update(
        email_attempts=notifications.MAX_EMAIL_ATTEMPTS - 1
    )
    notifications.emails_send(notification_ids=[row.pk], now=now)
    row.refresh_from_db()
    assert row.email_state == Notification.EmailState.FAILED


def test_one_connection_for_the_whole_batch(flaky_mail):
    now = at(2025, 6, 3, 12)
    rows = [pending_row(UserFactory(), now=now) for _ in range(5)]
    notifications.emails_send(notification_ids=[r.pk for r in rows], now=now)
    assert len(mail.outbox) == 5
    assert len(fake_mail.OPENED) == 1


def test_a_dead_workers_claim_is_given_back_and_sent(settings):
    user = UserFactory()
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    Notification.objects.filter(pk=row.pk).update(
        email_state=Notification.EmailState.SENDING, email_claimed_at=now, email_attempts=1
    )
    later = now + dt.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS + 1)
    assert notifications.emails_reclaim(now=later) == 1
    batches = notifications.emails_queue_due(now=later)
    notifications.emails_send(notification_ids=batches[0], now=later)
    row.refresh_from_db()
    assert (row.email_state, row.email_attempts) == (Notification.EmailState.SENT, 2)


def test_a_fresh_claim_is_not_taken_away():
    user = UserFactory()
    now = at(2025, 6, 3, 12)
    row = pending_row(user, now=now)
    Notification.objects.filter(pk=row.pk).update(
        email_state=Notification.EmailState.SENDING, email_claimed_at=now
    )
    assert notifications.emails_reclaim(now=now + dt.timedelta(minutes=1)) == 0


def test_send_batch_queries_do_not_grow_with_the_batch():
    now = at(2025, 6, 3, 12)
    few = [pending_row(UserFactory(), now=now).pk for _ in range(2)]
    many = [pending_row(UserFactory(), now=now).pk for _ in range(30)]
    with CaptureQueriesContext(connection) as small:
        notifications.emails_send(notification_ids=few, now=now)
    with CaptureQueriesContext(connection) as large:
        notifications.emails_send(notification_ids=many, now=now)
    assert len(large) == len(small)
    assert len(mail.outbox) == 32


# --- Preferences and unsubscribe -----------------------------------------------------------------


def test_preferences_save_keeps_only_differences_from_defaults():
    user = UserFactory()
    channels = {
        (kind, channel): notifications.channel_default(kind, channel)
        for kind in notifications.KINDS
        for channel in NotificationChannel.values
    }
    channels[(NotificationKind.DIGEST, Email)] = False
    notifications.preferences_save(
        user=user,
        channels=channels,
        digest_frequency=DigestFrequency.BIWEEKLY,
        quiet_hours_start=None,
        quiet_hours_end=None,
    )
    assert list(NotificationPreference.objects.values_list("kind", "channel", "enabled")) == [
        (NotificationKind.DIGEST, Email, False)
    ]
    setting = NotificationSetting.objects.get(user=user)
    assert (setting.digest_frequency, setting.quiet_hours_start) == ("BIWEEKLY", None)


def test_unsubscribe_token_turns_that_kind_off_only():
    user = UserFactory()
    token = notifications.unsubscribe_token(user_id=user.pk, kind=NotificationKind.DIGEST)
    assert notifications.unsubscribe(token=token) == (user, NotificationKind.DIGEST)
    prefs = notifications.preferences_of(user=user)
    assert prefs.enabled(NotificationKind.DIGEST, Email) is False
    assert prefs.enabled(NotificationKind.TRAINING_DUE, Email) is True
    assert prefs.enabled(NotificationKind.DIGEST, InApp) is True


def test_forged_unsubscribe_token_is_refused():
    user = UserFactory()
    token = notifications.unsubscribe_token(user_id=user.pk, kind=NotificationKind.DIGEST)
    other = UserFactory()
    _payload, signature = token.rsplit(":", 1)
    someone_else = signing.b64_encode(f'{{"u":{other.pk},"k":"DIGEST"}}'.encode()).decode()
    forged = f"{someone_else}:{signature}"
    assert notifications.unsubscribe(token=forged) is None
    assert notifications.unsubscribe(token=token + "x") is None
    assert not NotificationPreference.objects.exists()


# --- Test sends and connections ----------------------------------------------------------------


def test_send_test_creates_a_row_due_now_despite_quiet_hours_and_preferences():
    admin = UserFactory(is_admin=True)
    NotificationPreference.objects.create(
        user=admin, kind=NotificationKind.NUDGE, channel=Email, enabled=False
    )
    night = at(2025, 6, 3, 2)
    row = notifications.notification_send_test(kind=NotificationKind.NUDGE, user=admin, now=night)
    notifications.emails_send(notification_ids=[row.pk], now=night)
    assert mail.outbox[0].subject.startswith("[Test] ")
