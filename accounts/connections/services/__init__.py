"""Writes for connected accounts, one module per entity: ``network_apps`` (the admin's
network settings, Mastodon app registrations), ``connect`` (the connect flows), ``tokens``
(fresh tokens, reconnect needed, disconnecting, offboarding) and ``followers``.
Keyword-only; tokens never leave these functions except to the network modules, and never
reach a log or an audit row.
"""

from accounts.connections.base import AuthRevoked, ConnectError, NetworkUnavailable
from accounts.connections.services.connect import (
    ATTEMPT_VALID_FOR,
    connection_bluesky_connect,
    connection_complete,
    connection_start,
)
from accounts.connections.services.followers import (
    FOLLOWERS_EVERY,
    connection_read_followers,
    follower_reading_record,
    followers_claim_due,
    followers_read_due,
)
from accounts.connections.services.network_apps import network_app_for, network_app_save
from accounts.connections.services.tokens import (
    REFRESH_MARGIN,
    connection_disconnect,
    connection_fresh,
    connection_mark_reconnect,
    connections_offboard,
)

__all__ = [
    "ATTEMPT_VALID_FOR",
    "FOLLOWERS_EVERY",
    "REFRESH_MARGIN",
    "AuthRevoked",
    "ConnectError",
    "NetworkUnavailable",
    "connection_bluesky_connect",
    "connection_complete",
    "connection_disconnect",
    "connection_fresh",
    "connection_mark_reconnect",
    "connection_read_followers",
    "connection_start",
    "connections_offboard",
    "follower_reading_record",
    "followers_claim_due",
    "followers_read_due",
    "network_app_for",
    "network_app_save",
]
