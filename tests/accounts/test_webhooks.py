"""Slack and Microsoft Teams webhooks against fake services on 127.0.0.1: stored encrypted,
checked by the SSRF-safe fetcher, retried with backoff, failures shown to admins."""

import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import notifications, webhooks
from accounts.models import (
    AuditEvent,
    Notification,
    NotificationKind,
    TeamWebhook,
    WebhookMessage,
)
from tests.factories import TeamFactory, UserFactory, give_mfa
from tests.fakes.slack import FakeSlack
from tests.fakes.teams import FakeTeams

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keys_and_loopback(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def slack():
    server = FakeSlack().start()
    yield server
    server.stop()


@pytest.fixture
def teams():
    server = FakeTeams().start()
    yield server
    server.stop()


@pytest.fixture
def admin(db):
    return UserFactory(is_admin=True)


def message_for(hook, *, now, title="Hello"):
    webhooks.messages_create(
        webhooks=[hook],
        kind=NotificationKind.FEATURED,
        subject="posts.contentitem:1",
        period="featured",
        payloads={hook.pk: webhooks.Payload(title=title, text="Text", url="https://a.example/1")},
        now=now,
    )
    return WebhookMessage.objects.get(webhook=hook)


# --- Saving -------------------------------------------------------------------------------------


def _raw_url(hook) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT url FROM accounts_teamwebhook WHERE id = %s", [hook.pk])
        return cursor.fetchone()[0]


def test_webhook_url_is_stored_encrypted(slack, admin):
    url = slack.new_hook()
    hook = webhooks.webhook_save(
        team=TeamFactory(), service="SLACK", url=url, language="en", by=admin
    )
    stored = _raw_url(hook)
    secret = url.rsplit("/", 1)[1]
    assert secret not in stored and "127.0.0.1" not in stored
    assert stored.startswith("fernet:")
    assert secret[:-4] not in TeamWebhook.objects.get().url_hint
    assert TeamWebhook.objects.get().url == url
    audit = AuditEvent.objects.get(target_type="accounts.teamwebhook")
    assert secret not in str(audit.detail)


def test_key_rotation_re_encrypts_webhook_urls_with_the_newest_key(settings, slack, admin):
    url = slack.new_hook()
    hook = webhooks.webhook_save(
        team=TeamFactory(), service="SLACK", url=url, language="en", by=admin
    )
    old_key, new_key = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert TeamWebhook.objects.get().url == url  # the old key still reads it

    call_command("reencrypt_secrets", stdout=io.StringIO())

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    assert TeamWebhook.objects.get().url == url
    assert Fernet(new_key.encode()).decrypt(_raw_url(hook).removeprefix("fernet:").encode())


def test_a_webhook_whose_key_is_gone_fails_its_message_and_can_be_removed(
    client, settings, slack, admin
):
    hook = webhooks.webhook_save(
        team=TeamFactory(name="Sales"),
        service="SLACK",
        url=slack.new_hook(),
        language="en",
        by=admin,
    )
    now = timezone.now()
    message = message_for(hook, now=now)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    assert webhooks.message_deliver(message_id=message.pk, now=now) == "FAILED"
    message.refresh_from_db()
    assert message.last_error == "The stored address cannot be decrypted."
    assert slack.received == []
    give_mfa(admin)
    client.force_login(admin)
    assert "Failing since" in client.get(reverse("accounts:reminders")).content.decode()
    response = client.post(reverse("accounts:webhook_remove", args=[hook.pk]))
    assert response.status_code == 302
    assert not TeamWebhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.5/services/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "ftp://hooks.example/x",
        "https://user:pw@hooks.slack.com/services/x",
    ],
)
def test_webhook_to_a_private_or_odd_address_is_refused(admin, url):
    with pytest.raises(webhooks.WebhookError):
        webhooks.webhook_save(team=TeamFactory(), service="SLACK", url=url, language="en", by=admin)
    assert not TeamWebhook.objects.exists()


def test_plain_http_is_refused_outside_tests(settings, admin):
    settings.FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(webhooks.WebhookError, match="https://"):
        webhooks.webhook_save(
            team=TeamFactory(),
            service="SLACK",
            url="http://hooks.example/x",
            language="en",
            by=admin,
        )


# --- Delivering --------------------------------------------------------------------------------


def test_slack_message_is_delivered_once(slack, admin):
    hook = webhooks.webhook_save(
        team=TeamFactory(), service="SLACK", url=slack.new_hook(), language="en", by=admin
    )
    now = timezone.now()
    message = message_for(hook, now=now, title="Big <news> & more")
    assert webhooks.message_deliver(message_id=message.pk, now=now) == "SENT"
    assert webhooks.message_deliver(message_id=message.pk, now=now) == ""
    (received,) = slack.received
    body = received.json
    assert body["text"] == "Big <news> & more https://a.example/1"
    assert body["blocks"][0]["text"]["text"].startswith(
        "*<https://a.example/1|Big &lt;news&gt; &amp; more>*"
    )
    hook.refresh_from_db()
    assert hook.last_success_at == now


def test_teams_message_is_an_adaptive_card(teams, admin):
    hook = webhooks.webhook_save(
        team=TeamFactory(), service="TEAMS", url=teams.new_hook(), language="en", by=admin
    )
    now = timezone.now()
    message = message_for(hook, now=now)
    assert webhooks.message_deliver(message_id=message.pk, now=now) == "SENT"
    card = teams.received[0].json["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"] == "Hello"
    assert card["actions"][0]["url"] == "https://a.example/1"


def test_429_waits_for_retry_after(slack, admin):
    hook = webhooks.webhook_save(
        team=TeamFactory(), service="SLACK", url=slack.new_hook(), language="en", by=admin
    )
    slack.fail_next(429, retry_after=30)
    now = timezone.now()
    message = message_for(hook, now=now)
    assert webhooks.message_deliver(message_id=message.pk, now=now) == "PENDING"
    message.refresh_from_db()
    assert message.due_at == now + dt.timedelta(seconds=30)
    assert message.last_error == "HTTP 429: rate_limited"
    assert webhooks.messages_queue_due(now=now + dt.timedelta(seconds=29)) == []
    later = now + dt.timedelta(seconds=30)
    assert webhooks.messages_queue_due(now=later) == [message.pk]
    assert webhooks.message_deliver(message_id=message.pk, now=later) == "SENT"
    assert len(slack.received) == 1


def test_5xx_backs_off_with_jitter_then_fails_after_the_last_attempt(teams, admin):
    hook = webhooks.webhook_save(
        team=TeamFactory(), service="TEAMS", url=teams.new_hook(), language="en", by=admin
    )
    teams.fail_next(503, times=webhooks.MAX_ATTEMPTS)
    now = timezone.now()
    message = message_for(hook, now=now)
    assert webhooks.message_deliver(message_id=message.pk, now=now) == "PENDING"
    message.refresh_from_db()
    assert now + dt.timedelta(seconds=22.5) <= message.due_at <= now + dt.timedelta(seconds=37.5)
    for _ in range(webhooks.MAX_ATTEMPTS - 1):
        message.refresh_from_db()
        webhooks.message_deliver(message_id=message.pk, now=message.due_at)
    message.refresh_from_db()
    hook.refresh_from_db()
    assert (message.state, message.attempts) == ("FAILED", webhooks.MAX_ATTEMPTS)
    assert hook.failing_since is not None
    assert hook.last_error.startswith("HTTP 503")
    assert len(teams.attempts) == webhooks.MAX_ATTEMPTS


def test_unknown_webhook_fails_at_once_and_is_shown_to_admins(client, slack, admin):
    hook = webhooks.webhook_save(
        team=TeamFactory(name="Sales"),
        service="SLACK",
        url=slack.url("/services/T0000/BGONE/nothing"),
        language="en",
        by=admin,
    )
    now = timezone.now()
    message = message_for(hook, now=now)
    assert webhooks.message_deliver(message_id=message.pk, now=now) == "FAILED"
    give_mfa(admin)
    client.force_login(admin)
    page = client.get(reverse("accounts:reminders")).content.decode()
    assert "Failing since" in page
    assert "HTTP 404: no_service" in page
    assert "nothing" not in page.split("Team channels")[1].split("Add or replace")[0]


def test_a_failing_webhook_never_holds_up_email(slack, admin):
    hook = webhooks.webhook_save(
        team=TeamFactory(), service="SLACK", url=slack.new_hook(), language="en", by=admin
    )
    slack.fail_next(500, times=10)
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    message_for(hook, now=noon)
    user = UserFactory(email="eva@example.com", time_zone="UTC")
    notifications.notification_deliver(
        recipient=user,
        kind=NotificationKind.TRAINING_DUE,
        title="Due",
        subject="m:1",
        period="p",
        now=noon,
    )
    result = notifications.reminders_tick(now=noon)
    for message_id in result.webhook_message_ids:
        webhooks.message_deliver(message_id=message_id, now=noon)
    for batch in result.email_batches:
        notifications.emails_send(notification_ids=batch, now=noon)
    assert [m.to for m in mail.outbox] == [["eva@example.com"]]
    assert Notification.objects.get().email_state == "SENT"
    assert WebhookMessage.objects.get().state == "PENDING"


def test_webhook_added_through_the_reminders_page(client, slack, personas):
    url = slack.new_hook()
    client.force_login(personas.admin)
    response = client.post(
        reverse("accounts:webhook_add"),
        {"team": personas.team_a.pk, "service": "SLACK", "url": url, "language": "nb"},
    )
    assert response.status_code == 302
    hook = TeamWebhook.objects.get()
    assert (hook.team, hook.language) == (personas.team_a, "nb")
    page = client.get(reverse("accounts:reminders")).content.decode()
    assert url not in page
    assert hook.url_hint in page


def test_webhook_page_refuses_a_private_address(client, personas):
    client.force_login(personas.admin)
    client.post(
        reverse("accounts:webhook_add"),
        {
            "team": personas.team_a.pk,
            "service": "SLACK",
            "url": "https://10.1.2.3/x",
            "language": "en",
        },
    )
    assert not TeamWebhook.objects.exists()


def test_webhook_add_forbidden_for_managers(client, personas, slack):
    client.force_login(personas.manager_a)
    response = client.post(
        reverse("accounts:webhook_add"),
        {"team": personas.team_a.pk, "service": "SLACK", "url": slack.new_hook(), "language": "en"},
    )
    assert response.status_code == 403
    assert not TeamWebhook.objects.exists()
