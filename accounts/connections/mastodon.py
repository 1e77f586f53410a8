"""Mastodon: one app registration per instance (POST /api/v1/apps), then the OAuth 2
authorization-code flow with state and PKCE, and verify_credentials for the identity.

Mastodon issues no refresh tokens and its access tokens do not expire; a revoked one
answers 401. Revocation is POST /oauth/revoke.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.connections.base import (
    AuthRevoked,
    ConnectError,
    Identity,
    Tokens,
    authorize_url_for,
    body_of,
    call,
    code_exchange,
)
from ambassador import apiclient

# Only what the app uses: the profile, reading its own posts back, and posting.
SCOPES = "read:accounts read:statuses write:statuses"
CLIENT_NAME = "Ambassador"


def normalise_instance(value: str) -> str:
    """``mastodon.social``, ``@me@mastodon.social`` or ``https://mastodon.social/`` →
    ``https://mastodon.social``. Raises ConnectError for anything that is not a host."""
    value = value.strip()
    if "@" in value and "://" not in value:
        value = value.rsplit("@", 1)[1]
    if "://" not in value:
        value = f"https://{value}"
    parts = urlsplit(value)
    if not parts.hostname or parts.username or parts.password or parts.query:
        raise ConnectError(_("Enter your Mastodon server, for example mastodon.social."))
    if not apiclient.url_is_acceptable(value):
        raise ConnectError(_("Only https:// servers can be connected."))
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}{port}"


@sensitive_variables()
def register_app(*, instance_url: str, redirect_uri: str, website: str) -> tuple[str, str]:
    """(client_id, client_secret) of a new registration on the instance."""
    response = call(
        "POST",
        f"{instance_url}/api/v1/apps",
        data={
            "client_name": CLIENT_NAME,
            "redirect_uris": redirect_uri,
            "scopes": SCOPES,
            "website": website,
        },
    )
    data = body_of(response)
    if not response.ok or not data.get("client_id") or not data.get("client_secret"):
        raise ConnectError(_("This Mastodon server did not accept the app's registration."))
    return str(data["client_id"]), str(data["client_secret"])


def authorize_url(
    *, instance_url: str, client_id: str, redirect_uri: str, state: str, verifier: str
) -> str:
    return authorize_url_for(
        f"{instance_url}/oauth/authorize",
        client_id=client_id,
        redirect_uri=redirect_uri,
        scope=SCOPES,
        state=state,
        verifier=verifier,
    )


@sensitive_variables()
def exchange_code(
    *,
    instance_url: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    code: str,
    verifier: str,
) -> Tokens:
    data = code_exchange(
        f"{instance_url}/oauth/token",
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
        code=code,
        verifier=verifier,
        extra={"scope": SCOPES},
        refused=_("Mastodon did not accept the sign-in; please try again."),
    )
    return Tokens(access=data["access_token"], scopes=data.get("scope", SCOPES))


@sensitive_variables()
def identity(*, instance_url: str, access_token: str) -> Identity:
    response = call(
        "GET",
        f"{instance_url}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {access_token}"},
    )
    if response.status in (401, 403):
        raise AuthRevoked(_("Mastodon no longer accepts this connection."))
    data = body_of(response)
    if not response.ok or not data.get("id"):
        raise ConnectError(_("Mastodon did not say who you are; please try again."))
    host = urlsplit(instance_url).hostname
    return Identity(
        remote_id=str(data["id"]),
        handle=f"{data.get('acct') or data.get('username')}@{host}",
        followers=data.get("followers_count"),
    )


@sensitive_variables()
def revoke(*, instance_url: str, client_id: str, client_secret: str, token: str) -> bool:
    response = call(
        "POST",
        f"{instance_url}/oauth/revoke",
        data={"client_id": client_id, "client_secret": client_secret, "token": token},
    )
    return response.ok
