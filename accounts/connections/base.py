"""What every network module shares: results, errors and the HTTP call."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from ambassador import apiclient


@dataclass
class Identity:
    remote_id: str
    handle: str
    followers: int | None = None


@dataclass
class Tokens:
    access: str
    refresh: str = ""
    expires_in: int | None = None  # seconds the access token lives
    refresh_expires_in: int | None = None  # seconds until the person must connect again
    scopes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<Tokens expires_in={self.expires_in}>"


class ConnectError(Exception):
    """The network refused or failed; ``message`` is a translated sentence for the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class AuthRevoked(ConnectError):
    """The grant is gone (invalid_grant, a revoked or expired token, 401): reconnect needed."""


class NetworkUnavailable(ConnectError):
    """A timeout, a 5xx, a 429: try again later."""

    def __init__(self, message, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def new_verifier() -> str:
    return secrets.token_urlsafe(48)


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_url_for(
    endpoint: str, *, client_id: str, redirect_uri: str, scope: str, state: str, verifier: str
) -> str:
    """The authorization-code request (with ``state`` and a PKCE S256 challenge) at ``endpoint``."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    return f"{endpoint}?{query}"


def _reset_seconds(value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    if value.replace(".", "", 1).isdigit():
        number = float(value)
        # A Unix time (X, Bluesky) or a number of seconds.
        return number - time.time() if number > 1_000_000_000 else number
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() - time.time()
    except ValueError:
        return None


def rate_limit_wait(headers: dict[str, str]) -> float | None:
    """Seconds until the next call is allowed when the rate-limit headers say none is
    left (X's x-rate-limit-*, Mastodon's X-RateLimit-*, Bluesky's RateLimit-*)."""
    for prefix in ("x-rate-limit-", "x-ratelimit-", "ratelimit-"):
        remaining = headers.get(f"{prefix}remaining")
        if remaining is not None and remaining.strip().isdigit() and int(remaining) <= 0:
            wait = _reset_seconds(headers.get(f"{prefix}reset", ""))
            return max(wait or 60.0, 1.0)
    return None


def retry_after_seconds(headers: dict[str, str]) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or an HTTP date), or else from the
    rate-limit headers: X answers a 429 with ``x-rate-limit-reset`` only."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return rate_limit_wait(headers)
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@sensitive_variables()
def call(method: str, url: str, **kwargs) -> apiclient.ApiResponse:
    """One API call; transport failures become ``NetworkUnavailable``, 5xx and 429 too."""
    try:
        response = apiclient.request(method, url, **kwargs)
    except apiclient.BlockedURLError as exc:
        raise ConnectError(exc.reason) from exc
    except apiclient.FetchError as exc:
        raise NetworkUnavailable(exc.reason) from exc
    if response.status == 429:
        raise NetworkUnavailable(
            _("The network asks us to slow down; try again in a few minutes."),
            retry_after=retry_after_seconds(response.headers),
        )
    if response.status >= 500:
        raise NetworkUnavailable(_("The network is not answering properly; try again later."))
    return response


def body_of(response: apiclient.ApiResponse) -> dict:
    data = response.json()
    return data if isinstance(data, dict) else {}


@sensitive_variables()
def token_request(
    url: str, *, data: dict[str, str], refused, revoked=None, headers: dict[str, str] | None = None
) -> dict:
    """POST a grant to an OAuth 2 token endpoint; the answer's body when it holds an access
    token. ``refused`` (translated) is the error otherwise; with ``revoked`` given, a 400 or
    401 means the grant itself is gone (renewing a refresh token)."""
    response = call("POST", url, headers=headers, data=data)
    body = body_of(response)
    if revoked is not None and response.status in (400, 401):
        raise AuthRevoked(revoked)
    if not response.ok or not body.get("access_token"):
        raise ConnectError(refused)
    return body


@sensitive_variables()
def code_exchange(
    url: str,
    *,
    client_id: str,
    redirect_uri: str,
    code: str,
    verifier: str,
    refused,
    client_secret: str = "",
    headers: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
) -> dict:
    """The authorization code (with its PKCE verifier) for tokens. ``client_secret`` goes in
    the form body for networks that want it there; others authenticate through ``headers``."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    if client_secret:
        data["client_secret"] = client_secret
    data.update(extra or {})
    return token_request(url, data=data, headers=headers, refused=refused)
