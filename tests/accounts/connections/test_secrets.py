"""Tokens at rest: encrypted, rotatable, and never shown in logs, admin, exports or error pages."""

import logging
import sys

from cryptography.fernet import Fernet
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core import serializers
from django.core.management import call_command
from django.db import connection as db
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter

from accounts.connections import services
from accounts.connections.views import bluesky_connect
from accounts.models import Connection, NetworkApp
from ambassador.networks import Network
from tests.accounts.connections.conftest import follow_authorize, sign_in

ACCESS = "access-token-plaintext-0123456789"
REFRESH = "refresh-token-plaintext-9876543210"


def _connection(user, **extra):
    return Connection.objects.create(
        user=user,
        network=Network.X,
        handle="carol",
        remote_id="42",
        access_token=ACCESS,
        refresh_token=REFRESH,
        **extra,
    )


def _raw_tokens(pk):
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM accounts_connection WHERE id = %s", [pk]
        )
        return cursor.fetchone()


def test_raw_sql_shows_no_token(personas):
    connection = _connection(personas.employee)
    raw_access, raw_refresh = _raw_tokens(connection.pk)
    assert ACCESS not in raw_access and REFRESH not in raw_refresh
    assert raw_access.startswith("fernet:")
    assert Connection.objects.get(pk=connection.pk).access_token == ACCESS


def test_key_rotation_re_encrypts_everything_with_the_newest_key(personas, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    connection = _connection(personas.employee)
    NetworkApp.objects.create(network=Network.X, client_id="id", client_secret="app-secret")
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    call_command("reencrypt_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    stored = Connection.objects.get(pk=connection.pk)
    assert (stored.access_token, stored.refresh_token) == (ACCESS, REFRESH)
    assert NetworkApp.objects.get().client_secret == "app-secret"
    raw_access, _raw_refresh = _raw_tokens(connection.pk)
    Fernet(new_key.encode()).decrypt(raw_access.removeprefix("fernet:").encode())


def test_admin_pages_show_no_token(client, personas):
    connection = _connection(personas.employee)
    client.force_login(personas.admin)
    for url in (
        reverse("admin:accounts_connection_changelist"),
        reverse("admin:accounts_connection_change", args=[connection.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "carol" in page
        assert ACCESS not in page and REFRESH not in page


def test_serialised_rows_carry_no_token(personas):
    _connection(personas.employee)
    dumped = serializers.serialize("json", Connection.objects.all())
    assert ACCESS not in dumped and REFRESH not in dumped
    assert '"handle": "carol"' in dumped


def test_refresh_and_connect_log_no_token(personas, x, caplog, client):
    caplog.set_level(logging.DEBUG)
    x.login(x.add_account("carol"))
    sign_in(client, personas.employee)
    response = client.post(reverse("accounts:connection_start", args=["x"]))
    client.get(follow_authorize(x, response["Location"]))
    connection = Connection.objects.get(network=Network.X)
    Connection.objects.filter(pk=connection.pk).update(token_expires_at="2000-01-01T00:00Z")
    fresh = services.connection_fresh(connection_id=connection.pk)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (connection.access_token, connection.refresh_token, fresh.access_token):
        assert secret not in logged


def test_error_report_of_the_bluesky_form_hides_the_app_password(personas, settings):
    request = RequestFactory().post(
        reverse("accounts:bluesky_connect"),
        {"handle": "nobody.bsky.test", "app_password": "abcd-efgh-ijkl-mnop"},
    )
    request.user = personas.employee
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    bluesky_connect(request)  # asks for the password again: nothing is sent anywhere

    settings.DEBUG = False  # error reports filter secrets in production
    text = ExceptionReporter(request, ValueError, ValueError("boom"), None).get_traceback_html()

    assert "abcd-efgh-ijkl-mnop" not in text
    assert "app_password" in text


def test_error_report_of_a_failed_refresh_shows_no_token(client, personas, x, settings):
    x.login(x.add_account("carol"))
    sign_in(client, personas.employee)
    response = client.post(reverse("accounts:connection_start", args=["x"]))
    client.get(follow_authorize(x, response["Location"]))
    connection = Connection.objects.get(network=Network.X)
    Connection.objects.filter(pk=connection.pk).update(token_expires_at="2000-01-01T00:00Z")
    x.fail_next("POST /2/oauth2/token", 200, body={"unexpected": True})

    try:
        services.connection_fresh(connection_id=connection.pk)
    except services.ConnectError:
        exc_info = sys.exc_info()
    else:
        raise AssertionError("a malformed answer was taken for tokens")

    settings.DEBUG = False  # error reports filter secrets in production
    text = ExceptionReporter(None, *exc_info).get_traceback_html()
    assert "x.py" in text and "refresh" in text  # the report does reach the network module
    assert connection.refresh_token not in text
    assert connection.access_token not in text
    assert x.apps and next(iter(x.apps.values())).client_secret not in text


def test_connections_page_shows_no_token(client, personas):
    _connection(personas.employee)
    client.force_login(personas.employee)
    page = client.get(reverse("accounts:connections")).content.decode()
    assert "Connected as @carol" in page
    assert ACCESS not in page and REFRESH not in page
