"""Connecting Mastodon over real HTTP against the fake instance."""

from django.db import connection as db
from django.urls import reverse

from accounts.connections import services
from accounts.connections.base import ConnectError
from accounts.models import Connection, ConnectionAttempt, MastodonApp, SocialProfile
from ambassador.networks import Network
from tests.accounts.connections.conftest import follow_authorize, query_of, sign_in


def _start(client, instance):
    response = client.post(
        reverse("accounts:connection_start", args=["mastodon"]), {"instance": instance}
    )
    assert response.status_code == 302
    return response["Location"]


def test_connect_mastodon_links_the_account_with_handle_and_followers(client, personas, mastodon):
    alice = mastodon.add_account("alice", followers=120)
    mastodon.login(alice)
    sign_in(client, personas.employee)
    authorize = _start(client, mastodon.base_url)
    callback = follow_authorize(mastodon, authorize)

    response = client.get(callback)

    assert response.status_code == 302
    connection = Connection.objects.get(user=personas.employee, network=Network.MASTODON)
    host = mastodon.base_url.split("//")[1].split(":")[0]
    assert (
        connection.state,
        connection.handle,
        connection.remote_id,
        connection.followers_count,
    ) == (
        Connection.State.CONNECTED,
        f"alice@{host}",
        alice.id,
        120,
    )
    assert connection.access_token == mastodon.tokens_of(alice, "access")[0].value
    profile = SocialProfile.objects.get(user=personas.employee, network=Network.MASTODON)
    assert (profile.instance_url, profile.followers_count) == (mastodon.base_url, 120)


def test_mastodon_authorize_asks_for_pkce_state_and_no_more_than_read_write(
    client, personas, mastodon
):
    sign_in(client, personas.employee)
    query = query_of(_start(client, mastodon.base_url))
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32
    assert set(query["scope"].split()) == {"read:accounts", "read:statuses", "write:statuses"}
    assert all(s.split(":")[0] in ("read", "write") for s in query["scope"].split())


def test_mastodon_app_is_registered_once_per_instance(client, personas, mastodon):
    sign_in(client, personas.employee)
    _start(client, mastodon.base_url)
    _start(client, mastodon.base_url)
    assert mastodon.calls["POST /api/v1/apps"] == 1
    assert MastodonApp.objects.filter(instance_url=mastodon.base_url).count() == 1


def test_replayed_callback_links_nothing_the_second_time(client, personas, mastodon):
    mastodon.login(mastodon.add_account("alice"))
    sign_in(client, personas.employee)
    callback = follow_authorize(mastodon, _start(client, mastodon.base_url))
    client.get(callback)
    Connection.objects.all().delete()

    client.get(callback)

    assert not Connection.objects.exists()
    assert mastodon.calls["POST /oauth/token"] == 1


def test_wrong_state_links_nothing_and_redeems_no_code(client, personas, mastodon):
    mastodon.login(mastodon.add_account("alice"))
    sign_in(client, personas.employee)
    callback = follow_authorize(mastodon, _start(client, mastodon.base_url))
    state = query_of(callback)["state"]

    response = client.get(callback.replace(state, "forged-state"), follow=True)

    assert not Connection.objects.exists()
    assert mastodon.calls["POST /oauth/token"] == 0
    assert "no longer valid" in response.content.decode()


def test_state_of_another_person_links_nothing(client, personas, mastodon):
    mastodon.login(mastodon.add_account("alice"))
    sign_in(client, personas.employee)
    callback = follow_authorize(mastodon, _start(client, mastodon.base_url))
    client.logout()
    sign_in(client, personas.employee_b)

    client.get(callback)

    assert not Connection.objects.exists()
    assert ConnectionAttempt.objects.get().used_at is None


def test_declined_authorization_links_nothing(client, personas, mastodon):
    mastodon.approve = False
    sign_in(client, personas.employee)
    callback = follow_authorize(mastodon, _start(client, mastodon.base_url))
    assert query_of(callback)["error"] == "access_denied"

    client.get(callback)

    assert not Connection.objects.exists()


def test_account_connected_by_another_employee_is_refused(client, personas, mastodon):
    alice = mastodon.add_account("alice")
    mastodon.login(alice)
    sign_in(client, personas.employee)
    client.get(follow_authorize(mastodon, _start(client, mastodon.base_url)))
    client.logout()
    sign_in(client, personas.employee_b)

    response = client.get(
        follow_authorize(mastodon, _start(client, mastodon.base_url)), follow=True
    )

    assert list(Connection.objects.values_list("user", flat=True)) == [personas.employee.pk]
    assert "already connected by someone else" in response.content.decode()
    # The second employee's fresh token was handed back.
    assert [t.revoked for t in mastodon.tokens_of(alice, "access")] == [False, True]


def test_instance_typed_as_a_private_address_is_refused(personas, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    try:
        services.connection_start(
            user=personas.employee, network=Network.MASTODON, instance_url="http://127.0.0.1:9"
        )
    except ConnectError as exc:
        assert "private or reserved" in str(exc.message)
    else:
        raise AssertionError("a loopback instance was accepted")
    assert not MastodonApp.objects.exists()


def test_http_instance_is_refused_without_debug(personas, settings, mastodon):
    settings.DEBUG = False
    try:
        services.connection_start(
            user=personas.employee, network=Network.MASTODON, instance_url=mastodon.base_url
        )
    except ConnectError as exc:
        assert "https://" in str(exc.message)
    else:
        raise AssertionError("an http:// instance was accepted with DEBUG off")
    assert mastodon.calls["POST /api/v1/apps"] == 0


def test_connect_needs_a_recent_password(client, personas, mastodon):
    client.force_login(personas.employee)
    response = client.post(
        reverse("accounts:connection_start", args=["mastodon"]), {"instance": mastodon.base_url}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert mastodon.calls["POST /api/v1/apps"] == 0


def test_tokens_are_not_readable_in_the_database(client, personas, mastodon):
    mastodon.login(mastodon.add_account("alice"))
    sign_in(client, personas.employee)
    client.get(follow_authorize(mastodon, _start(client, mastodon.base_url)))
    token = Connection.objects.get().access_token
    secret = MastodonApp.objects.get().client_secret

    with db.cursor() as cursor:
        cursor.execute("SELECT access_token FROM accounts_connection")
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT client_secret FROM accounts_mastodonapp")
        (stored_secret,) = cursor.fetchone()

    assert stored.startswith("fernet:")
    assert token not in stored
    assert secret not in stored_secret
