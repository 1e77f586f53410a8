"""A fake Bluesky: the subset of an atproto PDS (and of the AppView it proxies to) the app uses,
plus a PLC-directory answer for the DIDs it hosts.

Written from the atproto specifications and lexicons (github.com/bluesky-social/atproto,
atproto.com/specs/xrpc, docs.bsky.app):
- specs/xrpc: error bodies {"error": "...", "message": "..."}, 401 with WWW-Authenticate,
  Bearer auth with access and refresh JWTs, app passwords, cursor pagination
- lexicons com.atproto.server.createSession / refreshSession / deleteSession / getSession,
  com.atproto.identity.resolveHandle (HandleNotFound), com.atproto.repo.createRecord,
  app.bsky.actor.getProfile, app.bsky.feed.getPosts (`uris` maxLength 25),
  app.bsky.feed.getAuthorFeed (limit 1-100, default 50), app.bsky.feed.post
  (text at most 300 graphemes and 3000 bytes; `createdAt` required)
- docs.bsky.app advanced-guides/rate-limits: 3000 calls per 5 minutes, createSession 30 per
  5 minutes, 429 RateLimitExceeded, the draft RateLimit-* headers (named as the reference
  xrpc-server sends them: RateLimit-Limit / -Remaining / -Reset / -Policy)
- did:plc: GET /<did> on the directory answers the DID document whose #atproto_pds service
  names the PDS (point the app's PLC directory setting at this fake)
The error names and status codes the lexicons leave open follow the reference PDS:
a missing token is 401 AuthMissing, a wrong password 401 AuthenticationRequired, an expired
token 400 ExpiredToken, a used or revoked refresh token 400 ExpiredToken "Token has been
revoked". The reference PDS keeps a rotated refresh token usable for two hours; this fake
does not unless `refresh_grace` is set, so a lost rotation shows up in tests. A record key
the client chose and already used fails with 500, as in the reference PDS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time

import regex

from tests.fakes.base import Account, FakeNetwork, Post
from tests.fakes.web import Request, Response, iso, json_response, route

POST_COLLECTION = "app.bsky.feed.post"
B32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"
STATUSES = (400, 401, 403, 404, 429, 500, 501, 502, 503, 504)
NAMES = "InvalidRequest AuthenticationRequired Forbidden NotFound RateLimitExceeded "
NAMES += (
    "InternalServerError MethodNotImplemented UpstreamFailure NotEnoughResources UpstreamTimeout"
)
ERROR_NAMES = dict(zip(STATUSES, NAMES.split(), strict=True))


def xrpc_error(status: int, error: str, message: str, headers: dict | None = None) -> Response:
    return json_response(status, {"error": error, "message": message}, headers)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_cid(data: str) -> str:
    digest = hashlib.sha256(data.encode()).digest()
    return "bafyrei" + base64.b32encode(digest).decode().lower().rstrip("=")


class FakeBluesky(FakeNetwork):
    name = "bluesky"
    default_rate_limits = {
        "*": (3000, 300.0),
        "POST /xrpc/com.atproto.server.createSession": (30, 300.0),
    }
    access_ttl = 2 * 3600
    refresh_ttl = 90 * 86400

    def __init__(self, *, refresh_grace: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.refresh_grace = refresh_grace
        self._last_tid = 0

    # --- seeding ----------------------------------------------------------------------------

    def add_account(
        self, handle: str, *, password: str = "", app_password: str = "", **kwargs
    ) -> Account:
        """An account on this PDS; `handle` should look like a domain ("alice.bsky.test")."""
        password = password or secrets.token_urlsafe(12)
        app_password = app_password or "-".join(secrets.token_hex(2) for _ in range(4))
        return super().add_account(
            handle,
            password=password,
            app_passwords=[app_password],
            email=f"{handle.split('.')[0]}@example.test",
            **kwargs,
        )

    def revoke_app_password(self, account: Account, app_password: str) -> None:
        """As when the member deletes the app password: its sessions end."""
        with self.lock:
            account.extra["app_passwords"].remove(app_password)
            for token in self.tokens_of(account):
                if token.extra.get("app_password") == app_password:
                    token.revoked = True

    def _new_account_id(self, handle: str) -> str:
        return "did:plc:" + base64.b32encode(secrets.token_bytes(15)).decode().lower()

    def _default_handle(self) -> str:
        return "alice.bsky.test"

    def _tid(self) -> str:
        now = max(int(time.time() * 1_000_000), self._last_tid + 1)
        self._last_tid = now
        value = (now << 10) | 0x1F
        return "".join(B32_SORTABLE[(value >> (5 * i)) & 31] for i in range(12, -1, -1))

    def _new_post_id(self, account: Account, seq: int) -> str:
        return f"at://{account.id}/{POST_COLLECTION}/{self._tid()}"

    def add_post(self, account: Account, text: str, *, post_id: str | None = None, **extra) -> Post:
        post = super().add_post(account, text, post_id=post_id, **extra)
        post.extra.setdefault(
            "record", {"$type": POST_COLLECTION, "text": text, "createdAt": iso(post.created_at)}
        )
        post.extra.setdefault("cid", fake_cid(post.id + text))
        return post

    # --- hooks ------------------------------------------------------------------------------

    def error_response(self, status: int, request: Request) -> Response:
        name = ERROR_NAMES.get(status, "InternalServerError")
        return xrpc_error(status, name, re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name))

    def rate_limit_headers(self, limit: int, remaining: int, reset_at: float, window: float):
        return {
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(int(reset_at)),
            "RateLimit-Policy": f"{limit};w={int(window)}",
        }

    # --- sessions ---------------------------------------------------------------------------

    def _jwt(self, account: Account, scope: str, ttl: float) -> str:
        now, refresh = int(time.time()), scope == "com.atproto.refresh"
        header = {"typ": "refresh+jwt" if refresh else "at+jwt", "alg": "ES256K"}
        claims = {"scope": scope, "sub": account.id, "aud": f"did:web:{self.host}", "iat": now}
        claims |= {"exp": now + int(ttl), "jti": secrets.token_urlsafe(16)}
        parts = [json.dumps(header).encode(), json.dumps(claims).encode(), secrets.token_bytes(64)]
        return ".".join(b64url(p) for p in parts)

    def _session(self, account: Account, session_id: str, app_password: str | None) -> Response:
        """A pair of tokens; a refresh mints a new pair for the same session."""
        jwts = {}
        access_scope = "com.atproto.appPass" if app_password else "com.atproto.access"
        for kind, scope, ttl in (
            ("access", access_scope, self.access_ttl),
            ("refresh", "com.atproto.refresh", self.refresh_ttl),
        ):
            value = self._jwt(account, scope, ttl)
            self.issue_token(
                kind,
                account_id=account.id,
                client_id=None,
                scopes=[scope],
                ttl=ttl,
                value=value,
                session=session_id,
                app_password=app_password,
            )
            jwts[f"{kind}Jwt"] = value
        about = {"handle": account.handle, "did": account.id, "didDoc": self._did_doc(account)}
        about |= {"email": account.extra["email"], "emailConfirmed": True, "active": True}
        return json_response(200, jwts | about | {"emailAuthFactor": False})

    def _auth(self, request: Request, kind: str = "access"):
        """(account, token, None) for a valid token of `kind`, else (None, None, error)."""
        token = self.tokens.get(request.bearer or "")
        if request.bearer is None:
            auth = {"WWW-Authenticate": 'Bearer realm="atproto"'}
            error = xrpc_error(401, "AuthMissing", "Authentication Required", auth)
        elif token is None:
            error = xrpc_error(400, "InvalidToken", "Token could not be verified")
        elif token.kind != kind:
            error = xrpc_error(400, "InvalidToken", "Invalid token type")
        elif token.revoked:
            error = xrpc_error(400, "ExpiredToken", "Token has been revoked")
        elif token.expired:
            error = xrpc_error(400, "ExpiredToken", "Token has expired")
        else:
            return self.accounts[token.account_id], token, None
        return None, None, error

    def _find(self, identifier: str | None) -> Account | None:
        wanted = (identifier or "").lower().removeprefix("@")
        for account in self.accounts.values():
            if wanted in (account.id, account.handle.lower(), account.extra["email"]):
                return account
        return None

    @route("POST", "/xrpc/com.atproto.server.createSession")
    def create_session(self, request: Request) -> Response:
        data = request.json() or {}
        for name in ("identifier", "password"):
            if not isinstance(data.get(name), str):
                return xrpc_error(400, "InvalidRequest", f'Input must have the property "{name}"')
        account = self._find(data["identifier"])
        password, extra = data["password"], account.extra if account else {}
        if account is None or password not in [extra["password"], *extra["app_passwords"]]:
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        app_password = password if password in account.extra["app_passwords"] else None
        return self._session(account, secrets.token_hex(8), app_password)

    @route("POST", "/xrpc/com.atproto.server.refreshSession")
    def refresh_session(self, request: Request) -> Response:
        account, token, error = self._auth(request, "refresh")
        if error:
            return error
        if self.refresh_grace:
            token.expires_at = min(token.expires_at, time.time() + self.refresh_grace)
        else:
            token.revoked = True
        return self._session(account, token.extra["session"], token.extra["app_password"])

    @route("POST", "/xrpc/com.atproto.server.deleteSession")
    def delete_session(self, request: Request) -> Response:
        account, token, error = self._auth(request, "refresh")
        if error:
            return error
        for other in self.tokens_of(account):
            if other.extra.get("session") == token.extra["session"]:
                other.revoked = True
        return Response(200)

    @route("GET", "/xrpc/com.atproto.server.getSession")
    def get_session(self, request: Request) -> Response:
        account, _, error = self._auth(request)
        if error:
            return error
        return json_response(
            200,
            {
                "handle": account.handle,
                "did": account.id,
                "active": True,
                "email": account.extra["email"],
                "emailConfirmed": True,
                "didDoc": self._did_doc(account),
            },
        )

    # --- identity ---------------------------------------------------------------------------

    @route("GET", "/xrpc/com.atproto.identity.resolveHandle")
    def resolve_handle(self, request: Request) -> Response:
        handle = request.arg("handle")
        if not handle:
            return xrpc_error(400, "InvalidRequest", 'Params must have the property "handle"')
        account = next((a for a in self.accounts.values() if a.handle == handle.lower()), None)
        if account is None:
            return xrpc_error(400, "HandleNotFound", "Unable to resolve handle")
        return json_response(200, {"did": account.id})

    @route("GET", "/:did")
    def plc_document(self, request: Request) -> Response:
        account = self.accounts.get(request.params["did"])
        if account is None:
            return json_response(404, {"message": f"DID not registered: {request.params['did']}"})
        return json_response(200, self._did_doc(account))

    def _did_doc(self, account: Account) -> dict:
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": account.id,
            "alsoKnownAs": [f"at://{account.handle}"],
            "verificationMethod": [],
            "service": [
                {
                    "id": "#atproto_pds",
                    "type": "AtprotoPersonalDataServer",
                    "serviceEndpoint": self.base_url,
                }
            ],
        }

    # --- reads ------------------------------------------------------------------------------

    def _optional_auth(self, request: Request) -> Response | None:
        return self._auth(request)[2] if request.bearer else None

    @route("GET", "/xrpc/app.bsky.actor.getProfile")
    def get_profile(self, request: Request) -> Response:
        if error := self._optional_auth(request):
            return error
        account = self._find(request.arg("actor"))
        if account is None:
            return xrpc_error(400, "InvalidRequest", "Profile not found")
        return json_response(
            200,
            self._profile(account)
            | {
                "description": "",
                "followersCount": account.followers,
                "followsCount": account.following,
                "postsCount": len(self._posts_by_account.get(account.id, [])),
                "indexedAt": iso(account.created_at),
                "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False},
            },
        )

    @route("GET", "/xrpc/app.bsky.feed.getPosts")
    def get_posts(self, request: Request) -> Response:
        if error := self._optional_auth(request):
            return error
        uris = request.query.get("uris", []) + request.query.get("uris[]", [])
        if not uris:
            return xrpc_error(400, "InvalidRequest", 'Error: Params must have the property "uris"')
        if len(uris) > 25:
            return xrpc_error(
                400, "InvalidRequest", "Error: uris must not have more than 25 elements"
            )
        return json_response(
            200, {"posts": [self._post_view(self.posts[u]) for u in uris if u in self.posts]}
        )

    @route("GET", "/xrpc/app.bsky.feed.getAuthorFeed")
    def get_author_feed(self, request: Request) -> Response:
        if error := self._optional_auth(request):
            return error
        account = self._find(request.arg("actor"))
        if account is None:
            return xrpc_error(400, "InvalidRequest", "Profile not found")
        try:
            limit = int(request.arg("limit") or 50)
        except ValueError:
            return xrpc_error(400, "InvalidRequest", "Error: limit must be an integer")
        if not 1 <= limit <= 100:
            bound = "greater than 100" if limit > 100 else "less than 1"
            return xrpc_error(400, "InvalidRequest", f"Error: limit can not be {bound}")
        posts = self.posts_of(account)
        if cursor := request.arg("cursor"):
            posts = [p for p in posts if cursor.isdigit() and p.seq < int(cursor)]
        page = posts[:limit]
        body = {"feed": [{"post": self._post_view(p)} for p in page]}
        if len(posts) > limit:
            body["cursor"] = str(page[-1].seq)
        return json_response(200, body)

    def _profile(self, account: Account) -> dict:
        return {
            "did": account.id,
            "handle": account.handle,
            "displayName": account.display_name,
            "labels": [],
            "createdAt": iso(account.created_at),
        }

    def _post_view(self, post: Post) -> dict:
        return {
            "uri": post.id,
            "cid": post.extra["cid"],
            "author": self._profile(self.accounts[post.account_id]),
            "record": post.extra["record"],
            "replyCount": post.replies,
            "repostCount": post.reposts,
            "likeCount": post.likes,
            "quoteCount": post.quotes,
            "bookmarkCount": post.bookmarks,
            "indexedAt": iso(post.created_at),
            "labels": [],
        }

    # --- writes -----------------------------------------------------------------------------

    @route("POST", "/xrpc/com.atproto.repo.createRecord")
    def create_record(self, request: Request) -> Response:
        account, _, error = self._auth(request)
        if error:
            return error
        data = request.json() or {}
        for name in ("repo", "collection", "record"):
            if name not in data:
                return xrpc_error(400, "InvalidRequest", f'Input must have the property "{name}"')
        if data["repo"] not in (account.id, account.handle):
            return xrpc_error(401, "AuthenticationRequired", "Authentication Required")
        collection, record = data["collection"], data["record"]
        if not isinstance(record, dict) or record.get("$type") != collection:
            return xrpc_error(400, "InvalidRequest", f"Invalid $type: expected {collection}")
        if collection == POST_COLLECTION and (problem := self._invalid_post(record)):
            return xrpc_error(400, "InvalidRequest", f"Invalid {POST_COLLECTION} record: {problem}")
        uri = f"at://{account.id}/{collection}/{data.get('rkey') or self._tid()}"
        if uri in self.posts:  # the reference PDS fails on an existing key with a plain error
            return self.error_response(500, request)
        post = self.add_post(account, record.get("text", ""), post_id=uri, record=record)
        return json_response(
            200,
            {
                "uri": post.id,
                "cid": post.extra["cid"],
                "commit": {"cid": fake_cid(post.id + "commit"), "rev": self._tid()},
                "validationStatus": "valid" if collection == POST_COLLECTION else "unknown",
            },
        )

    def _invalid_post(self, record: dict) -> str | None:
        text = record.get("text")
        if not isinstance(text, str):
            return 'Record must have the property "text"'
        if not isinstance(record.get("createdAt"), str):
            return 'Record must have the property "createdAt"'
        if len(regex.findall(r"\X", text)) > 300:
            return "Record/text must not be longer than 300 graphemes"
        if len(text.encode()) > 3000:
            return "Record/text must not be longer than 3000 characters"
        return None
