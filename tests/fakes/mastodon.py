"""A fake Mastodon instance.

Written from the Mastodon documentation (docs.joinmastodon.org):
- methods/apps: POST /api/v1/apps, its 422 body, `redirect_uris` as string or list
- methods/oauth, spec/oauth: GET /oauth/authorize (state passed through, PKCE with S256
  only), POST /oauth/token (invalid_grant / invalid_client / invalid_scope bodies),
  POST /oauth/revoke (403 unauthorized_client for a token of another app)
- api/oauth-scopes: `read` and `write` include their `read:*` / `write:*` scopes; `profile`
- methods/accounts: verify_credentials, GET /api/v1/accounts/:id, :id/statuses
  (limit 20, at most 40; max_id / since_id / min_id)
- methods/statuses: POST /api/v1/statuses with `Idempotency-Key` (kept one hour),
  422 "Validation failed: ..." bodies; GET /api/v1/statuses/:id and ?id[]=
- entities/Status, entities/Account, entities/Error (401 "The access token is invalid",
  404 "Record not found", 403 "This action is outside the authorized scopes")
- api/guidelines#pagination: the `Link` header with rel="next" and rel="prev"
- api/rate-limits: X-RateLimit-Limit / -Remaining / -Reset, 300 calls per 5 minutes

The 500-character limit counts every URL as 23 characters, as Mastodon's composer does.
Access tokens do not expire (Mastodon issues no refresh tokens).
"""

from __future__ import annotations

import html
import re
import secrets
import time

from tests.fakes.base import Account, Post
from tests.fakes.oauth import App, OAuthServer
from tests.fakes.web import (
    Request,
    Response,
    html_response,
    is_absolute_uri,
    iso,
    json_response,
    redirect_with,
    route,
)

OOB = "urn:ietf:wg:oauth:2.0:oob"
READ = (
    "accounts blocks bookmarks favourites filters follows lists mutes notifications search statuses"
)
WRITE = "accounts blocks bookmarks conversations favourites filters follows lists media mutes "
WRITE += "notifications reports statuses"
SCOPES = {"read", "write", "follow", "push", "profile"}
SCOPES |= {f"read:{s}" for s in READ.split()} | {f"write:{s}" for s in WRITE.split()}
URL = re.compile(r"https?://[^\s<>\"]+")
INVALID_TOKEN = "The access token is invalid"
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)


def fail(status: int, message: str, headers: dict | None = None) -> Response:
    return json_response(status, {"error": message}, headers)


def oauth_error(status: int, error: str, description: str) -> Response:
    return json_response(status, {"error": error, "error_description": description})


def covers(granted: set[str] | frozenset[str], wanted: str) -> bool:
    """`read` grants `read:statuses`, and so on."""
    return wanted in granted or wanted.partition(":")[0] in granted


class FakeMastodon(OAuthServer):
    name = "mastodon"
    default_rate_limits = {"*": (300, 300.0)}
    max_characters = 500

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.idempotency: dict[tuple[str, str], tuple[str, float]] = {}

    def error_response(self, status: int, request: Request) -> Response:
        messages = {401: INVALID_TOKEN, 404: "Record not found", 429: "Too many requests"}
        return fail(status, messages.get(status, "Internal server error"))

    def rate_limit_headers(self, limit: int, remaining: int, reset_at: float, window: float):
        reset = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(reset_at))
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{reset}.{int(reset_at % 1 * 1e6):06d}Z",
        }

    def _new_post_id(self, account: Account, seq: int) -> str:
        return str(110_000_000_000_000_000 + seq * 1_000)

    # --- apps and OAuth ---------------------------------------------------------------------

    def register_app(self, *, redirect_uris: list[str], scopes="read", name="App") -> App:
        """As POST /api/v1/apps does; for tests that start with a registered app."""
        app = App(secrets.token_urlsafe(32), secrets.token_urlsafe(32), redirect_uris)
        app.scopes, app.name, app.extra = (
            tuple(scopes.split()),
            name,
            {"id": str(len(self.apps) + 1)},
        )
        return self._add_app(app)

    @route("POST", "/api/v1/apps")
    def create_app(self, request: Request) -> Response:
        data = request.form()
        uris = data.get("redirect_uris") or []
        uris = uris.split() if isinstance(uris, str) else list(uris)
        scopes = (data.get("scopes") or "read").split()
        if not data.get("client_name"):
            return fail(422, "Validation failed: Name can't be blank")
        if not uris:
            return fail(422, "Validation failed: Redirect URI can't be blank")
        if not all(u == OOB or is_absolute_uri(u) for u in uris):
            return fail(422, "Validation failed: Redirect URI must be an absolute URI.")
        if not set(scopes) <= SCOPES:
            return fail(422, "Validation failed: Scopes are invalid")
        app = self.register_app(
            redirect_uris=uris, scopes=" ".join(scopes), name=data["client_name"]
        )
        app.extra["website"] = data.get("website")
        credentials = {"client_id": app.client_id, "client_secret": app.client_secret}
        return json_response(
            200, self._app_json(app) | credentials | {"client_secret_expires_at": 0}
        )

    def _app_json(self, app: App) -> dict:
        return {
            "id": app.extra["id"],
            "name": app.name,
            "website": app.extra.get("website"),
            "scopes": list(app.scopes),
            "redirect_uri": "\n".join(app.redirect_uris),
            "redirect_uris": app.redirect_uris,
        }

    @route("GET", "/oauth/authorize")
    def authorize(self, request: Request) -> Response:
        app = self.apps.get(request.arg("client_id", ""))
        uri, state = request.arg("redirect_uri", ""), request.arg("state")
        if app is None:
            return html_response(401, INVALID_CLIENT)
        if uri not in app.redirect_uris:
            return html_response(400, "The redirect uri included is not valid.")
        scopes = (request.arg("scope") or "read").split()
        challenge, method = request.arg("code_challenge"), request.arg("code_challenge_method")
        if request.arg("response_type") != "code":
            return redirect_with(uri, error="unsupported_response_type", state=state)
        if not all(covers(set(app.scopes), s) for s in scopes):
            return redirect_with(uri, error="invalid_scope", state=state)
        if challenge and method != "S256":
            return redirect_with(uri, error="invalid_request", state=state)
        if not self.approve:
            return redirect_with(uri, error="access_denied", state=state)
        grant = self.issue_code(app, uri, scopes, challenge, "S256")
        if uri == OOB:
            return html_response(200, grant.code)
        return redirect_with(uri, code=grant.code, state=state)

    def _client(self, request: Request, data: dict) -> App | None:
        client_id, secret = request.basic_auth() or (
            data.get("client_id"),
            data.get("client_secret"),
        )
        return self._app(client_id, secret or "")

    @route("POST", "/oauth/token")
    def token(self, request: Request) -> Response:
        data = request.form()
        app = self._client(request, data)
        if app is None:
            return oauth_error(401, "invalid_client", INVALID_CLIENT)
        grant_type = data.get("grant_type")
        if grant_type == "client_credentials":
            scopes = (data.get("scope") or "read").split()
            if not all(covers(set(app.scopes), s) for s in scopes):
                return oauth_error(
                    400, "invalid_scope", "The requested scope is invalid, unknown, or malformed."
                )
            return self._token_json(app, None, scopes)
        if grant_type != "authorization_code":
            return oauth_error(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        grant = self.redeem_code(
            data.get("code"), app, data.get("redirect_uri"), data.get("code_verifier")
        )
        if grant is None:
            return oauth_error(400, "invalid_grant", INVALID_GRANT)
        return self._token_json(app, grant.account_id, grant.scopes)

    def _token_json(self, app: App, account_id: str | None, scopes: list[str]) -> Response:
        kind = "access" if account_id else "app"
        token = self.issue_token(
            kind, account_id=account_id, client_id=app.client_id, scopes=scopes, ttl=None
        )
        return json_response(
            200,
            {
                "access_token": token.value,
                "token_type": "Bearer",
                "scope": " ".join(scopes),
                "created_at": int(token.issued_at),
            },
        )

    @route("POST", "/oauth/revoke")
    def revoke(self, request: Request) -> Response:
        data = request.form()
        app = self._client(request, data)
        token = self.tokens.get(data.get("token") or "")
        if app is None or not data.get("token") or (token and token.client_id != app.client_id):
            return oauth_error(
                403, "unauthorized_client", "You are not authorized to revoke this token"
            )
        if token:
            token.revoked = True
        return json_response(200, {})

    # --- the API ----------------------------------------------------------------------------

    def _auth(self, request: Request, *scopes: str, required: bool = True):
        """(account, None) for a valid user token holding one of `scopes`, else (None, error)."""
        if request.bearer is None and not required:
            return None, None
        token = self.tokens.get(request.bearer or "")
        if token is None or token.revoked or token.expired:
            challenge = f'Bearer realm="Doorkeeper", error="invalid_token", error_description="{INVALID_TOKEN}"'
            return None, fail(401, INVALID_TOKEN, {"WWW-Authenticate": challenge})
        if scopes and not any(covers(token.scopes, s) for s in scopes):
            return None, fail(403, "This action is outside the authorized scopes")
        if token.account_id is None:
            return None, fail(422, "This method requires an authenticated user")
        return self.accounts[token.account_id], None

    @route("GET", "/api/v1/accounts/verify_credentials")
    def verify_credentials(self, request: Request) -> Response:
        account, error = self._auth(request, "profile", "read:accounts")
        if error:
            return error
        source = {"privacy": "public", "sensitive": False, "note": "", "fields": []}
        return json_response(200, self._account_json(account) | {"source": source})

    @route("GET", "/api/v1/accounts/:id")
    def account(self, request: Request) -> Response:
        if account := self.accounts.get(request.params["id"]):
            return json_response(200, self._account_json(account))
        return self.error_response(404, request)

    @route("POST", "/api/v1/statuses")
    def create_status(self, request: Request) -> Response:
        account, error = self._auth(request, "write:statuses")
        if error:
            return error
        key = request.headers.get("idempotency-key")
        remembered = self.idempotency.get((account.id, key)) if key else None
        if remembered and remembered[1] > time.time() and remembered[0] in self.posts:
            return json_response(200, self._status_json(self.posts[remembered[0]]))
        data = request.form()
        text = (data.get("status") or "").strip()
        visibility = data.get("visibility") or "public"
        if not text:
            return fail(422, "Validation failed: Text can't be blank")
        if len(URL.sub("x" * 23, text)) > self.max_characters:
            return fail(
                422, f"Validation failed: Text character limit of {self.max_characters} exceeded"
            )
        if visibility not in ("public", "unlisted", "private", "direct"):
            return fail(422, "Validation failed: Visibility is not included in the list")
        app = self.apps.get(self.tokens[request.bearer].client_id or "")
        post = self.add_post(
            account,
            text,
            visibility=visibility,
            language=data.get("language"),
            spoiler_text=data.get("spoiler_text") or "",
            application={"name": app.name, "website": app.extra.get("website")} if app else None,
        )
        if key:
            self.idempotency[(account.id, key)] = (post.id, time.time() + 3600)
        return json_response(200, self._status_json(post))

    def _visible(self, post: Post, viewer: Account | None) -> bool:
        public = post.extra.get("visibility", "public") in ("public", "unlisted")
        return public or (viewer is not None and viewer.id == post.account_id)

    @route("GET", "/api/v1/statuses/:id")
    def status(self, request: Request) -> Response:
        viewer, error = self._auth(request, "read:statuses", required=False)
        post = self.posts.get(request.params["id"])
        if error or post is None or not self._visible(post, viewer):
            return error or self.error_response(404, request)
        return json_response(200, self._status_json(post))

    @route("GET", "/api/v1/statuses")
    def statuses(self, request: Request) -> Response:
        viewer, error = self._auth(request, "read:statuses", required=False)
        if error:
            return error
        ids = dict.fromkeys(request.query.get("id[]", []) + request.query.get("id", []))
        found = [self.posts[i] for i in ids if i in self.posts]
        return json_response(200, [self._status_json(p) for p in found if self._visible(p, viewer)])

    @route("GET", "/api/v1/accounts/:id/statuses")
    def account_statuses(self, request: Request) -> Response:
        viewer, error = self._auth(request, "read:statuses", required=False)
        account = self.accounts.get(request.params["id"])
        if error or account is None:
            return error or self.error_response(404, request)
        raw = request.arg("limit") or "20"
        limit = min(max(int(raw), 1), 40) if raw.isdigit() else 20
        posts = [p for p in self.posts_of(account) if self._visible(p, viewer)]
        bounds = {
            n: int(v)
            for n in ("max_id", "since_id", "min_id")
            if (v := request.arg(n) or "").isdigit()
        }
        if "max_id" in bounds:
            posts = [p for p in posts if int(p.id) < bounds["max_id"]]
        if "since_id" in bounds:
            posts = [p for p in posts if int(p.id) > bounds["since_id"]]
        if "min_id" in bounds:  # the page right after min_id, still newest first
            posts = [p for p in posts if int(p.id) > bounds["min_id"]][-limit:]
        page, headers = posts[:limit], {}
        if page:
            url = f"{self.base_url}/api/v1/accounts/{account.id}/statuses?limit={limit}"
            headers["Link"] = (
                f'<{url}&max_id={page[-1].id}>; rel="next", <{url}&min_id={page[0].id}>; rel="prev"'
            )
        return json_response(200, [self._status_json(p) for p in page], headers)

    # --- entities ---------------------------------------------------------------------------

    def _account_json(self, account: Account) -> dict:
        posts = self._posts_by_account.get(account.id, [])
        image = f"{self.base_url}/avatars/original/missing.png"
        last = time.strftime("%Y-%m-%d", time.gmtime(posts[-1].created_at)) if posts else None
        return {
            "id": account.id,
            "username": account.handle,
            "acct": account.handle,
            "display_name": account.display_name,
            "locked": False,
            "bot": False,
            "discoverable": True,
            "group": False,
            "created_at": iso(account.created_at),
            "note": "",
            "url": f"{self.base_url}/@{account.handle}",
            "uri": f"{self.base_url}/users/{account.handle}",
            "avatar": image,
            "avatar_static": image,
            "header": image,
            "header_static": image,
            "followers_count": account.followers,
            "following_count": account.following,
            "statuses_count": len(posts),
            "last_status_at": last,
            "emojis": [],
            "fields": [],
        }

    def _status_json(self, post: Post) -> dict:
        account = self.accounts[post.account_id]
        text = html.escape(post.text, quote=False)
        linked = URL.sub(
            lambda m: f'<a href="{m[0]}" rel="nofollow noopener" target="_blank">{m[0]}</a>', text
        )
        return {
            "id": post.id,
            "created_at": iso(post.created_at),
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "sensitive": False,
            "spoiler_text": post.extra.get("spoiler_text", ""),
            "visibility": post.extra.get("visibility", "public"),
            "language": post.extra.get("language"),
            "uri": f"{self.base_url}/users/{account.handle}/statuses/{post.id}",
            "url": f"{self.base_url}/@{account.handle}/{post.id}",
            "replies_count": post.replies,
            "reblogs_count": post.reposts,
            "favourites_count": post.likes,
            "quotes_count": post.quotes,
            "edited_at": None,
            "favourited": False,
            "reblogged": False,
            "muted": False,
            "bookmarked": False,
            "content": "<p>" + linked.replace("\n", "<br />") + "</p>",
            "reblog": None,
            "application": post.extra.get("application"),
            "account": self._account_json(account),
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
        }
