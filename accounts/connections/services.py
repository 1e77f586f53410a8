"""Writes for connected accounts: connect, disconnect, refresh, reconnect-needed, followers,
offboarding, and the admin's network settings. Keyword-only; tokens never leave these
functions except to the network modules, and never reach a log or an audit row.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from accounts.audit import AuditAction
from accounts.connections import bluesky, linkedin, mastodon, x
from accounts.connections.base import (
    AuthRevoked,
    ConnectError,
    Identity,
    NetworkUnavailable,
    Tokens,
    new_verifier,
)
from accounts.models import (
    Connection,
    ConnectionAttempt,
    FollowerReading,
    MastodonApp,
    NetworkApp,
    SocialProfile,
    User,
)
from accounts.services import audit_record, notification_create
from ambassador.networks import Network

ATTEMPT_VALID_FOR = timedelta(minutes=15)
# An access token this close to running out is refreshed before use.
REFRESH_MARGIN = timedelta(minutes=5)
FOLLOWERS_EVERY = timedelta(days=1)
NOTIFICATION_KIND_RECONNECT = "connection_reconnect"

__all__ = [
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
    "network_app_save",
]


# --- Programme settings ------------------------------------------------------------------


def network_app_for(network: str) -> NetworkApp:
    """The programme's settings for ``network`` (switched on, no credentials, when unsaved)."""
    return NetworkApp.objects.filter(network=network).first() or NetworkApp(network=network)


@sensitive_variables("client_secret")
@transaction.atomic
def network_app_save(
    *, network: str, enabled: bool, client_id: str, client_secret: str, by: User
) -> NetworkApp:
    """Save an admin's settings for ``network``. An empty ``client_secret`` keeps the stored one."""
    app = NetworkApp.objects.select_for_update().filter(network=network).first()
    app = app or NetworkApp(network=network)
    app.enabled = enabled
    app.client_id = client_id.strip()
    if client_secret.strip():
        app.client_secret = client_secret.strip()
    app.updated_by = by
    app.save()
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=app,
        detail={
            "network": network,
            "enabled": enabled,
            "client_id_set": bool(app.client_id),
            "secret_changed": bool(client_secret.strip()),
        },
    )
    return app


def _available_app(network: str) -> NetworkApp:
    app = network_app_for(network)
    status = app.availability
    if status == NetworkApp.Availability.OFF:
        raise ConnectError(gettext_lazy("Your programme has switched this network off."))
    if status == NetworkApp.Availability.NOT_SET_UP:
        raise ConnectError(gettext_lazy("This network is not set up by your programme yet."))
    if status == NetworkApp.Availability.UNAVAILABLE:
        raise ConnectError(gettext_lazy("This network cannot be connected."))
    return app


def _redirect_uri(network: str) -> str:
    return settings.SITE_URL + reverse("accounts:connection_callback", args=[network.lower()])


# --- Connecting --------------------------------------------------------------------------


@sensitive_variables("client_secret")
def _mastodon_app(*, instance_url: str, redirect_uri: str) -> MastodonApp:
    """The app's registration on ``instance_url``: made once, reused after."""
    existing = MastodonApp.objects.filter(instance_url=instance_url).first()
    if existing and existing.redirect_uri == redirect_uri and existing.scopes == mastodon.SCOPES:
        return existing
    client_id, client_secret = mastodon.register_app(
        instance_url=instance_url, redirect_uri=redirect_uri, website=settings.SITE_URL
    )
    try:
        with transaction.atomic():
            app, _created = MastodonApp.objects.update_or_create(
                instance_url=instance_url,
                defaults={
                    "client_id": client_id,
                    "client_secret": client_secret,
                    "redirect_uri": redirect_uri,
                    "scopes": mastodon.SCOPES,
                },
            )
    except IntegrityError:  # someone else registered at the same moment: use theirs
        app = MastodonApp.objects.get(instance_url=instance_url)
    return app


@sensitive_variables("verifier")
def connection_start(*, user: User, network: str, instance_url: str = "") -> str:
    """Start an OAuth connect flow; returns the network's authorize URL to send the person to."""
    if network == Network.BLUESKY:
        raise ConnectError(gettext_lazy("Bluesky connects with a handle and an app password."))
    app = _available_app(network)
    state, verifier = secrets.token_urlsafe(32), new_verifier()
    redirect_uri = _redirect_uri(network)
    service_url = ""
    if network == Network.MASTODON:
        service_url = mastodon.normalise_instance(instance_url)
        registration = _mastodon_app(instance_url=service_url, redirect_uri=redirect_uri)
        url = mastodon.authorize_url(
            instance_url=service_url,
            client_id=registration.client_id,
            redirect_uri=redirect_uri,
            state=state,
            verifier=verifier,
        )
    else:
        module = linkedin if network == Network.LINKEDIN else x
        url = module.authorize_url(
            client_id=app.client_id, redirect_uri=redirect_uri, state=state, verifier=verifier
        )
    ConnectionAttempt.objects.create(
        state=state,
        user=user,
        network=network,
        code_verifier=verifier,
        redirect_uri=redirect_uri,
        service_url=service_url,
    )
    return url


def _claim_attempt(*, user: User, network: str, state: str) -> ConnectionAttempt | None:
    """The attempt behind ``state``, for exactly one callback of the person who started it."""
    if not state:
        return None
    now = timezone.now()
    claimed = ConnectionAttempt.objects.filter(
        state=state,
        user=user,
        network=network,
        used_at__isnull=True,
        created_at__gte=now - ATTEMPT_VALID_FOR,
    ).update(used_at=now)
    return ConnectionAttempt.objects.get(state=state) if claimed else None


@sensitive_variables("tokens", "client_secret", "code")
def connection_complete(
    *, user: User, network: str, state: str, code: str, error: str = ""
) -> Connection:
    """The network sent the person back: check ``state``, redeem ``code``, link the account."""
    attempt = _claim_attempt(user=user, network=network, state=state)
    if attempt is None:
        raise ConnectError(
            gettext_lazy("This connection link is no longer valid. Please start again.")
        )
    if error or not code:
        raise ConnectError(gettext_lazy("The connection was not allowed, so nothing changed."))
    verifier = attempt.code_verifier
    if network == Network.MASTODON:
        registration = MastodonApp.objects.get(instance_url=attempt.service_url)
        tokens = mastodon.exchange_code(
            instance_url=attempt.service_url,
            client_id=registration.client_id,
            client_secret=registration.client_secret,
            redirect_uri=attempt.redirect_uri,
            code=code,
            verifier=verifier,
        )
        identity = mastodon.identity(instance_url=attempt.service_url, access_token=tokens.access)
    else:
        app = _available_app(network)
        module = linkedin if network == Network.LINKEDIN else x
        tokens = module.exchange_code(
            client_id=app.client_id,
            client_secret=app.client_secret,
            redirect_uri=attempt.redirect_uri,
            code=code,
            verifier=verifier,
        )
        identity = module.identity(access_token=tokens.access)
    return _link(
        user=user,
        network=network,
        service_url=attempt.service_url,
        identity=identity,
        tokens=tokens,
    )


@sensitive_variables("app_password", "tokens")
def connection_bluesky_connect(*, user: User, handle: str, app_password: str) -> Connection:
    """Connect Bluesky with a handle and an app password; the main password is refused."""
    _available_app(Network.BLUESKY)
    handle = bluesky.normalise_handle(handle)
    did, service_url = bluesky.resolve_pds(handle)
    tokens = bluesky.create_session(
        service_url=service_url, handle=handle, app_password=app_password.strip()
    )
    if not bluesky.is_app_password_session(tokens.access):
        bluesky.revoke(service_url=service_url, refresh_token=tokens.refresh)
        raise ConnectError(
            gettext_lazy(
                "That is your main Bluesky password. Make an app password under Settings → "
                "Privacy and security → App passwords and use that instead."
            )
        )
    identity = bluesky.identity(service_url=service_url, access_token=tokens.access, did=did)
    return _link(
        user=user,
        network=Network.BLUESKY,
        service_url=service_url,
        identity=identity,
        tokens=tokens,
    )


def _expires(seconds: int | None, now: datetime) -> datetime | None:
    return now + timedelta(seconds=int(seconds)) if seconds else None


def _taken_by_someone_else(*, user: User, network: str, service_url: str, remote_id: str) -> bool:
    return (
        Connection.objects.live()
        .filter(network=network, service_url=service_url, remote_id=remote_id)
        .exclude(user=user)
        .exists()
    )


@sensitive_variables("tokens")
def _link(
    *, user: User, network: str, service_url: str, identity: Identity, tokens: Tokens
) -> Connection:
    """Store the connection, unless another employee already connected this account."""
    refusal = ConnectError(
        gettext_lazy("This account is already connected by someone else in your programme.")
    )
    if _taken_by_someone_else(
        user=user, network=network, service_url=service_url, remote_id=identity.remote_id
    ):
        _revoke_tokens(network=network, service_url=service_url, tokens=tokens)
        raise refusal
    now = timezone.now()
    try:
        with transaction.atomic():
            connection, _created = Connection.objects.update_or_create(
                user=user,
                network=network,
                defaults={
                    "state": Connection.State.CONNECTED,
                    "handle": identity.handle[:200],
                    "remote_id": identity.remote_id,
                    "service_url": service_url,
                    "scopes": tokens.scopes[:300],
                    "access_token": tokens.access,
                    "refresh_token": tokens.refresh,
                    "token_expires_at": _expires(tokens.expires_in, now),
                    "expires_at": _expires(tokens.refresh_expires_in, now)
                    if network in (Network.LINKEDIN,)
                    else None,
                    "last_error": "",
                    "connected_at": now,
                    "next_followers_at": now + FOLLOWERS_EVERY,
                },
            )
            _profile_update(connection=connection, followers=identity.followers, at=now)
            audit_record(
                actor=user,
                action=AuditAction.CONNECTION_ADDED,
                target=connection,
                detail={"network": network, "handle": connection.handle[:100]},
            )
    except IntegrityError:  # connected by someone else in the same instant
        _revoke_tokens(network=network, service_url=service_url, tokens=tokens)
        raise refusal from None
    return connection


def _profile_update(*, connection: Connection, followers: int | None, at: datetime) -> None:
    """Keep the person's social profile (read by the share flow) in step with the account."""
    defaults = {"handle": connection.handle[:200]}
    if connection.network == Network.MASTODON:
        defaults["instance_url"] = connection.service_url
    if followers is not None:
        defaults["followers_count"] = max(0, int(followers))
    SocialProfile.objects.update_or_create(
        user_id=connection.user_id, network=connection.network, defaults=defaults
    )
    if followers is not None:
        Connection.objects.filter(pk=connection.pk).update(
            followers_count=max(0, int(followers)), followers_read_at=at
        )
        connection.followers_count, connection.followers_read_at = max(0, int(followers)), at
        FollowerReading.objects.create(
            user_id=connection.user_id,
            network=connection.network,
            followers=max(0, int(followers)),
            source=FollowerReading.Source.API,
            read_at=at,
        )


# --- Revoking, disconnecting, offboarding --------------------------------------------------


@sensitive_variables("tokens", "app")
def _revoke_tokens(*, network: str, service_url: str, tokens: Tokens) -> bool:
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


def _forget(connection: Connection) -> None:
    Connection.objects.filter(pk=connection.pk).update(
        state=Connection.State.DISCONNECTED,
        access_token="",
        refresh_token="",
        token_expires_at=None,
        expires_at=None,
        next_followers_at=None,
        updated_at=timezone.now(),
    )


def connection_disconnect(*, user: User, network: str) -> bool:
    """Revoke the person's tokens on ``network`` where it can, then delete them."""
    connection = Connection.objects.live().filter(user=user, network=network).first()
    if connection is None:
        return False
    revoked = _revoke_tokens(
        network=network, service_url=connection.service_url, tokens=_tokens_of(connection)
    )
    with transaction.atomic():
        _forget(connection)
        audit_record(
            actor=user,
            action=AuditAction.CONNECTION_REMOVED,
            target=connection,
            detail={"network": network, "revoked": revoked},
        )
    return True


def connections_offboard(*, user: User, by: User | None) -> int:
    """Offboarding: revoke every token where the network can, and delete them all."""
    count = 0
    for connection in Connection.objects.filter(user=user):
        revoked = False
        if connection.state != Connection.State.DISCONNECTED:
            revoked = _revoke_tokens(
                network=connection.network,
                service_url=connection.service_url,
                tokens=_tokens_of(connection),
            )
            count += 1
        with transaction.atomic():
            _forget(connection)
            audit_record(
                actor=by,
                action=AuditAction.CONNECTION_REMOVED,
                target=connection,
                detail={"network": connection.network, "revoked": revoked, "offboarding": True},
            )
    ConnectionAttempt.objects.filter(user=user).delete()
    return count


# --- Using a connection: fresh tokens, reconnect needed ----------------------------------


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
            connection.token_expires_at = _expires(tokens.expires_in, now)
            if connection.network == Network.LINKEDIN and tokens.refresh_expires_in:
                connection.expires_at = _expires(tokens.refresh_expires_in, now)
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
    with transaction.atomic():
        changed = Connection.objects.filter(
            pk=connection_id, state=Connection.State.CONNECTED
        ).update(
            state=Connection.State.RECONNECT_NEEDED,
            access_token="",
            refresh_token="",
            token_expires_at=None,
            last_error=reason[:300],
            updated_at=timezone.now(),
        )
        if not changed:
            return False
        connection = Connection.objects.select_related("user").get(pk=connection_id)
        user = connection.user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            notification_create(
                recipient=user,
                kind=NOTIFICATION_KIND_RECONNECT,
                title=_("Connect %(network)s again")
                % {"network": connection.get_network_display()},
                body=_(
                    "%(network)s no longer accepts the connection to %(handle)s. Connect it "
                    "again to keep posting and measuring from Ambassador."
                )
                % {"network": connection.get_network_display(), "handle": connection.handle},
                url=reverse("accounts:connections"),
            )
    return True


# --- Followers ---------------------------------------------------------------------------


@transaction.atomic
def follower_reading_record(
    *, user: User, network: str, followers: int, source: str, read_at: datetime | None = None
) -> FollowerReading:
    """A dated follower count; the person's social profile takes it as the current one."""
    read_at = read_at or timezone.now()
    reading = FollowerReading.objects.create(
        user=user, network=network, followers=followers, source=source, read_at=read_at
    )
    SocialProfile.objects.update_or_create(
        user=user, network=network, defaults={"followers_count": followers}
    )
    if source == FollowerReading.Source.API:
        Connection.objects.filter(user=user, network=network).update(
            followers_count=followers, followers_read_at=read_at
        )
    return reading


def connection_read_followers(*, connection_id: int) -> int | None:
    """Read the account's follower count from the network and record it (Mastodon,
    Bluesky, X; LinkedIn does not report it to this app). None when not read."""
    connection = connection_fresh(connection_id=connection_id)
    try:
        if connection.network == Network.MASTODON:
            identity = mastodon.identity(
                instance_url=connection.service_url, access_token=connection.access_token
            )
        elif connection.network == Network.BLUESKY:
            identity = bluesky.identity(
                service_url=connection.service_url,
                access_token=connection.access_token,
                did=connection.remote_id,
            )
        elif connection.network == Network.X:
            identity = x.identity(access_token=connection.access_token)
        else:
            return None
    except AuthRevoked:
        connection_mark_reconnect(connection_id=connection.pk, reason="401")
        raise
    if identity.followers is None:
        return None
    follower_reading_record(
        user=connection.user,
        network=connection.network,
        followers=max(0, int(identity.followers)),
        source=FollowerReading.Source.API,
    )
    return identity.followers


def followers_claim_due(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Claim the connections whose daily follower read is due: each id is returned to one
    caller only (conditional UPDATE), and is next due a day later."""
    now = now or timezone.now()
    due = list(
        Connection.objects.usable()
        .filter(
            next_followers_at__lte=now, network__in=(Network.MASTODON, Network.BLUESKY, Network.X)
        )
        .order_by("next_followers_at")
        .values_list("pk", "next_followers_at")[:limit]
    )
    claimed = []
    for pk, seen in due:
        if Connection.objects.filter(pk=pk, next_followers_at=seen).update(
            next_followers_at=now + FOLLOWERS_EVERY
        ):
            claimed.append(pk)
    return claimed


def followers_read_due(*, now: datetime | None = None) -> int:
    """One beat tick: read followers for every claimed connection. A network that is down
    is asked again in an hour; one that refused the token marks it "reconnect needed"."""
    count = 0
    for pk in followers_claim_due(now=now):
        try:
            if connection_read_followers(connection_id=pk) is not None:
                count += 1
        except AuthRevoked:
            continue
        except NetworkUnavailable as exc:
            wait = timedelta(seconds=max(exc.retry_after or 0, 3600))
            Connection.objects.filter(pk=pk).update(next_followers_at=timezone.now() + wait)
        except ConnectError as exc:
            Connection.objects.filter(pk=pk).update(last_error=str(exc.message)[:300])
    return count
