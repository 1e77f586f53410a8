"""The one small HTTP client for network APIs (Mastodon instances, Bluesky PDSes, LinkedIn, X).

Instances and services are hosts people type in, so every call goes through the fetcher's
address checks (``ambassador.fetch``): the host is resolved once, every address is checked
against the deny list and the connection goes to the checked address. Redirects are not
followed (an API that redirects is answered as it is), answers stop at a size cap, and every
call has a connect and a read timeout. Only ``https://`` is spoken, except that with
``DEBUG`` on an ``http://`` URL whose address is on ``FETCH_ALLOWED_NETWORKS`` (local fake
networks) is accepted.

The client never logs: headers and bodies carry tokens.
"""

from __future__ import annotations

import http.client
import ipaddress
import json as jsonlib
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from ambassador.fetch import (
    BlockedURLError,
    FetchError,
    FetchTimeoutError,
    _PinnedHTTPConnection,
    _PinnedHTTPSConnection,
    _resolve,
)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
MAX_BYTES = 2 * 1024 * 1024
USER_AGENT = "Ambassador/1.0 (+employee advocacy)"

__all__ = [
    "ApiResponse",
    "BlockedURLError",
    "FetchError",
    "FetchTimeoutError",
    "request",
    "url_is_acceptable",
]


@dataclass
class ApiResponse:
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names

    def json(self) -> Any:
        """The JSON body, or None when there is none or it is not JSON."""
        try:
            return jsonlib.loads(self.content or b"null")
        except ValueError:
            return None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _local_http_allowed(address: str) -> bool:
    if not settings.DEBUG:
        return False
    ip = ipaddress.ip_address(address.split("%")[0])
    return any(ip in ipaddress.ip_network(n) for n in settings.FETCH_ALLOWED_NETWORKS)


def url_is_acceptable(url: str) -> bool:
    """Whether ``url`` has a scheme the client speaks (https, or http to a local fake in
    development), before any address is resolved."""
    scheme = urlsplit(url).scheme.lower()
    return scheme == "https" or (scheme == "http" and settings.DEBUG)


@sensitive_variables()
def request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | list[tuple[str, Any]] | None = None,
    data: dict[str, Any] | None = None,
    json: Any = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> ApiResponse:
    """One call. Raises ``BlockedURLError`` for a refused address or scheme,
    ``FetchTimeoutError`` when the server is too slow, ``FetchError`` when it cannot be
    reached; any HTTP status is returned for the caller to judge."""
    if params:
        url = f"{url}{'&' if '?' in url else '?'}{urlencode(params, doseq=True)}"
    deadline = time.monotonic() + connect_timeout + read_timeout
    target = _resolve(url, deadline=deadline)
    if target.scheme != "https" and not _local_http_allowed(target.address):
        raise BlockedURLError(_("Only https:// addresses can be used."))
    body = b""
    sent = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if json is not None:
        body = jsonlib.dumps(json).encode()
        sent["Content-Type"] = "application/json"
    elif data is not None:
        body = urlencode(data, doseq=True).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    sent |= headers or {}
    conn_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    conn = conn_class(target, timeout=connect_timeout)
    try:
        host = target.host if ":" not in target.host else f"[{target.host}]"
        if target.port != (443 if target.scheme == "https" else 80):
            host = f"{host}:{target.port}"
        conn.putrequest(method, target.path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host)
        conn.putheader("Accept-Encoding", "identity")
        conn.putheader("Connection", "close")
        for name, value in sent.items():
            conn.putheader(name, value)
        if body or method in ("POST", "PUT", "PATCH"):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        sock = conn.sock
        sock.settimeout(read_timeout)
        response = conn.getresponse()
        received = {k.lower(): v for k, v in response.getheaders()}
        chunks, size = [], 0
        while chunk := response.read1(65536):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(_("The response is larger than the size limit."))
            chunks.append(chunk)
            if time.monotonic() > deadline + read_timeout:
                raise FetchTimeoutError(_("The server took too long to answer."))
        return ApiResponse(response.status, b"".join(chunks), received)
    except TimeoutError as exc:
        raise FetchTimeoutError(_("The server took too long to answer.")) from exc
    except FetchError:
        raise
    except (OSError, http.client.HTTPException) as exc:  # refused, reset, dropped
        raise FetchError(_("The server could not be reached.")) from exc
    finally:
        conn.close()
