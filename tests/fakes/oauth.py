"""The OAuth 2.0 authorization-code grant the fakes of Mastodon, LinkedIn and X share:
registered apps, auto-approved codes, single-use redemption with the PKCE check (RFC 7636).
Each network wraps these in its own parameters and error bodies."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tests.fakes.base import FakeNetwork


@dataclass
class App:
    client_id: str
    client_secret: str | None  # None: a public client
    redirect_uris: list[str]
    scopes: tuple[str, ...] = ()
    name: str = "App"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Grant:
    code: str
    client_id: str
    redirect_uri: str
    scopes: list[str]
    account_id: str
    challenge: str | None
    method: str
    expires_at: float
    used: bool = False


def pkce_matches(verifier: str | None, challenge: str, method: str) -> bool:
    if not verifier:
        return False
    if method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge
    return verifier == challenge


class OAuthServer(FakeNetwork):
    code_ttl: ClassVar[float] = 600.0

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.apps: dict[str, App] = {}  # by client_id
        self.grants: dict[str, Grant] = {}

    def _add_app(self, app: App) -> App:
        with self.lock:
            self.apps[app.client_id] = app
        return app

    def _redirect_ok(self, app: App, uri: str) -> bool:
        """Exact match; an app registered without redirect URIs takes any http(s) redirect to
        this machine, which only the demo wants."""
        if app.redirect_uris:
            return uri in app.redirect_uris
        return bool(re.match(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/", uri))

    def _app(self, client_id: str | None, secret: str | None) -> App | None:
        """The app whose credentials these are (a public app needs no secret)."""
        app = self.apps.get(client_id or "")
        if app is None or app.client_secret is None:
            return app if secret is None else None
        matches = secrets.compare_digest(app.client_secret.encode(), (secret or "").encode())
        return app if matches else None

    def issue_code(
        self, app: App, redirect_uri: str, scopes: list[str], challenge: str | None, method: str
    ) -> Grant:
        grant = Grant(
            code=secrets.token_urlsafe(32),
            client_id=app.client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            account_id=self.current_user().id,
            challenge=challenge,
            method=method,
            expires_at=time.time() + self.code_ttl,
        )
        self.grants[grant.code] = grant
        return grant

    def redeem_code(
        self, code: str | None, app: App, redirect_uri: str | None, verifier: str | None
    ) -> Grant | None:
        """The grant, once: a code is spent by its first redemption, even a failed one."""
        grant = self.grants.get(code or "")
        if grant is None or grant.used:
            return None
        grant.used = True
        if (
            grant.expires_at < time.time()
            or grant.client_id != app.client_id
            or grant.redirect_uri != redirect_uri
            or (grant.challenge and not pkce_matches(verifier, grant.challenge, grant.method))
        ):
            return None
        return grant
