"""Connecting Bluesky with a handle and an app password, against the fake PDS."""

from django.urls import reverse

from accounts.connections import services
from accounts.connections.base import AuthRevoked
from accounts.models import Connection, Notification
from ambassador.networks import Network
from tests.accounts.connections.conftest import sign_in

APP_PASSWORD = "abcd-efgh-ijkl-mnop"


def _connect(client, handle, password):
    return client.post(
        reverse("accounts:bluesky_connect"), {"handle": handle, "app_password": password}
    )


def test_connect_bluesky_with_an_app_password(client, personas, bluesky):
    bob = bluesky.add_account("bob.bsky.test", followers=85, app_password=APP_PASSWORD)
    sign_in(client, personas.employee)

    response = _connect(client, "@Bob.bsky.test", APP_PASSWORD)

    assert response.status_code == 302
    connection = Connection.objects.get(user=personas.employee, network=Network.BLUESKY)
    assert (connection.handle, connection.remote_id, connection.service_url) == (
        "bob.bsky.test",
        bob.id,
        bluesky.base_url,
    )
    assert connection.followers_count == 85
    assert connection.refresh_token == bluesky.tokens_of(bob, "refresh")[0].value
    assert connection.token_expires_at is not None


def test_main_password_is_refused_and_its_session_ended(client, personas, bluesky):
    bob = bluesky.add_account("bob.bsky.test", password="main-password-123")
    sign_in(client, personas.employee)

    response = _connect(client, "bob.bsky.test", "main-password-123")

    assert response.status_code == 400
    assert "main Bluesky password" in response.content.decode()
    assert not Connection.objects.exists()
    assert all(t.revoked for t in bluesky.tokens_of(bob))


def test_wrong_app_password_shows_why_and_links_nothing(client, personas, bluesky):
    bluesky.add_account("bob.bsky.test", app_password=APP_PASSWORD)
    sign_in(client, personas.employee)

    response = _connect(client, "bob.bsky.test", "wxyz-wxyz-wxyz-wxyz")

    assert response.status_code == 400
    assert "did not accept this handle and app password" in response.content.decode()
    assert not Connection.objects.exists()


def test_the_form_explains_how_to_make_an_app_password(client, personas, bluesky):
    sign_in(client, personas.employee)
    page = client.get(reverse("accounts:bluesky_connect")).content.decode()
    assert "App passwords" in page
    assert "Never enter your main password" in page


def test_app_password_never_reaches_the_session_for_reauthentication(client, personas, bluesky):
    bluesky.add_account("bob.bsky.test", app_password=APP_PASSWORD)
    client.force_login(personas.employee)

    response = _connect(client, "bob.bsky.test", APP_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:bluesky_connect")
    assert APP_PASSWORD not in str(dict(client.session))
    assert bluesky.calls["POST /xrpc/com.atproto.server.createSession"] == 0


def _connected(personas, bluesky):
    bluesky.add_account("bob.bsky.test", app_password=APP_PASSWORD)
    return services.connection_bluesky_connect(
        user=personas.employee, handle="bob.bsky.test", app_password=APP_PASSWORD
    )


def test_expiring_session_is_refreshed_and_the_rotated_token_kept(personas, bluesky):
    connection = _connected(personas, bluesky)
    old_refresh = connection.refresh_token
    Connection.objects.filter(pk=connection.pk).update(token_expires_at="2000-01-01T00:00Z")

    fresh = services.connection_fresh(connection_id=connection.pk)

    assert bluesky.calls["POST /xrpc/com.atproto.server.refreshSession"] == 1
    stored = Connection.objects.get(pk=connection.pk)
    assert stored.refresh_token != old_refresh
    assert stored.refresh_token == fresh.refresh_token
    assert bluesky.tokens[stored.refresh_token].revoked is False
    assert bluesky.tokens[old_refresh].revoked is True


def test_revoked_app_password_means_reconnect_needed_and_one_notification(personas, bluesky):
    connection = _connected(personas, bluesky)
    bob = bluesky.accounts[connection.remote_id]
    bluesky.revoke_app_password(bob, APP_PASSWORD)
    Connection.objects.filter(pk=connection.pk).update(token_expires_at="2000-01-01T00:00Z")

    for _attempt in range(2):
        try:
            services.connection_fresh(connection_id=connection.pk)
        except AuthRevoked:
            pass
        else:
            raise AssertionError("a revoked session was used")

    stored = Connection.objects.get(pk=connection.pk)
    assert (stored.state, stored.access_token, stored.refresh_token) == (
        Connection.State.RECONNECT_NEEDED,
        "",
        "",
    )
    assert bluesky.calls["POST /xrpc/com.atproto.server.refreshSession"] == 1
    notification = Notification.objects.get(recipient=personas.employee)
    assert notification.url == reverse("accounts:connections")
    assert "Bluesky" in notification.title


def test_disconnect_ends_the_session_on_the_pds(client, personas, bluesky):
    connection = _connected(personas, bluesky)
    refresh = connection.refresh_token
    sign_in(client, personas.employee)

    client.post(reverse("accounts:connection_disconnect", args=["bluesky"]))

    stored = Connection.objects.get(pk=connection.pk)
    assert (stored.state, stored.access_token, stored.refresh_token) == (
        Connection.State.DISCONNECTED,
        "",
        "",
    )
    assert bluesky.tokens[refresh].revoked is True
