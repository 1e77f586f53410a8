"""Connecting an account: the OAuth flows (Mastodon, LinkedIn, X), Bluesky's app
password, and linking the account to one employee."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from accounts.audit import AuditAction
from accounts.connections import bluesky, linkedin, mastodon, x
from accounts.connections.base import ConnectError, Identity, Tokens, new_verifier
from accounts.connections.services.followers import FOLLOWERS_EVERY, follower_reading_record
from accounts.connections.services.network_apps import available_app, callback_url, mastodon_app
from accounts.connections.services.tokens import revoke_tokens, token_expiry
from accounts.models import (
    Connection,
    ConnectionAttempt,
    FollowerReading,
    MastodonApp,
    SocialProfile,
    User,
)
from accounts.services.audit import audit_record
from ambassador.networks import Network

ATTEMPT_VALID_FOR = timedelta(minutes=15)


@sensitive_variables("verifier")
def connection_start(*, user: User, network: str, instance_url: str = "") -> str:
    """Start an OAuth connect flow; returns the network's authorize URL to send the person to."""
    if network == Network.BLUESKY:
        raise ConnectError(gettext_lazy("Bluesky connects with a handle and an app password."))
    app = available_app(network)
    state, verifier = secrets.token_urlsafe(32), new_verifier()
    redirect_uri = callback_url(network)
    service_url = ""
    if network == Network.MASTODON:
        service_url = mastodon.normalise_instance(instance_url)
        registration = mastodon_app(instance_url=service_url, redirect_uri=redirect_uri)
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
        app = available_app(network)
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
    available_app(Network.BLUESKY)
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
        revoke_tokens(network=network, service_url=service_url, tokens=tokens)
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
                    "token_expires_at": token_expiry(tokens.expires_in, now),
                    "expires_at": token_expiry(tokens.refresh_expires_in, now)
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
        revoke_tokens(network=network, service_url=service_url, tokens=tokens)
        raise refusal from None
    return connection


def _profile_update(*, connection: Connection, followers: int | None, at: datetime) -> None:
    """Keep the person's social profile (read by the share flow) in step with the account."""
    defaults = {"handle": connection.handle[:200]}
    if connection.network == Network.MASTODON:
        defaults["instance_url"] = connection.service_url
    SocialProfile.objects.update_or_create(
        user_id=connection.user_id, network=connection.network, defaults=defaults
    )
    if followers is not None:
        count = max(0, int(followers))
        follower_reading_record(
            user=connection.user,
            network=connection.network,
            followers=count,
            source=FollowerReading.Source.API,
            read_at=at,
        )
        connection.followers_count, connection.followers_read_at = count, at
