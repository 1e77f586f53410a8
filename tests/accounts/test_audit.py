"""The audit log page and what a failed login records."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import translation

from accounts.audit import AuditAction
from accounts.models import AuditEvent
from tests.accounts.factories import AuditEventFactory


@pytest.fixture
def oslo_event(db):
    # 23:30 UTC is 00:30 the next day in Oslo (the project's TIME_ZONE).
    return AuditEventFactory(
        action=AuditAction.ROLE_CHANGED,
        at=datetime.datetime(2026, 3, 1, 23, 30, 5, tzinfo=datetime.UTC),
    )


def test_audit_log_time_rendered_in_utc(client, personas, oslo_event):
    client.force_login(personas.admin)
    content = client.get(reverse("accounts:audit_log")).content.decode()
    assert "2026-03-01 23:30:05" in content
    assert "2026-03-02 00:30:05" not in content


def test_audit_log_time_in_utc_for_person_with_other_time_zone(client, personas, oslo_event):
    personas.admin.time_zone = "America/New_York"
    personas.admin.save(update_fields=["time_zone"])
    client.force_login(personas.admin)
    content = client.get(reverse("accounts:audit_log")).content.decode()
    assert "2026-03-01 23:30:05" in content


def test_audit_log_shows_action_label_not_code(client, personas, oslo_event):
    client.force_login(personas.admin)
    content = client.get(reverse("accounts:audit_log")).content.decode()
    assert '<span class="tag" title="ROLE_CHANGED">Role changed</span>' in content


def test_audit_log_action_label_in_norwegian(client, personas, oslo_event):
    personas.admin.language = "nb"
    personas.admin.save(update_fields=["language"])
    client.force_login(personas.admin)
    content = client.get(reverse("accounts:audit_log")).content.decode()
    assert ">Rolle endret</span>" in content


def test_audit_filter_dropdown_shows_labels(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:audit_log"))
    choices = dict(response.context["form"].fields["action"].choices)
    assert choices["LOGIN_FAILED"] == "Login failed"
    assert '<option value="LOGIN_FAILED">Login failed</option>' in response.content.decode()


def test_audit_action_labels_are_translated():
    with translation.override("nb"):
        assert str(AuditAction.LOGIN.label) == "innlogging"


def test_audit_event_unknown_action_label_is_the_code(db):
    assert AuditEventFactory(action="SOMETHING_OLD").action_label == "SOMETHING_OLD"


def _failed_login(client, login):
    client.post(reverse("account_login"), {"login": login, "password": "wrong-password-1"})
    return AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)


def test_failed_login_with_valid_email_stores_it(client, db):
    assert _failed_login(client, "someone@example.com").detail == {"email": "someone@example.com"}


def test_failed_authentication_with_password_as_email_stores_invalid(db):
    # The login form refuses a non-address before authenticating; any other caller of
    # authenticate() (the admin, an API) still must not leave what was typed in the log.
    authenticate(email="hunter2-my-secret", password="wrong-password-1")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.detail == {"email": "(invalid)"}


def test_login_form_with_password_as_email_leaves_no_trace(client, db):
    client.post(
        reverse("account_login"), {"login": "hunter2-my-secret", "password": "wrong-password-1"}
    )
    assert [
        e for e in AuditEvent.objects.values_list("detail", flat=True) if "hunter2" in str(e)
    ] == []
