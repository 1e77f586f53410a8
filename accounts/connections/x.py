"""X: OAuth 2 authorization code with PKCE, scopes ``tweet.read tweet.write users.read
offline.access``. Access tokens live two hours; refresh tokens are single use: every
refresh answers the next one, which is stored in the same transaction (see
``connection_access_token``) so it is never lost.
"""

from __future__ import annotations

import base64

from django.conf import settings
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
    token_request,
)

SCOPES = "tweet.read tweet.write users.read offline.access"


@sensitive_variables()
def _basic(client_id: str, client_secret: str) -> dict[str, str]:
    """Confidential clients authenticate with Basic auth; public ones send their id only."""
    if not client_secret:
        return {}
    pair = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def authorize_url(*, client_id: str, redirect_uri: str, state: str, verifier: str) -> str:
    return authorize_url_for(
        f"{settings.X_AUTHORIZE_URL}/i/oauth2/authorize",
        client_id=client_id,
        redirect_uri=redirect_uri,
        scope=SCOPES,
        state=state,
        verifier=verifier,
    )


def _tokens(data: dict) -> Tokens:
    return Tokens(
        access=data["access_token"],
        refresh=data.get("refresh_token", ""),
        expires_in=data.get("expires_in"),
        scopes=data.get("scope", ""),
    )


@sensitive_variables()
def exchange_code(
    *, client_id: str, client_secret: str, redirect_uri: str, code: str, verifier: str
) -> Tokens:
    data = code_exchange(
        f"{settings.X_API_URL}/2/oauth2/token",
        headers=_basic(client_id, client_secret),
        client_id=client_id,
        redirect_uri=redirect_uri,
        code=code,
        verifier=verifier,
        refused=_("X did not accept the sign-in; please try again."),
    )
    return _tokens(data)


@sensitive_variables()
def refresh(*, client_id: str, client_secret: str, refresh_token: str) -> Tokens:
    data = token_request(
        f"{settings.X_API_URL}/2/oauth2/token",
        headers=_basic(client_id, client_secret),
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
        },
        refused=_("X did not renew the connection."),
        revoked=_("X no longer accepts this connection."),
    )
    return _tokens(data)


@sensitive_variables()
def identity(*, access_token: str) -> Identity:
    response = call(
        "GET",
        f"{settings.X_API_URL}/2/users/me",
        params={"user.fields": "public_metrics"},
        headers={"Authorization": f"Bearer {access_token}"},
    )
    if response.status in (401, 403):
        raise AuthRevoked(_("X no longer accepts this connection."))
    data = body_of(response).get("data") or {}
    if not response.ok or not data.get("id"):
        raise ConnectError(_("X did not say who you are; please try again."))
    metrics = data.get("public_metrics") or {}
    return Identity(
        remote_id=str(data["id"]),
        handle=data.get("username", ""),
        followers=metrics.get("followers_count"),
    )


@sensitive_variables()
def revoke(*, client_id: str, client_secret: str, token: str) -> bool:
    response = call(
        "POST",
        f"{settings.X_API_URL}/2/oauth2/revoke",
        headers=_basic(client_id, client_secret),
        data={"token": token, "client_id": client_id, "token_type_hint": "access_token"},
    )
    return response.ok
