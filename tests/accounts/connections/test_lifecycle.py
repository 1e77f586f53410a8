"""Offboarding, expiry reminders' selector, and follower readings."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts import selectors
from accounts.connections import services
from accounts.models import Connection, FollowerReading, SocialProfile
from accounts.services import user_deactivate
from ambassador.networks import Network
from tests.accounts.connections.conftest import follow_authorize, sign_in
from tests.factories import UserFactory

APP_PASSWORD = "abcd-efgh-ijkl-mnop"


def _connect_mastodon(client, user, mastodon, handle="alice"):
    mastodon.login(mastodon.add_account(handle, followers=50))
    sign_in(client, user)
    response = client.post(
        reverse("accounts:connection_start", args=["mastodon"]), {"instance": mastodon.base_url}
    )
    client.get(follow_authorize(mastodon, response["Location"]))
    return Connection.objects.get(user=user, network=Network.MASTODON)


def test_offboarding_revokes_tokens_and_deletes_them(client, personas, mastodon, bluesky, x):
    mastodon_connection = _connect_mastodon(client, personas.employee, mastodon)
    bluesky.add_account("bob.bsky.test", app_password=APP_PASSWORD)
    bluesky_connection = services.connection_bluesky_connect(
        user=personas.employee, handle="bob.bsky.test", app_password=APP_PASSWORD
    )

    user_deactivate(user=personas.employee, by=personas.admin)

    assert mastodon.tokens[mastodon_connection.access_token].revoked is True
    assert bluesky.tokens[bluesky_connection.refresh_token].revoked is True
    rows = Connection.objects.filter(user=personas.employee)
    assert {(c.state, c.access_token, c.refresh_token) for c in rows} == {
        (Connection.State.DISCONNECTED, "", "")
    }


def test_offboarding_deletes_tokens_even_when_the_network_is_down(client, personas, mastodon):
    _connect_mastodon(client, personas.employee, mastodon)
    mastodon.fail_next("POST /oauth/revoke", 503)

    user_deactivate(user=personas.employee, by=personas.admin)

    stored = Connection.objects.get(user=personas.employee)
    assert (stored.state, stored.access_token) == (Connection.State.DISCONNECTED, "")


def test_disconnected_account_can_be_connected_by_a_colleague(client, personas, mastodon):
    _connect_mastodon(client, personas.employee, mastodon)
    client.post(reverse("accounts:connection_disconnect", args=["mastodon"]))
    client.logout()
    sign_in(client, personas.employee_b)

    response = client.post(
        reverse("accounts:connection_start", args=["mastodon"]), {"instance": mastodon.base_url}
    )
    client.get(follow_authorize(mastodon, response["Location"]))

    assert Connection.objects.get(user=personas.employee_b).state == Connection.State.CONNECTED


def test_connections_expiring_between_two_dates(personas):
    now = timezone.now()
    inside = Connection.objects.create(
        user=personas.employee,
        network=Network.LINKEDIN,
        remote_id="a",
        expires_at=now + timedelta(days=5),
    )
    Connection.objects.create(
        user=personas.employee_b,
        network=Network.LINKEDIN,
        remote_id="b",
        expires_at=now + timedelta(days=20),
    )
    Connection.objects.create(
        user=UserFactory(),
        network=Network.LINKEDIN,
        remote_id="c",
        expires_at=now + timedelta(days=5),
        state=Connection.State.RECONNECT_NEEDED,
    )

    found = list(
        selectors.connections_expiring(start=now + timedelta(days=4), end=now + timedelta(days=6))
    )

    assert found == [inside]


def test_followers_are_read_and_dated(client, personas, mastodon):
    connection = _connect_mastodon(client, personas.employee, mastodon)
    mastodon.accounts[connection.remote_id].followers = 75

    assert services.connection_read_followers(connection_id=connection.pk) == 75

    readings = FollowerReading.objects.filter(user=personas.employee).order_by("read_at", "pk")
    assert [(r.followers, r.source) for r in readings] == [(50, "API"), (75, "API")]
    assert (
        SocialProfile.objects.get(user=personas.employee, network=Network.MASTODON).followers_count
        == 75
    )


def test_follower_read_with_a_revoked_token_means_reconnect_needed(client, personas, mastodon):
    connection = _connect_mastodon(client, personas.employee, mastodon)
    mastodon.tokens[connection.access_token].revoked = True

    try:
        services.connection_read_followers(connection_id=connection.pk)
    except services.AuthRevoked:
        pass
    else:
        raise AssertionError("a revoked token was used")

    assert Connection.objects.get(pk=connection.pk).state == Connection.State.RECONNECT_NEEDED


def test_typed_in_followers_are_dated_readings(client, personas):
    client.force_login(personas.employee)
    client.post(
        reverse("accounts:social_profile_save"),
        {"social-network": "LINKEDIN", "social-followers_count": "250"},
    )
    reading = FollowerReading.objects.get(user=personas.employee)
    assert (reading.network, reading.followers, reading.source) == ("LINKEDIN", 250, "TYPED")


def test_daily_follower_read_claims_each_connection_once(client, personas, mastodon):
    connection = _connect_mastodon(client, personas.employee, mastodon)
    later = timezone.now() + timedelta(days=1, minutes=1)

    first = services.followers_claim_due(now=later)
    second = services.followers_claim_due(now=later)

    assert (first, second) == ([connection.pk], [])
    assert services.followers_read_due(now=later + timedelta(days=1, minutes=1)) == 1
