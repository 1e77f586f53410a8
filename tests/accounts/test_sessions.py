"""Sessions: fixation, logout, password change, re-authentication, and the client address
allauth keeps per session."""

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.signals import mask_ip
from tests.factories import PASSWORD

NEW_PASSWORD = "a-long-new-password-42"
RAW_IP = "203.0.113.77"


def _login(client, email, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD}, **extra)


def _session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _client_with_session(key: str) -> Client:
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    return other


# --- Session fixation and logout ----------------------------------------------------------


def test_login_session_key_changes(client, personas):
    before = client.session
    before["probe"] = True
    before.save()
    old_key = before.session_key
    _login(client, personas.employee.email)
    assert client.session["_auth_user_id"] == str(personas.employee.pk)
    assert _session_key(client) != old_key
    assert SessionStore().exists(old_key) is False


def test_logout_old_session_key_no_longer_authenticates(client, personas):
    _login(client, personas.employee.email)
    old_key = _session_key(client)
    client.post(reverse("account_logout"))
    response = _client_with_session(old_key).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_change_ends_other_sessions(personas):
    this, other = Client(), Client()
    for browser in (this, other):
        _login(browser, personas.employee.email)
        assert browser.get(reverse("home")).status_code == 200
    response = this.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert this.get(reverse("home")).status_code == 200
    denied = other.get(reverse("home"))
    assert denied.status_code == 302
    assert denied["Location"].startswith(reverse("account_login"))


# --- An email change asks for the password again after the timeout ------------------------


def _add_email(client):
    return client.post(reverse("account_email"), {"action_add": "", "email": "second@example.com"})


def _reauthenticated_client(client, user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    _login(client, user.email)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return client


def test_email_change_after_recent_reauthentication_is_allowed(client, personas):
    _reauthenticated_client(client, personas.employee)
    response = _add_email(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email")
    assert EmailAddress.objects.filter(email="second@example.com").count() == 1


def test_email_change_after_reauthentication_timeout_asks_for_password(client, personas):
    _reauthenticated_client(client, personas.employee)
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
    response = _add_email(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert EmailAddress.objects.filter(email="second@example.com").count() == 0


# --- No raw client address is stored ------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("203.0.113.77", "203.0.113.0"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::"),
        ("::ffff:198.51.100.9", "198.51.100.0"),
        ("not-an-address", None),
    ],
)
def test_mask_ip_keeps_only_the_network(raw, masked):
    assert mask_ip(raw) == masked


def _tables_containing(text: str) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            # The table name comes from the database's own catalogue, quoted.
            sql = f"SELECT 1 FROM {quoted} AS t WHERE t::text LIKE %s LIMIT 1"  # noqa: S608
            cursor.execute(sql, [f"%{text}%"])
            if cursor.fetchone():
                found.append(table)
    return found


def test_login_stores_only_masked_address(client, personas):
    if connection.vendor != "postgresql":
        pytest.skip("scans every table with PostgreSQL's row-to-text cast")
    _login(client, personas.employee.email, REMOTE_ADDR=RAW_IP)
    assert list(UserSession.objects.values_list("ip", flat=True)) == ["203.0.113.0"]
    assert _tables_containing(RAW_IP) == []


def test_later_request_from_another_address_does_not_store_it(client, personas):
    _login(client, personas.employee.email, REMOTE_ADDR=RAW_IP)
    client.get(reverse("home"), REMOTE_ADDR="198.51.100.9")
    assert list(UserSession.objects.values_list("ip", flat=True)) == ["203.0.113.0"]


# --- The sessions page is reachable by keyboard and named for screen readers ---------------


def test_sessions_table_scrolls_in_a_focusable_named_region(client, personas):
    _login(client, personas.employee.email)
    response = client.get(reverse("usersessions_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div class="table-wrap" role="region" tabindex="0" aria-label="Sessions"><table>' in html
    )
    # The region holds this very session, marked current.
    assert ">Current<" in "".join(html.split('aria-label="Sessions"', 1)[1].split())
