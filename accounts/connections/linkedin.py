"""LinkedIn: OAuth 2 (3-legged) with OpenID Connect, scopes ``openid profile email
w_member_social``; the identity from /v2/userinfo. The client id and secret are entered by
an admin in the app. Member tokens last about 60 days; refresh tokens exist only for
approved partners, so the connection usually expires and the person connects again.
"""

from __future__ import annotations

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

SCOPES = "openid profile email w_member_social"


def authorize_url(*, client_id: str, redirect_uri: str, state: str, verifier: str) -> str:
    return authorize_url_for(
        f"{settings.LINKEDIN_OAUTH_URL}/oauth/v2/authorization",
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
        # Without a refresh token the connection ends with the access token.
        refresh_expires_in=data.get("refresh_token_expires_in", data.get("expires_in")),
        scopes=str(data.get("scope", "")).replace(",", " "),
    )


@sensitive_variables()
def exchange_code(
    *, client_id: str, client_secret: str, redirect_uri: str, code: str, verifier: str
) -> Tokens:
    data = code_exchange(
        f"{settings.LINKEDIN_OAUTH_URL}/oauth/v2/accessToken",
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
        code=code,
        verifier=verifier,
        refused=_("LinkedIn did not accept the sign-in; please try again."),
    )
    return _tokens(data)


@sensitive_variables()
def refresh(*, client_id: str, client_secret: str, refresh_token: str) -> Tokens:
    data = token_request(
        f"{settings.LINKEDIN_OAUTH_URL}/oauth/v2/accessToken",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        },
        refused=_("LinkedIn did not renew the connection."),
        revoked=_("LinkedIn no longer accepts this connection."),
    )
    return _tokens(data)


@sensitive_variables()
def identity(*, access_token: str) -> Identity:
    response = call(
        "GET",
        f"{settings.LINKEDIN_API_URL}/v2/userinfo",
        headers={"Authorization": f"Bearer {access_token}"},
    )
    if response.status == 401:
        raise AuthRevoked(_("LinkedIn no longer accepts this connection."))
    data = body_of(response)
    if not response.ok or not data.get("sub"):
        raise ConnectError(_("LinkedIn did not say who you are; please try again."))
    # LinkedIn has no public handle through this API: the name stands in for it.
    return Identity(remote_id=data["sub"], handle=data.get("name") or data.get("email", ""))


@sensitive_variables()
def revoke(*, client_id: str, client_secret: str, token: str) -> bool:
    response = call(
        "POST",
        f"{settings.LINKEDIN_OAUTH_URL}/oauth/v2/revoke",
        data={"client_id": client_id, "client_secret": client_secret, "token": token},
    )
    return response.ok
