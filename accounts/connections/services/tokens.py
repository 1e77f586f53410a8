"""A connection's tokens over its life: kept fresh, marked "reconnect needed" when the
network refuses them, revoked and forgotten on disconnect and offboarding."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from accounts.audit import AuditAction
from accounts.connections import bluesky, linkedin, mastodon, x
from accounts.connections.base import AuthRevoked, ConnectError, Tokens
from accounts.connections.reminders import connection_broken_announce
from accounts.connections.services.network_apps import network_app_for
from accounts.models import Connection, ConnectionAttempt, MastodonApp, User
from accounts.services.audit import audit_record
from ambassador.networks import Network

# An access token this close to running out is refreshed before use.
REFRESH_MARGIN = timedelta(minutes=5)


def token_expiry(seconds: int | None, now: datetime) -> datetime | None:
    return now + timedelta(seconds=int(seconds)) if seconds else None


@sensitive_variables("tokens", "app")
def revoke_tokens(*, network: str, service_url: str, tokens: Tokens) -> bool:
    """Ask the network to forget the tokens; True when it said so. Never raises."""
    try:
        if network == Network.MASTODON:
            app = MastodonApp.objects.filter(instance_url=service_url).first()
            return bool(app) and mastodon.revoke(
                instance_url=service_url,
                client_id=app.client_id,
                client_secret=app.client_secret,
                token=tokens.access,
            )
        if network == Network.BLUESKY:
            return bool(tokens.refresh) and bluesky.revoke(
                service_url=service_url, refresh_token=tokens.refresh
            )
        app = network_app_for(network)
        module = linkedin if network == Network.LINKEDIN else x
        revoked = bool(tokens.access) and module.revoke(
            client_id=app.client_id, client_secret=app.client_secret, token=tokens.access
        )
        if network == Network.X and tokens.refresh:
            revoked = (
                x.revoke(
                    client_id=app.client_id, client_secret=app.client_secret, token=tokens.refresh
                )
                and revoked
            )
        return revoked
    except ConnectError:
        return False


def _tokens_of(connection: Connection) -> Tokens:
    return Tokens(access=connection.access_token, refresh=connection.refresh_token)


@transaction.atomic
def _forget(connection: Connection, *, by: User | None, detail: dict) -> None:
    """Delete the connection's tokens, with the audit row of its removal."""
    Connection.objects.filter(pk=connection.pk).update(
        state=Connection.State.DISCONNECTED,
        access_token="",
        refresh_token="",
        token_expires_at=None,
        expires_at=None,
        next_followers_at=None,
        updated_at=timezone.now(),
    )
    audit_record(actor=by, action=AuditAction.CONNECTION_REMOVED, target=connection, detail=detail)


def connection_disconnect(*, user: User, network: str) -> bool:
    """Revoke the person's tokens on ``network`` where it can, then delete them."""
    connection = Connection.objects.live().filter(user=user, network=network).first()
    if connection is None:
        return False
    revoked = revoke_tokens(
        network=network, service_url=connection.service_url, tokens=_tokens_of(connection)
    )
    _forget(connection, by=user, detail={"network": network, "revoked": revoked})
    return True


def connections_offboard(*, user: User, by: User | None) -> int:
    """Offboarding: revoke every token where the network can, and delete them all."""
    count = 0
    for connection in Connection.objects.filter(user=user):
        revoked = False
        if connection.state != Connection.State.DISCONNECTED:
            revoked = revoke_tokens(
                network=connection.network,
                service_url=connection.service_url,
                tokens=_tokens_of(connection),
            )
            count += 1
        _forget(
            connection,
            by=by,
            detail={"network": connection.network, "revoked": revoked, "offboarding": True},
        )
    ConnectionAttempt.objects.filter(user=user).delete()
    return count


def _needs_refresh(connection: Connection, now: datetime) -> bool:
    return bool(
        connection.refresh_token
        and connection.token_expires_at
        and connection.token_expires_at <= now + REFRESH_MARGIN
    )


@sensitive_variables("tokens", "app")
def _refresh_call(connection: Connection) -> Tokens:
    if connection.network == Network.BLUESKY:
        return bluesky.refresh(
            service_url=connection.service_url, refresh_token=connection.refresh_token
        )
    if connection.network in (Network.LINKEDIN, Network.X):
        app = network_app_for(connection.network)
        module = linkedin if connection.network == Network.LINKEDIN else x
        return module.refresh(
            client_id=app.client_id,
            client_secret=app.client_secret,
            refresh_token=connection.refresh_token,
        )
    raise AuthRevoked(gettext_lazy("This connection cannot be renewed."))


@sensitive_variables("tokens")
def connection_fresh(*, connection_id: int) -> Connection:
    """The connection with an access token good for a while, refreshed first when needed.

    Two workers refreshing at once: the row lock makes the second wait, and it then finds the
    new token and makes no call of its own. The rotated refresh token is saved in the same
    transaction as the call that returned it. Raises ``AuthRevoked`` (after marking the
    connection "reconnect needed") or ``NetworkUnavailable``.
    """
    now = timezone.now()
    connection = Connection.objects.select_related("user").get(pk=connection_id)
    if connection.state != Connection.State.CONNECTED:
        raise AuthRevoked(gettext_lazy("This account needs to be connected again."))
    if connection.expires_at and connection.expires_at <= now and not connection.refresh_token:
        connection_mark_reconnect(connection_id=connection.pk, reason="expired")
        raise AuthRevoked(gettext_lazy("This connection has expired."))
    if not _needs_refresh(connection, now):
        return connection
    revoked = None
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection_id)
        if connection.state != Connection.State.CONNECTED:
            raise AuthRevoked(gettext_lazy("This account needs to be connected again."))
        if not _needs_refresh(connection, timezone.now()):
            return connection
        try:
            tokens = _refresh_call(connection)
        except AuthRevoked as exc:
            revoked = exc
        else:
            now = timezone.now()
            connection.access_token = tokens.access
            # X and Bluesky rotate: the old refresh token no longer works.
            connection.refresh_token = tokens.refresh or connection.refresh_token
            connection.token_expires_at = token_expiry(tokens.expires_in, now)
            if connection.network == Network.LINKEDIN and tokens.refresh_expires_in:
                connection.expires_at = token_expiry(tokens.refresh_expires_in, now)
            connection.save(
                update_fields=[
                    "access_token",
                    "refresh_token",
                    "token_expires_at",
                    "expires_at",
                    "updated_at",
                ]
            )
    if revoked is not None:
        connection_mark_reconnect(connection_id=connection_id, reason="invalid_grant")
        raise revoked
    return connection


def connection_mark_reconnect(*, connection_id: int, reason: str) -> bool:
    """The network no longer accepts the connection: mark it "reconnect needed", drop its
    tokens and tell the person once. True when this call made the change."""
    now = timezone.now()
    with transaction.atomic():
        changed = Connection.objects.filter(
            pk=connection_id, state=Connection.State.CONNECTED
        ).update(
            state=Connection.State.RECONNECT_NEEDED,
            access_token="",
            refresh_token="",
            token_expires_at=None,
            last_error=reason[:300],
            updated_at=now,
        )
        if not changed:
            return False
        connection = Connection.objects.get(pk=connection_id)
        connection_broken_announce(connection=connection, now=now)
    return True
