"""A fake X (API v2): OAuth 2.0 authorization code with PKCE, single-use refresh tokens,
posting, batch lookups with public metrics, user timelines and per-endpoint rate limits.

Written from X's documentation (docs.x.com, github.com/xdevplatform/docs):
- fundamentals/authentication/oauth-2-0/authorization-code and user-access-token:
  GET /i/oauth2/authorize (state up to 500 characters, code_challenge with S256 or plain,
  exact redirect match, codes valid 30 seconds), POST /2/oauth2/token (Basic auth for
  confidential clients, client_id in the body for public ones; a refresh token only with
  `offline.access`; access tokens live two hours), POST /2/oauth2/revoke; the scope table
- x-api/fundamentals/rate-limits: x-rate-limit-limit / -remaining / -reset (Unix time),
  per-user limits per 15 minutes (GET /2/tweets 5,000; POST /2/tweets 100;
  GET /2/users/:id/tweets 900; GET /2/users/me 75), 429 {"errors": [{"code": 88, ...}]}
- x-api/fundamentals/response-codes-and-errors: problem bodies (type, title, detail),
  partial errors next to `data` for ids that are not found
- x-api/fundamentals/data-dictionary: Tweet (id, text, edit_history_tweet_ids, created_at,
  author_id, public_metrics with retweet_count, reply_count, like_count, quote_count,
  bookmark_count, impression_count) and User (public_metrics with followers_count, ...)
- x-api/fundamentals/pagination: max_results, pagination_token, meta.next_token
- the OpenAPI specification (api.x.com/2/openapi.json): `ids` 1 to 100, max_results 5 to 100;
  its newer `post.fields` is accepted as another name for `tweet.fields`
Where the documentation shows no body, the fake answers what X is reported to answer: a reused
refresh token or code is 400 invalid_request ("Value passed for the token was invalid."), a
duplicate post 403 "You are not allowed to create a Tweet with duplicate content.", a text
over 280 weighted characters 403 "Your Tweet text is too long.".
"""

from __future__ import annotations

import re
import secrets
from http import HTTPStatus

from tests.fakes.base import Account, Post
from tests.fakes.oauth import App, OAuthServer
from tests.fakes.web import (
    Request,
    Response,
    html_response,
    iso,
    json_response,
    redirect_with,
    route,
)

SCOPE_NAMES = "tweet.read tweet.write tweet.moderate.write users.email users.read follows.read "
SCOPE_NAMES += "follows.write offline.access space.read mute.read mute.write like.read like.write "
SCOPE_NAMES += "list.read list.write block.read block.write bookmark.read bookmark.write dm.read "
SCOPES = set((SCOPE_NAMES + "dm.write media.write").split())
READ = ("tweet.read", "users.read")
URL = re.compile(r"https?://\S+")
PROBLEMS = "https://api.x.com/2/problems"
BAD_CODE = "Value passed for the authorization code was invalid."
BAD_TOKEN = "Value passed for the token was invalid."


def oauth_error(status: int, error: str, description: str) -> Response:
    return json_response(status, {"error": error, "error_description": description})


def forbidden(detail: str) -> Response:
    return json_response(
        403, {"detail": detail, "type": "about:blank", "title": "Forbidden", "status": 403}
    )


def weighted_length(text: str) -> int:
    """twitter-text's count: URLs weigh 23, Latin and common punctuation 1, the rest 2."""

    def weight(char: str) -> int:
        code = ord(char)
        light = code <= 4351 or 8192 <= code <= 8205 or 8208 <= code <= 8223 or 8242 <= code <= 8247
        return 1 if light else 2

    return sum(weight(c) for c in URL.sub("x" * 23, text))


def invalid_request(parameter: str, values: list[str], message: str) -> Response:
    return json_response(
        400,
        {
            "errors": [{"parameters": {parameter: values}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": f"{PROBLEMS}/invalid-request",
        },
    )


class FakeX(OAuthServer):
    name = "x"
    default_rate_limits = {
        "GET /2/tweets": (5000, 900.0),
        "GET /2/tweets/:id": (900, 900.0),
        "POST /2/tweets": (100, 900.0),
        "GET /2/users/:id/tweets": (900, 900.0),
        "GET /2/users/me": (75, 900.0),
    }
    access_ttl = 7200
    code_ttl = 30.0

    def register_app(
        self, *, redirect_uris: list[str], confidential=True, client_id="", client_secret=""
    ) -> App:
        """The app as its owner sets it up in the developer console."""
        secret = (client_secret or secrets.token_urlsafe(37)) if confidential else None
        return self._add_app(
            App(client_id or secrets.token_urlsafe(24), secret, list(redirect_uris))
        )

    def _new_account_id(self, handle: str) -> str:
        return str(1_500_000_000 + len(self.accounts) + 1)

    def _new_post_id(self, account: Account, seq: int) -> str:
        return str(1_800_000_000_000_000_000 + seq * 1_000_000)

    def error_response(self, status: int, request: Request) -> Response:
        reason = HTTPStatus(status).phrase
        return json_response(
            status, {"title": reason, "type": "about:blank", "status": status, "detail": reason}
        )

    def rate_limited_response(self, request: Request) -> Response:
        return json_response(429, {"errors": [{"code": 88, "message": "Rate limit exceeded"}]})

    def rate_limit_headers(self, limit: int, remaining: int, reset_at: float, window: float):
        return {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(remaining),
            "x-rate-limit-reset": str(int(reset_at)),
        }

    # --- OAuth 2.0 --------------------------------------------------------------------------

    @route("GET", "/i/oauth2/authorize")
    def authorize(self, request: Request) -> Response:
        app = self.apps.get(request.arg("client_id", ""))
        uri, state = request.arg("redirect_uri", ""), request.arg("state")
        if app is None or not self._redirect_ok(app, uri):
            return html_response(
                400, "Something went wrong. You weren't able to give access to the App."
            )
        scopes = (request.arg("scope") or "").split()
        challenge, method = (
            request.arg("code_challenge"),
            request.arg("code_challenge_method") or "plain",
        )
        if (
            request.arg("response_type") != "code"
            or not challenge
            or method not in ("S256", "plain")
            or (state and len(state) > 500)
        ):
            return redirect_with(uri, error="invalid_request", state=state)
        if not scopes or not set(scopes) <= SCOPES:
            return redirect_with(uri, error="invalid_scope", state=state)
        if not self.approve:
            return redirect_with(uri, error="access_denied", state=state)
        grant = self.issue_code(app, uri, scopes, challenge, method)
        return redirect_with(uri, state=state, code=grant.code)

    def _client(self, request: Request, data: dict) -> App | None:
        """Confidential clients authenticate with Basic auth, public ones name themselves."""
        return self._app(*(request.basic_auth() or (data.get("client_id"), None)))

    @route("POST", "/2/oauth2/token")
    def token(self, request: Request) -> Response:
        data = request.form()
        app = self._client(request, data)
        if app is None:
            return oauth_error(401, "unauthorized_client", "Missing valid authorization header")
        if data.get("grant_type") == "refresh_token":
            old = self.tokens.get(data.get("refresh_token") or "")
            if (
                old is None
                or old.kind != "refresh"
                or old.revoked
                or old.client_id != app.client_id
            ):
                return oauth_error(400, "invalid_request", BAD_TOKEN)
            old.revoked = True  # single use: the answer carries the next one
            return self._tokens(app, old.account_id, sorted(old.scopes))
        if data.get("grant_type") != "authorization_code":
            return oauth_error(400, "invalid_request", "Missing required parameter [grant_type].")
        grant = self.redeem_code(
            data.get("code"), app, data.get("redirect_uri"), data.get("code_verifier")
        )
        if grant is None:
            return oauth_error(400, "invalid_request", BAD_CODE)
        return self._tokens(app, grant.account_id, grant.scopes)

    def _tokens(self, app: App, account_id: str, scopes: list[str]) -> Response:
        access = self.issue_token(
            "access",
            account_id=account_id,
            client_id=app.client_id,
            scopes=scopes,
            ttl=self.access_ttl,
        )
        body = {
            "token_type": "bearer",
            "expires_in": self.access_ttl,
            "access_token": access.value,
            "scope": " ".join(scopes),
        }
        if "offline.access" in scopes:
            refresh = self.issue_token(
                "refresh", account_id=account_id, client_id=app.client_id, scopes=scopes, ttl=None
            )
            body["refresh_token"] = refresh.value
        return json_response(200, body)

    @route("POST", "/2/oauth2/revoke")
    def revoke(self, request: Request) -> Response:
        data = request.form()
        app = self._client(request, data)
        if app is None:
            return oauth_error(401, "unauthorized_client", "Missing valid authorization header")
        token = self.tokens.get(data.get("token") or "")
        if token and token.client_id == app.client_id:
            token.revoked = True
        return json_response(200, {"revoked": True})

    # --- the API ----------------------------------------------------------------------------

    def _auth(self, request: Request, *scopes: str):
        token = self.tokens.get(request.bearer or "")
        if token is None or token.kind != "access" or token.revoked or token.expired:
            return None, self.error_response(401, request)
        if not set(scopes) <= token.scopes:
            return None, self.error_response(403, request)
        return self.accounts[token.account_id], None

    def _fields(self, request: Request, name: str) -> set[str]:
        names = [name, "post.fields"] if name == "tweet.fields" else [name]
        return {f for n in names for f in (request.arg(n) or "").split(",") if f}

    def _tweet(self, post: Post, fields: set[str]) -> dict:
        body = {"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]}
        extra = {
            "created_at": iso(post.created_at),
            "author_id": post.account_id,
            "conversation_id": post.id,
            "lang": post.extra.get("lang", "en"),
            "public_metrics": {
                "retweet_count": post.reposts,
                "reply_count": post.replies,
                "like_count": post.likes,
                "quote_count": post.quotes,
                "bookmark_count": post.bookmarks,
                "impression_count": post.impressions,
            },
        }
        return body | {k: v for k, v in extra.items() if k in fields}

    def _user(self, account: Account, fields: set[str]) -> dict:
        body = {"id": account.id, "name": account.display_name, "username": account.handle}
        extra = {
            "created_at": iso(account.created_at),
            "description": "",
            "protected": False,
            "verified": False,
            "public_metrics": {
                "followers_count": account.followers,
                "following_count": account.following,
                "tweet_count": len(self._posts_by_account.get(account.id, [])),
                "listed_count": 0,
                "like_count": 0,
                "media_count": 0,
            },
        }
        return body | {k: v for k, v in extra.items() if k in fields}

    def _missing(self, kind: str, parameter: str, value: str) -> Response:
        return json_response(200, {"errors": [self._not_found(kind, parameter, value)]})

    def _not_found(self, kind: str, parameter: str, value: str) -> dict:
        return {
            "value": value,
            "detail": f"Could not find {kind} with {parameter}: [{value}].",
            "title": "Not Found Error",
            "resource_type": kind,
            "parameter": parameter,
            "resource_id": value,
            "type": f"{PROBLEMS}/resource-not-found",
        }

    @route("GET", "/2/users/me")
    def me(self, request: Request) -> Response:
        account, error = self._auth(request, *READ)
        return error or json_response(
            200, {"data": self._user(account, self._fields(request, "user.fields"))}
        )

    @route("GET", "/2/users/:id")
    def user(self, request: Request) -> Response:
        _, error = self._auth(request, *READ)
        if error:
            return error
        account = self.accounts.get(request.params["id"])
        if account is None:
            return self._missing("user", "id", request.params["id"])
        return json_response(
            200, {"data": self._user(account, self._fields(request, "user.fields"))}
        )

    @route("POST", "/2/tweets")
    def create(self, request: Request) -> Response:
        account, error = self._auth(request, "tweet.read", "tweet.write", "users.read")
        if error:
            return error
        text = (request.json() or {}).get("text")
        if not isinstance(text, str) or not text.strip():
            return invalid_request("text", [], "$.text: is missing but it is required")
        if weighted_length(text) > 280:
            return forbidden("Your Tweet text is too long.")
        if any(p.text == text for p in self.posts_of(account)):
            return forbidden("You are not allowed to create a Tweet with duplicate content.")
        post = self.add_post(account, text)
        return json_response(201, {"data": self._tweet(post, set())})

    @route("GET", "/2/tweets")
    def lookup(self, request: Request) -> Response:
        _, error = self._auth(request, *READ)
        if error:
            return error
        ids = [i for i in (request.arg("ids") or "").split(",") if i]
        if not 1 <= len(ids) <= 100:
            return invalid_request(
                "ids",
                ids,
                f"The number of values in the `ids` query parameter list [{len(ids)}] is not between 1 and 100",
            )
        if bad := [i for i in ids if not i.isdigit()]:
            return invalid_request(
                "ids", bad, f"The `ids` query parameter value [{bad[0]}] is not valid"
            )
        fields = self._fields(request, "tweet.fields")
        body = {}
        if found := [self._tweet(self.posts[i], fields) for i in ids if i in self.posts]:
            body["data"] = found
        if missing := [self._not_found("tweet", "ids", i) for i in ids if i not in self.posts]:
            body["errors"] = missing
        return json_response(200, body)

    @route("GET", "/2/tweets/:id")
    def single(self, request: Request) -> Response:
        _, error = self._auth(request, *READ)
        if error:
            return error
        post = self.posts.get(request.params["id"])
        if post is None:
            return self._missing("tweet", "id", request.params["id"])
        return json_response(
            200, {"data": self._tweet(post, self._fields(request, "tweet.fields"))}
        )

    @route("GET", "/2/users/:id/tweets")
    def timeline(self, request: Request) -> Response:
        _, error = self._auth(request, *READ)
        if error:
            return error
        account = self.accounts.get(request.params["id"])
        if account is None:
            return self._missing("user", "id", request.params["id"])
        raw = request.arg("max_results") or "10"
        if not raw.isdigit() or not 5 <= int(raw) <= 100:
            return invalid_request(
                "max_results",
                [raw],
                f"The `max_results` query parameter value [{raw}] is not between 5 and 100",
            )
        posts = self.posts_of(account)
        if token := request.arg("pagination_token"):
            known = all(c in "0123456789abcdef" for c in token)
            posts = [p for p in posts if p.seq < int(token, 16)] if known else []
        if (since := request.arg("since_id") or "").isdigit():
            posts = [p for p in posts if int(p.id) > int(since)]
        if (until := request.arg("until_id") or "").isdigit():
            posts = [p for p in posts if int(p.id) < int(until)]
        page = posts[: int(raw)]
        if not page:
            return json_response(200, {"meta": {"result_count": 0}})
        meta = {"result_count": len(page), "newest_id": page[0].id, "oldest_id": page[-1].id}
        if len(posts) > len(page):
            meta["next_token"] = f"{page[-1].seq:x}"
        fields = self._fields(request, "tweet.fields")
        return json_response(200, {"data": [self._tweet(p, fields) for p in page], "meta": meta})
