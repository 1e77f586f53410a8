"""The HTTP side of the fakes: request and response objects, routing marks, and the handler
that hands each request to its fake."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from tests.fakes.base import FakeNetwork


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    client: str
    params: dict[str, str] = field(default_factory=dict)  # from the route's path template
    route: str = ""

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def form(self) -> dict[str, Any]:
        """Body parameters, from a form or a JSON object, as single values or lists."""
        content_type = self.headers.get("content-type", "")
        if "json" in content_type:
            data = self.json()
            return data if isinstance(data, dict) else {}
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k.removesuffix("[]"): v if k.endswith("[]") else v[-1] for k, v in parsed.items()}

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def bearer(self) -> str | None:
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return value.strip() or None

    def basic_auth(self) -> tuple[str, str] | None:
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except ValueError:
            return None
        return user, password


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload).encode()
    return Response(
        status, body, {"Content-Type": "application/json; charset=utf-8"} | (headers or {})
    )


def html_response(status: int, text: str) -> Response:
    return Response(status, f"<!doctype html><p>{text}</p>".encode(), {"Content-Type": "text/html"})


def redirect_with(uri: str, **params: str | None) -> Response:
    """302 to `uri` with `params` added to whatever query it already has."""
    parts = urlsplit(uri)
    extra = urlencode({k: v for k, v in params.items() if v is not None})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return Response(302, b"", {"Location": urlunsplit(parts._replace(query=query))})


def route(method: str, template: str) -> Callable:
    """Mark a fake's method as the handler of `METHOD /path/:param`."""

    def mark(handler: Callable) -> Callable:
        handler.route = (method, template)
        return handler

    return mark


def is_absolute_uri(uri: str) -> bool:
    parts = urlsplit(uri)
    return bool(parts.scheme and parts.netloc) and "#" not in uri


def iso(timestamp: float) -> str:
    millis = round(timestamp * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(timestamp)) + f".{millis:03d}Z"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeNetwork

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        response = self.fake._dispatch(
            self.command, self.path, headers, body, self.client_address[0]
        )
        if response is None:
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a test run should not print a line per request."""
