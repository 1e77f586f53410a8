"""Reads for the connections pages."""

from __future__ import annotations

from accounts.models import Connection, NetworkApp, User
from ambassador.networks import Network

# The order of the connections page; Facebook last, as it cannot be connected.
PAGE_ORDER = (Network.MASTODON, Network.BLUESKY, Network.LINKEDIN, Network.X, Network.FACEBOOK)


def connection_rows(*, user: User) -> list[dict]:
    """The five networks for the person's connections page: availability and connection
    (two queries, whatever the data)."""
    apps = {app.network: app for app in NetworkApp.objects.all()}
    connections = {c.network: c for c in Connection.objects.live().filter(user=user)}
    rows = []
    for network in PAGE_ORDER:
        app = apps.get(network) or NetworkApp(network=network)
        rows.append(
            {
                "network": network,
                "slug": network.lower(),
                "label": Network(network).label,
                "availability": app.availability,
                "availability_label": NetworkApp.Availability(app.availability).label,
                "connection": connections.get(network),
            }
        )
    return rows
