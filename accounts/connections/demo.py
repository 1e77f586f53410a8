"""Demo connected accounts: with ``FAKE_NETWORKS`` on (``make run``), a few employees
connect the fake Mastodon, Bluesky and X that ``scripts/run-embedded`` started, through the
same services and flows a person uses (OAuth with PKCE, a Bluesky app password), so their
tokens are real ones of the fakes, stored encrypted.

The fakes keep their state in memory and start afresh with every ``make run``: each run
connects again (the rows are updated, not added), and forgets the Mastodon registration of
the previous fake. Without ``FAKE_NETWORKS`` nothing is connected.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from accounts.connections.base import ConnectError
from accounts.connections.services import (
    connection_bluesky_connect,
    connection_complete,
    connection_start,
)
from accounts.models import Connection, MastodonApp, NetworkApp, User
from ambassador import apiclient
from ambassador.networks import Network

# What `python -m tests.fakes` registers and seeds (tests/fakes/__main__.py).
FAKE_APPS = {
    Network.X: ("demo-x", "demo-x-secret"),
    Network.LINKEDIN: ("demo-linkedin", "demo-linkedin-secret"),
}
FAKE_BLUESKY_HANDLE = "demo.bsky.test"
FAKE_BLUESKY_APP_PASSWORD = "demo-demo-demo-demo"  # noqa: S105 — the fake's seeded one
# (email, the handle on the fakes, followers, networks)
CONNECTED = [
    ("employee@example.com", "eva", 140, [Network.MASTODON, Network.X, Network.BLUESKY]),
    ("employee001@demo.example.com", "employee001", 95, [Network.MASTODON, Network.X]),
    ("employee002@demo.example.com", "employee002", 210, [Network.MASTODON]),
]


def _fake_url(network: str) -> str:
    return settings.FAKE_MASTODON_URL if network == Network.MASTODON else settings.X_API_URL


def _oauth(user: User, network: str, handle: str, followers: int) -> Connection:
    """The OAuth flow a person goes through, with the fake's authorize page signing in as
    ``handle`` and approving at once."""
    base = _fake_url(network)
    apiclient.request(
        "POST", f"{base}/_fake/login", json={"handle": handle, "followers": followers}
    )
    url = connection_start(user=user, network=network, instance_url=settings.FAKE_MASTODON_URL)
    answer = apiclient.request("GET", url)
    query = parse_qs(urlsplit(answer.headers.get("location", "")).query)
    return connection_complete(
        user=user,
        network=network,
        state=query.get("state", [""])[0],
        code=query.get("code", [""])[0],
        error=query.get("error", [""])[0],
    )


def build(*, stdout) -> None:
    if not settings.FAKE_NETWORKS:
        return
    for network, (client_id, client_secret) in FAKE_APPS.items():
        NetworkApp.objects.update_or_create(
            network=network,
            defaults={"enabled": True, "client_id": client_id, "client_secret": client_secret},
        )
    MastodonApp.objects.filter(instance_url=settings.FAKE_MASTODON_URL).delete()
    connected = 0
    for email, handle, followers, networks in CONNECTED:
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        for network in networks:
            try:
                if network == Network.BLUESKY:
                    connection_bluesky_connect(
                        user=user,
                        handle=FAKE_BLUESKY_HANDLE,
                        app_password=FAKE_BLUESKY_APP_PASSWORD,
                    )
                else:
                    _oauth(user, network, handle, followers)
            except (ConnectError, apiclient.FetchError) as exc:
                stdout.write(f"Connections demo: {network} not connected for {email}: {exc}")
                continue
            connected += 1
    stdout.write(f"Connections demo: {connected} accounts connected on the fake networks.")
