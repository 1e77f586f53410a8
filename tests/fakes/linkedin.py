"""A fake LinkedIn: OAuth 2.0 (3-legged) with OpenID Connect, the versioned Posts API, and the
engagement endpoints a `w_member_social` app is refused.

Written from LinkedIn's documentation on learn.microsoft.com/linkedin:
- shared/authentication/authorization-code-flow: GET /oauth/v2/authorization (state passed
  through; user_cancelled_authorize; unauthorized_scope_error), POST /oauth/v2/accessToken
  (expires_in 5184000, the 60 days of a member token; codes last 30 minutes and are used once)
- shared/authentication/programmatic-refresh-tokens: refresh tokens only for approved
  partners (off here unless `refresh_tokens=True`), valid 365 days and not rotated: a refresh
  mints a new 60-day access token and the same refresh token with what is left of its life
- shared/authentication/token-introspection: POST /oauth/v2/introspectToken; revocation at
  POST /oauth/v2/revoke
- consumer/integrations/self-serve/sign-in-with-linkedin-v2: GET /v2/userinfo (sub, name,
  given_name, family_name, picture, locale, email, email_verified; needs `openid`)
- community-management/shares/posts-api: POST /rest/posts with `LinkedIn-Version` (YYYYMM)
  and `X-Restli-Protocol-Version: 2.0.0`, 201 with the URN in `x-restli-id`; commentary at
  most 3000 characters
- marketing/versioning: a version is served about a year; a missing header is 400
  VERSION_MISSING, a retired one 426 NONEXISTENT_VERSION
- community-management/shares/network-update-social-actions and social-metadata-api:
  reading a member's posts, likes and comments needs r_member_social, "granted to select
  developers only"; without it the answer is 403 ACCESS_DENIED, so the app can say
  "LinkedIn does not report this"; social actions of several posts in one BATCH_GET,
  GET /rest/socialActions?ids=List(<encoded urn>,...) answering results / statuses / errors
- shared/api-guide/concepts/error-handling: {"message", "serviceErrorCode", "status"} bodies,
  401 "Empty oauth2_access_token"; api-guide/concepts/rate-limits: daily limits per member
  and per app, shown in the developer portal, no rate-limit headers documented
Where the pages show no body, the fake answers as LinkedIn is reported to: 401 with
serviceErrorCode 65600 (invalid), 65601 (revoked) or 65602 (expired token), 429 with 101
"Resource level throttle limit ...", 422 "Content is a duplicate of urn:li:share:...",
400 invalid_request "Unable to retrieve access token: ..." for a used or wrong code.
The id_token is unsigned: identity is read from /v2/userinfo.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import secrets
import time
from urllib.parse import unquote

from tests.fakes.base import Account, Post, Token
from tests.fakes.oauth import App, OAuthServer
from tests.fakes.web import Request, Response, html_response, json_response, redirect_with, route

DEFAULT_SCOPES = ("openid", "profile", "email", "w_member_social")
ACCESS_TTL = 5_184_000
REFRESH_TTL = 31_536_000
VERSION = re.compile(r"^(\d{4})(\d{2})(\.\d{2})?$")
CODE_MISMATCH = (
    "Unable to retrieve access token: appid/redirect uri/code verifier does not match "
    "authorization code. Or authorization code expired. Or external member binding exists"
)
BAD_CLIENT = {"error": "invalid_client", "error_description": "Client authentication failed"}


def problem(status: int, message: str, code: str = "", service_code: int | None = None):
    body = {"status": status, "message": message} | ({"code": code} if code else {})
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    return json_response(status, body)


class FakeLinkedIn(OAuthServer):
    name = "linkedin"
    code_ttl = 1800.0

    def __init__(self, *, refresh_tokens=False, active_versions: set[str] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.refresh_tokens = refresh_tokens
        self.active_versions = active_versions  # None: any YYYYMM of the last twelve months

    def register_app(
        self, *, redirect_uris: list[str], scopes=DEFAULT_SCOPES, client_id="", client_secret=""
    ) -> App:
        """The app as an admin creates it in the developer portal."""
        client_id, secret = (
            client_id or secrets.token_hex(7),
            client_secret or secrets.token_urlsafe(12),
        )
        return self._add_app(App(client_id, secret, list(redirect_uris), tuple(scopes)))

    def _new_account_id(self, handle: str) -> str:
        return secrets.token_urlsafe(8)[:10]

    def _new_post_id(self, account: Account, seq: int) -> str:
        return f"urn:li:share:{7_300_000_000_000_000_000 + seq}"

    def _default_handle(self) -> str:
        return "alice@example.test"

    def error_response(self, status: int, request: Request) -> Response:
        if status == 429:
            return problem(
                429, "Resource level throttle limit for calls to this resource is reached.", "", 101
            )
        messages = {401: "Invalid access token", 404: "Not Found"}
        return problem(status, messages.get(status, "Internal Server Error"))

    # --- OAuth ------------------------------------------------------------------------------

    @route("GET", "/oauth/v2/authorization")
    def authorization(self, request: Request) -> Response:
        app = self.apps.get(request.arg("client_id", ""))
        uri, state = request.arg("redirect_uri", ""), request.arg("state")
        if app is None:
            return html_response(400, "The client_id is invalid")
        if not self._redirect_ok(app, uri):
            return html_response(400, "The redirect_uri does not match the registered value")
        scopes = re.split(r"[\s,]+", (request.arg("scope") or "").strip())
        if request.arg("response_type") != "code":
            return redirect_with(uri, error="invalid_request", state=state)
        if unknown := [s for s in scopes if s not in app.scopes]:
            message = f'Scope "{unknown[0]}" is not authorized for your application'
            return redirect_with(
                uri, error="unauthorized_scope_error", error_description=message, state=state
            )
        if not self.approve:
            message = "The user cancelled the authorization"
            return redirect_with(
                uri, error="user_cancelled_authorize", error_description=message, state=state
            )
        challenge = request.arg("code_challenge")
        grant = self.issue_code(
            app, uri, scopes, challenge, request.arg("code_challenge_method") or "S256"
        )
        return redirect_with(uri, code=grant.code, state=state)

    @route("POST", "/oauth/v2/accessToken")
    def access_token(self, request: Request) -> Response:
        data = request.form()
        app = self._app(data.get("client_id"), data.get("client_secret") or "")
        if app is None:
            return json_response(401, BAD_CLIENT)
        if data.get("grant_type") == "refresh_token":
            return self._refresh(app, data.get("refresh_token") or "")
        if data.get("grant_type") != "authorization_code":
            return json_response(
                400,
                {"error": "unsupported_grant_type", "error_description": "Unsupported grant type"},
            )
        grant = self.redeem_code(
            data.get("code"), app, data.get("redirect_uri"), data.get("code_verifier")
        )
        if grant is None:
            return json_response(
                400, {"error": "invalid_request", "error_description": CODE_MISMATCH}
            )
        common = {
            "account_id": grant.account_id,
            "client_id": app.client_id,
            "scopes": grant.scopes,
        }
        body = self._token_body(self.issue_token("access", ttl=ACCESS_TTL, **common))
        if "openid" in grant.scopes:
            body["id_token"] = self._id_token(self.accounts[grant.account_id], app)
        if self.refresh_tokens:
            refresh = self.issue_token("refresh", ttl=REFRESH_TTL, **common)
            body |= {"refresh_token": refresh.value, "refresh_token_expires_in": REFRESH_TTL}
        return json_response(200, body)

    def _refresh(self, app: App, value: str) -> Response:
        old = self.tokens.get(value)
        if (
            not self.refresh_tokens
            or old is None
            or old.kind != "refresh"
            or old.revoked
            or old.expired
        ):
            return json_response(
                400, {"error": "invalid_request", "error_description": "Invalid refresh token"}
            )
        access = self.issue_token(
            "access",
            account_id=old.account_id,
            client_id=app.client_id,
            scopes=old.scopes,
            ttl=ACCESS_TTL,
        )
        left = {
            "refresh_token": old.value,
            "refresh_token_expires_in": int(old.expires_at - time.time()),
        }
        return json_response(200, self._token_body(access) | left)

    def _token_body(self, access: Token) -> dict:
        scope = ",".join(sorted(access.scopes))
        return {
            "access_token": access.value,
            "expires_in": ACCESS_TTL,
            "scope": scope,
            "token_type": "Bearer",
        }

    def _id_token(self, account: Account, app: App) -> str:
        now = int(time.time())
        claims = {"iss": "https://www.linkedin.com/oauth", "aud": app.client_id, "sub": account.id}
        claims |= {
            "iat": now,
            "exp": now + 3600,
            "name": account.display_name,
            "email_verified": True,
        }
        claims["email"] = account.extra.get("email", account.handle)
        parts = [json.dumps(p).encode() for p in ({"alg": "none", "typ": "JWT"}, claims)]
        return ".".join(base64.urlsafe_b64encode(p).rstrip(b"=").decode() for p in parts) + "."

    @route("POST", "/oauth/v2/revoke")
    def revoke(self, request: Request) -> Response:
        data = request.form()
        if self._app(data.get("client_id"), data.get("client_secret") or "") is None:
            return json_response(401, BAD_CLIENT)
        if token := self.tokens.get(data.get("token") or ""):
            token.revoked = True
        return Response(200)

    @route("POST", "/oauth/v2/introspectToken")
    def introspect(self, request: Request) -> Response:
        data = request.form()
        if self._app(data.get("client_id"), data.get("client_secret") or "") is None:
            return json_response(401, BAD_CLIENT)
        token = self.tokens.get(data.get("token") or "")
        if token is None:
            return json_response(200, {"active": False})
        status = "revoked" if token.revoked else "expired" if token.expired else "active"
        issued = int(token.issued_at)
        return json_response(
            200,
            {
                "active": status == "active",
                "client_id": token.client_id,
                "status": status,
                "authorized_at": issued,
                "created_at": issued,
                "expires_at": int(token.expires_at),
                "scope": ",".join(sorted(token.scopes)),
                "auth_type": "3L",
            },
        )

    # --- the API ----------------------------------------------------------------------------

    def _auth(self, request: Request) -> tuple[Token | None, Response | None]:
        if request.bearer is None:
            return None, problem(401, "Empty oauth2_access_token", "", 401)
        token = self.tokens.get(request.bearer)
        if token is None or token.kind != "access":
            return None, problem(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)
        if token.revoked:
            message = "The token used in the request has been revoked by the user"
            return None, problem(401, message, "REVOKED_ACCESS_TOKEN", 65601)
        if token.expired:
            message = "The token used in the request has expired"
            return None, problem(401, message, "EXPIRED_ACCESS_TOKEN", 65602)
        return token, None

    def _version(self, request: Request) -> tuple[str | None, Response | None]:
        version = request.headers.get("linkedin-version")
        if not version:
            message = "A version must be present. Please specify a version by adding the LinkedIn-Version header."
            return None, problem(400, message, "VERSION_MISSING")
        found, today = VERSION.match(version), dt.date.today()
        age = (today.year - int(found[1])) * 12 + today.month - int(found[2]) if found else -1
        active = 0 <= age < 12 if self.active_versions is None else version in self.active_versions
        if not active:
            message = f"Requested version {version.replace('.', '')}01 is not active"
            return None, problem(426, message, "NONEXISTENT_VERSION")
        return version.split(".")[0], None

    def _denied(self, resource: str, version: str | None) -> Response:
        message = f"Not enough permissions to access: {resource}.{version or 'NO_VERSION'}"
        return problem(403, message, "ACCESS_DENIED", 100)

    @route("GET", "/v2/userinfo")
    def userinfo(self, request: Request) -> Response:
        token, error = self._auth(request)
        if error or "openid" not in token.scopes:
            return error or self._denied("userinfo.GET", None)
        account = self.accounts[token.account_id]
        given, _, family = account.display_name.partition(" ")
        body = {
            "sub": account.id,
            "name": account.display_name,
            "given_name": given,
            "family_name": family,
        }
        body |= {
            "picture": f"{self.base_url}/media/{account.id}.jpg",
            "locale": "en-US",
        }
        if "email" in token.scopes:
            body |= {"email": account.extra.get("email", account.handle), "email_verified": True}
        return json_response(200, body)

    def _rest(self, request: Request, scope: str, resource: str):
        """(token, version, None) when versioned, authenticated and permitted, else an error."""
        version, error = self._version(request)
        token, error = (None, error) if error else self._auth(request)
        if not error and scope not in token.scopes:
            error = self._denied(resource, f"{version}01")
        return token, version, error

    @route("POST", "/rest/posts")
    def create_post(self, request: Request) -> Response:
        resource = "partnerApiPostsExternal.CREATE"
        token, version, error = self._rest(request, "w_member_social", resource)
        if error:
            return error
        data = request.json() or {}
        for name in ("author", "lifecycleState", "visibility", "distribution"):
            if name not in data:
                return problem(
                    422,
                    f"ERROR :: /{name} :: field is required but not found and has no default value",
                )
        if data["author"] != f"urn:li:person:{token.account_id}":
            return self._denied(resource, f"{version}01")
        text = data.get("commentary") or ""
        if len(text) > 3000:
            return problem(
                422, "ERROR :: /commentary :: length of commentary exceeded maximum of 3000"
            )
        account = self.accounts[token.account_id]
        if text and (twin := next((p for p in self.posts_of(account) if p.text == text), None)):
            return problem(422, f"Content is a duplicate of {twin.id}")
        post = self.add_post(account, text, visibility=data["visibility"])
        return Response(201, b"", {"x-restli-id": post.id, "x-linkedin-id": post.id})

    def _member_read(self, request: Request, resource: str) -> tuple[Post | None, Response | None]:
        _, _, error = self._rest(request, "r_member_social", resource)
        post = None if error else self.posts.get(unquote(request.params.get("urn", "")))
        return post, error or (None if post else self.error_response(404, request))

    @route("GET", "/rest/posts/:urn")
    def get_post(self, request: Request) -> Response:
        post, error = self._member_read(request, "partnerApiPosts.GET")
        return error or json_response(
            200,
            {
                "id": post.id,
                "author": f"urn:li:person:{post.account_id}",
                "commentary": post.text,
                "visibility": post.extra.get("visibility", "PUBLIC"),
                "lifecycleState": "PUBLISHED",
                "createdAt": int(post.created_at * 1000),
                "publishedAt": int(post.created_at * 1000),
            },
        )

    @route("GET", "/rest/posts")
    def find_posts(self, request: Request) -> Response:
        _, _, error = self._rest(request, "r_member_social", "partnerApiPosts.FINDER-author")
        if error:
            return error
        account = self.accounts.get((request.arg("author") or "").removeprefix("urn:li:person:"))
        posts = self.posts_of(account) if account else []
        paging = {"start": 0, "count": len(posts), "links": []}
        return json_response(
            200, {"elements": [{"id": p.id, "commentary": p.text} for p in posts], "paging": paging}
        )

    @route("GET", "/rest/socialActions/:urn")
    def social_actions(self, request: Request) -> Response:
        post, error = self._member_read(request, "partnerApiSocialActions.GET")
        return error or json_response(
            200,
            {
                "target": post.id,
                "likesSummary": {"totalLikes": post.likes, "likedByCurrentUser": False},
                "commentsSummary": {
                    "aggregatedTotalComments": post.replies,
                    "totalFirstLevelComments": post.replies,
                },
            },
        )

    @route("GET", "/rest/socialActions")
    def social_actions_batch(self, request: Request) -> Response:
        """BATCH_GET with Rest.li 2.0: ``?ids=List(<urn>,<urn>)``, each URN URL-encoded;
        the answer maps each found URN to its summary under ``results``, the others under
        ``errors``."""
        _, _, error = self._rest(request, "r_member_social", "partnerApiSocialActions.BATCH_GET")
        if error:
            return error
        raw = request.arg("ids") or ""
        if not (raw.startswith("List(") and raw.endswith(")")):
            return self.error_response(400, request)
        results, statuses, errors = {}, {}, {}
        for urn in filter(None, (unquote(u) for u in raw[5:-1].split(","))):
            post = self.posts.get(urn)
            if post is None:
                statuses[urn] = 404
                errors[urn] = {"status": 404, "message": "Not found"}
                continue
            statuses[urn] = 200
            results[urn] = {
                "target": post.id,
                "likesSummary": {"totalLikes": post.likes, "likedByCurrentUser": False},
                "commentsSummary": {
                    "aggregatedTotalComments": post.replies,
                    "totalFirstLevelComments": post.replies,
                },
            }
        return json_response(200, {"results": results, "statuses": statuses, "errors": errors})

    @route("GET", "/rest/socialMetadata/:urn")
    def social_metadata(self, request: Request) -> Response:
        post, error = self._member_read(request, "partnerApiSocialMetadata.GET")
        reactions = (
            {"LIKE": {"reactionType": "LIKE", "count": post.likes}} if post and post.likes else {}
        )
        return error or json_response(
            200,
            {
                "entity": post.id,
                "reactionSummaries": reactions,
                "commentSummary": {"count": post.replies, "topLevelCount": post.replies},
                "commentsState": "OPEN",
            },
        )
