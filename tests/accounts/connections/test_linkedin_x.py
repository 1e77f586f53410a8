"""LinkedIn (OpenID Connect, 60-day tokens) and X (PKCE, single-use refresh tokens)."""

import threading
from datetime import timedelta

from django.db import connection as db_connection
from django.urls import reverse
from django.utils import timezone

from accounts.connections import services
from accounts.connections.base import AuthRevoked
from accounts.models import Connection, NetworkApp, Notification
from ambassador.networks import Network
from tests.accounts.connections.conftest import follow_authorize, query_of, sign_in


def _connect(client, fake, network):
    response = client.post(reverse("accounts:connection_start", args=[network]))
    assert response.status_code == 302
    return client.get(follow_authorize(fake, response["Location"]), follow=True)


def test_connect_linkedin_with_openid_and_a_60_day_expiry(client, personas, linkedin):
    eve = linkedin.add_account("eve@example.test", display_name="Eve Example")
    linkedin.login(eve)
    sign_in(client, personas.employee)

    response = _connect(client, linkedin, "linkedin")

    connection = Connection.objects.get(network=Network.LINKEDIN)
    assert (connection.handle, connection.remote_id) == ("Eve Example", eve.id)
    assert connection.refresh_token == ""
    days = (connection.expires_at - timezone.now()).days
    assert days in (59, 60)
    assert "Expires on" in response.content.decode()


def test_linkedin_asks_for_openid_profile_email_and_posting(client, personas, linkedin):
    sign_in(client, personas.employee)
    response = client.post(reverse("accounts:connection_start", args=["linkedin"]))
    query = query_of(response["Location"])
    assert query["scope"] == "openid profile email w_member_social"


def test_network_without_app_credentials_is_shown_not_set_up(client, personas, settings):
    sign_in(client, personas.employee)
    page = client.get(reverse("accounts:connections")).content.decode()
    assert page.count("Not set up by your programme") == 2  # LinkedIn and X
    assert "Not available" in page  # Facebook


def test_network_switched_off_cannot_be_connected(client, personas, mastodon):
    NetworkApp.objects.create(network=Network.MASTODON, enabled=False)
    sign_in(client, personas.employee)

    response = client.post(
        reverse("accounts:connection_start", args=["mastodon"]),
        {"instance": mastodon.base_url},
        follow=True,
    )

    assert "switched this network off" in response.content.decode()
    assert mastodon.calls["POST /api/v1/apps"] == 0


def test_connect_x_with_pkce_and_a_refresh_token(client, personas, x):
    carol = x.add_account("carol", followers=240)
    x.login(carol)
    sign_in(client, personas.employee)

    _connect(client, x, "x")

    connection = Connection.objects.get(network=Network.X)
    assert (connection.handle, connection.followers_count) == ("carol", 240)
    assert connection.refresh_token == x.tokens_of(carol, "refresh")[0].value
    assert connection.expires_at is None


def _x_connection(client, personas, x):
    x.login(x.add_account("carol"))
    sign_in(client, personas.employee)
    _connect(client, x, "x")
    connection = Connection.objects.get(network=Network.X)
    Connection.objects.filter(pk=connection.pk).update(
        token_expires_at=timezone.now() - timedelta(minutes=1)
    )
    return connection


def test_x_refresh_rotates_and_keeps_the_new_refresh_token(client, personas, x):
    connection = _x_connection(client, personas, x)

    services.connection_fresh(connection_id=connection.pk)
    services.connection_fresh(connection_id=connection.pk)

    stored = Connection.objects.get(pk=connection.pk)
    assert x.calls["POST /2/oauth2/token"] == 2  # the code, then one refresh
    assert x.tokens[connection.refresh_token].revoked is True
    assert x.tokens[stored.refresh_token].revoked is False
    assert stored.token_expires_at > timezone.now() + timedelta(hours=1)


def test_two_workers_refreshing_at_once_make_one_refresh_call(
    client, personas, x, transactional_db
):
    connection = _x_connection(client, personas, x)
    x.latency = 0.3  # both workers are inside the refresh at the same time
    results, errors = [], []

    def worker():
        try:
            results.append(services.connection_fresh(connection_id=connection.pk).access_token)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert x.calls["POST /2/oauth2/token"] == 2  # the code, then exactly one refresh
    stored = Connection.objects.get(pk=connection.pk)
    assert results == [stored.access_token, stored.access_token]
    assert x.tokens[stored.refresh_token].revoked is False


def test_used_refresh_token_means_reconnect_needed_without_retry(client, personas, x):
    connection = _x_connection(client, personas, x)
    x.tokens[connection.refresh_token].revoked = True

    try:
        services.connection_fresh(connection_id=connection.pk)
    except AuthRevoked:
        pass
    else:
        raise AssertionError("a used refresh token was accepted")

    assert Connection.objects.get(pk=connection.pk).state == Connection.State.RECONNECT_NEEDED
    assert x.calls["POST /2/oauth2/token"] == 2
    assert Notification.objects.filter(recipient=personas.employee).count() == 1
    page = client.get(reverse("accounts:connections")).content.decode()
    assert "Reconnect needed" in page


def test_server_error_on_refresh_keeps_the_connection(client, personas, x):
    connection = _x_connection(client, personas, x)
    x.fail_next("POST /2/oauth2/token", 503)

    try:
        services.connection_fresh(connection_id=connection.pk)
    except services.NetworkUnavailable:
        pass
    else:
        raise AssertionError("a 503 was taken for an answer")

    stored = Connection.objects.get(pk=connection.pk)
    assert (stored.state, stored.refresh_token) == (
        Connection.State.CONNECTED,
        connection.refresh_token,
    )


def test_admin_enters_app_credentials_in_the_app(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("accounts:network_settings"),
        {
            "network": "LINKEDIN",
            "LINKEDIN-enabled": "on",
            "LINKEDIN-client_id": "li-client",
            "LINKEDIN-client_secret": "li-secret-value",
        },
    )
    assert response.status_code == 302
    app = NetworkApp.objects.get(network=Network.LINKEDIN)
    assert (app.client_id, app.client_secret, app.enabled) == ("li-client", "li-secret-value", True)
    page = client.get(reverse("accounts:network_settings")).content.decode()
    assert "li-secret-value" not in page
    assert "A client secret is stored." in page


def test_employee_cannot_open_network_settings(client, personas):
    sign_in(client, personas.employee)
    assert client.get(reverse("accounts:network_settings")).status_code == 403
