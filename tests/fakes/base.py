"""Shared plumbing of the fake networks: a threaded HTTP server on 127.0.0.1, routing,
fault injection, rate limits, tokens, accounts and posts.

A fake is a real HTTP server, so the app's adapters are exercised over real sockets with
their real timeouts. Everything a test may want to look at or change lives on the fake
object and is guarded by one lock, because the server answers from several threads.
"""

from __future__ import annotations

import itertools
import random
import re
import secrets
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from tests.fakes.web import Handler, Request, Response, json_response, route

ENGAGEMENT_FIELDS = ("likes", "reposts", "replies", "quotes", "impressions", "bookmarks")


@dataclass
class Fault:
    match: str
    status: int | None
    times: int
    headers: dict[str, str] | None
    body: Any
    delay: float
    after: bool  # let the request take effect, then fail its answer
    drop: bool  # close the connection without any answer
    retry_after: int | None


@dataclass
class Token:
    value: str
    kind: str  # "access", "refresh", "app"
    account_id: str | None
    client_id: str | None
    scopes: frozenset[str]
    expires_at: float | None
    issued_at: float = field(default_factory=time.time)
    revoked: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= time.time()


@dataclass
class Account:
    id: str
    handle: str
    display_name: str
    followers: int = 0
    following: int = 0
    created_at: float = field(default_factory=time.time)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Post:
    id: str
    account_id: str
    text: str
    seq: int
    created_at: float = field(default_factory=time.time)
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0
    impressions: int = 0
    bookmarks: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Route:
    method: str
    template: str
    regex: re.Pattern
    handler: Callable[[Request], Response]

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


class FakeNetwork:
    """One fake network. Subclasses add `@route` handlers and the network's error bodies."""

    name: ClassVar[str] = "fake"
    # route name (or "*" for every route) -> (calls allowed, window in seconds)
    default_rate_limits: ClassVar[dict[str, tuple[int, float]]] = {}

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, latency: float = 0.0):
        self.host, self.port, self.latency = host, port, latency
        self.lock = threading.RLock()
        self.routes = self._collect_routes()
        self.calls: Counter[str] = Counter()
        self.rate_limited: Counter[str] = Counter()
        self.requests: list[Request] = []
        self.errors: list[str] = []  # tracebacks of the fake's own failures
        self.tokens: dict[str, Token] = {}
        self.accounts: dict[str, Account] = {}
        self.posts: dict[str, Post] = {}
        self._posts_by_account: dict[str, list[Post]] = {}
        self.approve = True  # what the auto-approving authorize page answers
        self._login_id: str | None = None
        self._faults: list[Fault] = []
        self._limits: dict[str, tuple[int, float]] = dict(self.default_rate_limits)
        self._windows: dict[tuple[str, str], list[float]] = {}  # (limit, key) -> [start, count]
        self._seq = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> FakeNetwork:
        handler = type(f"{type(self).__name__}Handler", (Handler,), {"fake": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> FakeNetwork:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- controls for tests -----------------------------------------------------------------

    def fail_next(
        self,
        endpoint: str,
        status: int | None = 500,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Any = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        after: bool = False,
        drop: bool = False,
    ) -> None:
        """Make the next `times` calls to `endpoint` fail.

        `endpoint` is a route name ("POST /api/v1/statuses"), its path template, a concrete
        path, or "*". Without `body` the network's own error body for `status` is sent; a 429
        gets the network's rate-limit headers, and `Retry-After` when `retry_after` is given.
        `delay` holds the answer back (to provoke client timeouts); `after` lets the request
        take effect first (the post exists, the answer is lost); `drop` closes the connection
        without answering.
        """
        self._known_endpoint(endpoint)
        with self.lock:
            self._faults.append(
                Fault(endpoint, status, times, headers, body, delay, after, drop, retry_after)
            )

    def set_rate_limit(self, endpoint: str, limit: int | None, window: float = 60.0) -> None:
        """Allow `limit` calls per `window` seconds per token (or client) on `endpoint`;
        `None` removes the limit. `endpoint` as in `fail_next`, "*" for the whole API."""
        key = "*" if endpoint == "*" else self._known_endpoint(endpoint)
        with self.lock:
            if limit is None:
                self._limits.pop(key, None)
            else:
                self._limits[key] = (limit, window)
            self._windows = {k: v for k, v in self._windows.items() if k[0] != key}

    def add_account(
        self,
        handle: str,
        *,
        followers: int = 0,
        following: int = 0,
        display_name: str = "",
        **extra,
    ) -> Account:
        with self.lock:
            account = Account(
                id=self._new_account_id(handle),
                handle=handle,
                display_name=display_name or re.split(r"[.@]", handle)[0].title(),
                followers=followers,
                following=following,
                extra=extra,
            )
            self.accounts[account.id] = account
            return account

    def login(self, account: Account) -> None:
        """The account the auto-approving authorize page signs in as."""
        self._login_id = account.id

    def current_user(self) -> Account:
        with self.lock:
            if self._login_id in self.accounts:
                return self.accounts[self._login_id]
            if not self.accounts:
                return self.add_account(self._default_handle())
            return next(iter(self.accounts.values()))

    def add_post(self, account: Account, text: str, *, post_id: str | None = None, **extra) -> Post:
        """A post as if made earlier by `account`; its id follows the network's format."""
        with self.lock:
            seq = next(self._seq)
            post_id = post_id or self._new_post_id(account, seq)
            post = Post(post_id, account.id, text, seq, extra=extra)
            self.posts[post.id] = post
            self._posts_by_account.setdefault(account.id, []).append(post)
            return post

    def set_engagement(self, post_id: str, **counts: int) -> Post:
        unknown = set(counts) - set(ENGAGEMENT_FIELDS)
        if unknown:
            raise ValueError(f"unknown engagement fields: {sorted(unknown)}")
        with self.lock:
            post = self.posts[post_id]
            for name, value in counts.items():
                setattr(post, name, value)
            return post

    def posts_of(self, account: Account) -> list[Post]:
        """The account's posts, newest first."""
        with self.lock:
            return self._posts_by_account.get(account.id, [])[::-1]

    def issue_token(self, kind: str, *, account_id, client_id, scopes, ttl, value=None, **extra):
        with self.lock:
            token = Token(
                value=value or self._new_token_value(kind),
                kind=kind,
                account_id=account_id,
                client_id=client_id,
                scopes=frozenset(scopes),
                expires_at=None if ttl is None else time.time() + ttl,
                extra=extra,
            )
            self.tokens[token.value] = token
            return token

    def expire_token(self, value: str) -> None:
        """Make a token expire now, without waiting for it."""
        with self.lock:
            self.tokens[value].expires_at = time.time() - 1

    def tokens_of(self, account: Account, kind: str | None = None) -> list[Token]:
        with self.lock:
            return [
                t
                for t in self.tokens.values()
                if t.account_id == account.id and (kind is None or t.kind == kind)
            ]

    def grow_engagement(self, rng: random.Random | None = None) -> None:
        """Every post gains a little engagement, as if people were reading (for the demo)."""
        rng = rng or random.Random()
        with self.lock:
            for post in self.posts.values():
                post.impressions += rng.randint(0, 40)
                post.likes += rng.randint(0, 3)
                post.reposts += rng.randint(0, 1)
                post.replies += rng.randint(0, 1) * rng.randint(0, 1)

    # --- the same controls over HTTP, for a fake running in another process ------------------

    @route("POST", "/_fake/login")
    def _control_login(self, request: Request) -> Response:
        """{"handle": ..., "followers": ...}: who the authorize page signs in as (created if new)."""
        data = request.json() or {}
        handle = data.get("handle") or self._default_handle()
        account = next((a for a in self.accounts.values() if a.handle == handle), None)
        account = account or self.add_account(handle, followers=int(data.get("followers", 0)))
        self.login(account)
        return json_response(200, {"id": account.id, "handle": account.handle})

    @route("POST", "/_fake/engagement")
    def _control_engagement(self, request: Request) -> Response:
        """{"post_id": ..., "likes": ..., ...}: set a post's numbers."""
        data = dict(request.json() or {})
        post_id = data.pop("post_id", "")
        if post_id not in self.posts:
            return json_response(404, {"error": "no such post"})
        post = self.set_engagement(post_id, **{k: int(v) for k, v in data.items()})
        return json_response(200, {k: getattr(post, k) for k in ENGAGEMENT_FIELDS})

    # --- hooks for the networks -------------------------------------------------------------

    def error_response(self, status: int, request: Request) -> Response:
        return json_response(status, {"error": f"HTTP {status}"})

    def rate_limit_headers(
        self, limit: int, remaining: int, reset_at: float, window: float
    ) -> dict[str, str]:
        return {}

    def rate_limited_response(self, request: Request) -> Response:
        return self.error_response(429, request)

    def rate_limit_key(self, request: Request) -> str:
        return request.bearer or request.client

    def _new_account_id(self, handle: str) -> str:
        return str(len(self.accounts) + 1)

    def _new_post_id(self, account: Account, seq: int) -> str:
        return str(seq)

    def _new_token_value(self, kind: str) -> str:
        return secrets.token_urlsafe(32)

    def _default_handle(self) -> str:
        return "alice"

    # --- dispatch ---------------------------------------------------------------------------

    def _collect_routes(self) -> list[_Route]:
        routes = []
        for attribute in dir(type(self)):
            if hasattr(getattr(type(self), attribute, None), "route"):
                handler = getattr(self, attribute)
                method, template = handler.route
                pattern = re.sub(
                    r":(\w+)", r"(?P<\1>[^/]+)", re.escape(template).replace(r"\:", ":")
                )
                routes.append(_Route(method, template, re.compile(f"^{pattern}$"), handler))
        # literal paths before templated ones, so /accounts/verify_credentials beats /accounts/:id
        return sorted(routes, key=lambda r: (r.template.count(":"), r.template))

    def _known_endpoint(self, endpoint: str) -> str:
        if endpoint == "*":
            return endpoint
        method, _, path = endpoint.rpartition(" ")
        for candidate in self.routes:
            if endpoint in (candidate.name, candidate.template) or (
                candidate.regex.match(path) and method in ("", candidate.method)
            ):
                return candidate.name
        raise ValueError(f"{self.name} has no endpoint {endpoint!r}")

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str]]:
        for candidate in self.routes:
            found = candidate.regex.match(path)
            if found and candidate.method == method:
                return candidate, found.groupdict()
        return None, {}

    def _take_fault(self, request: Request, route_name: str) -> Fault | None:
        with self.lock:
            for fault in self._faults:
                names = (route_name, route_name.partition(" ")[2], request.path)
                if fault.match in ("*", *names, f"{request.method} {request.path}"):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _fault_response(self, fault: Fault, request: Request) -> Response:
        if fault.status == 429 and fault.body is None:
            response = self.rate_limited_response(request)
            limit, window = self._limits.get(request.route) or self._limits.get("*") or (0, 60)
            reset_at = time.time() + (fault.retry_after or window)
            response.headers |= self.rate_limit_headers(limit, 0, reset_at, window)
        elif fault.body is None:
            response = self.error_response(fault.status, request)
        elif isinstance(fault.body, bytes | str):
            text = fault.body.encode() if isinstance(fault.body, str) else fault.body
            response = Response(fault.status, text, {"Content-Type": "text/plain"})
        else:
            response = json_response(fault.status, fault.body)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        response.headers |= fault.headers or {}
        return response

    def _check_rate_limits(self, request: Request, route_name: str) -> tuple[bool, dict[str, str]]:
        """Count this call against every limit that applies; report the one closest to
        running out, as the networks do."""
        now, closest, blocked = time.time(), None, False
        with self.lock:
            for name in (route_name, "*"):
                if name not in self._limits:
                    continue
                limit, window = self._limits[name]
                state = self._windows.setdefault((name, self.rate_limit_key(request)), [now, 0])
                if now - state[0] >= window:
                    state[:] = [now, 0]
                state[1] += 1
                remaining, reset_at = limit - state[1], state[0] + window
                blocked = blocked or remaining < 0
                if closest is None or remaining < closest[1]:
                    closest = (limit, remaining, reset_at, window)
        if closest is None:
            return False, {}
        limit, remaining, reset_at, window = closest
        return blocked, self.rate_limit_headers(limit, max(remaining, 0), reset_at, window)

    def _dispatch(self, method: str, target: str, headers: dict, body: bytes, client: str):
        """The answer to one request, or None to close the connection without one."""
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True)
        request = Request(method, parts.path, query, headers, body, client)
        found, request.params = self._match(method, parts.path)
        if found is None:
            return self.error_response(404, request)
        request.route = found.name
        if found.template.startswith("/_fake/"):  # test controls: not part of the network
            return self._run(found, request)
        with self.lock:
            self.calls[found.name] += 1
            self.requests.append(request)
        time.sleep(self.latency)
        fault = self._take_fault(request, found.name)
        time.sleep(fault.delay if fault else 0)
        if fault and not fault.after:
            return None if fault.drop else self._fault_response(fault, request)
        blocked, limit_headers = self._check_rate_limits(request, found.name)
        if blocked:
            with self.lock:
                self.rate_limited[found.name] += 1
            response = self.rate_limited_response(request)
        else:
            response = self._run(found, request)
        if fault:  # the request took effect; its answer is lost
            return None if fault.drop else self._fault_response(fault, request)
        response.headers = limit_headers | response.headers
        return response

    def _run(self, found: _Route, request: Request) -> Response:
        try:
            with self.lock:
                return found.handler(request)
        except Exception:
            self.errors.append(traceback.format_exc())
            return self.error_response(500, request)
