"""Bluesky: a handle and an app password (never the main password), createSession,
refreshSession; the PDS is resolved from the handle, with a configurable default service.

Resolution: the default service's com.atproto.identity.resolveHandle gives the DID; the
PLC directory's DID document names the account's PDS (#atproto_pds). Sessions are JWTs;
refreshSession rotates the refresh token and the old one stops working.
"""

from __future__ import annotations

import base64
import json
import re
import time

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.connections.base import (
    AuthRevoked,
    ConnectError,
    Identity,
    Tokens,
    body_of,
    call,
)
from ambassador import apiclient

HANDLE_RE = re.compile(r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*$")
APP_PASSWORD_RE = re.compile(r"^[a-z0-9]{4}(-[a-z0-9]{4}){3}$")


def normalise_handle(value: str) -> str:
    handle = value.strip().lower().removeprefix("@")
    if not HANDLE_RE.match(handle):
        raise ConnectError(_("Enter your Bluesky handle, for example alice.bsky.social."))
    return handle


def _jwt_expiry(token: str) -> int | None:
    """Seconds until a JWT's ``exp``; None when it cannot be read (the PDS decides)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return max(0, int(claims["exp"]) - int(time.time()))
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def resolve_pds(handle: str) -> tuple[str, str]:
    """(did, PDS URL) of ``handle``."""
    service = settings.BLUESKY_DEFAULT_SERVICE
    response = call(
        "GET",
        f"{service}/xrpc/com.atproto.identity.resolveHandle",
        params={"handle": handle},
    )
    did = body_of(response).get("did", "")
    if not response.ok or not did.startswith("did:"):
        raise ConnectError(_("No Bluesky account has this handle."))
    if did.startswith("did:plc:"):
        response = call("GET", f"{settings.BLUESKY_PLC_DIRECTORY}/{did}")
        document = body_of(response)
    else:
        document = {}
    for service_entry in document.get("service", []):
        if service_entry.get("id", "").endswith("#atproto_pds"):
            endpoint = str(service_entry.get("serviceEndpoint", "")).rstrip("/")
            if apiclient.url_is_acceptable(endpoint):
                return did, endpoint
    return did, service


def _tokens(data: dict) -> Tokens:
    access, refresh = data.get("accessJwt", ""), data.get("refreshJwt", "")
    return Tokens(
        access=access,
        refresh=refresh,
        expires_in=_jwt_expiry(access),
        refresh_expires_in=_jwt_expiry(refresh),
        extra={"did": data.get("did", ""), "handle": data.get("handle", "")},
    )


@sensitive_variables()
def create_session(*, service_url: str, handle: str, app_password: str) -> Tokens:
    response = call(
        "POST",
        f"{service_url}/xrpc/com.atproto.server.createSession",
        json={"identifier": handle, "password": app_password},
    )
    data = body_of(response)
    if response.status == 401:
        raise ConnectError(_("Bluesky did not accept this handle and app password."))
    if not response.ok or not data.get("accessJwt"):
        raise ConnectError(_("Bluesky did not start a session; please try again."))
    return _tokens(data)


@sensitive_variables()
def refresh(*, service_url: str, refresh_token: str) -> Tokens:
    response = call(
        "POST",
        f"{service_url}/xrpc/com.atproto.server.refreshSession",
        headers={"Authorization": f"Bearer {refresh_token}"},
    )
    data = body_of(response)
    if response.status in (400, 401) and data.get("error") in (
        "ExpiredToken",
        "InvalidToken",
        "AuthenticationRequired",
        "AuthMissing",
    ):
        raise AuthRevoked(_("Bluesky ended this session."))
    if not response.ok or not data.get("accessJwt"):
        raise ConnectError(_("Bluesky did not renew the session."))
    return _tokens(data)


@sensitive_variables()
def identity(*, service_url: str, access_token: str, did: str) -> Identity:
    response = call(
        "GET",
        f"{service_url}/xrpc/app.bsky.actor.getProfile",
        params={"actor": did},
        headers={"Authorization": f"Bearer {access_token}"},
    )
    data = body_of(response)
    if response.status in (400, 401) and data.get("error") in ("ExpiredToken", "InvalidToken"):
        raise AuthRevoked(_("Bluesky ended this session."))
    if not response.ok or not data.get("did"):
        raise ConnectError(_("Bluesky did not show the profile; please try again."))
    return Identity(
        remote_id=data["did"], handle=data.get("handle", ""), followers=data.get("followersCount")
    )


@sensitive_variables()
def revoke(*, service_url: str, refresh_token: str) -> bool:
    response = call(
        "POST",
        f"{service_url}/xrpc/com.atproto.server.deleteSession",
        headers={"Authorization": f"Bearer {refresh_token}"},
    )
    return response.ok


def is_app_password_session(access_token: str) -> bool:
    """A session made with an app password carries the ``com.atproto.appPass`` scope; one
    made with the main password carries full access, which the app must not hold."""
    try:
        payload = access_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, TypeError, ValueError):
        return False
    return claims.get("scope") in ("com.atproto.appPass", "com.atproto.appPassPrivileged")
