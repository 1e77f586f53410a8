"""The one SSRF-safe HTTP fetcher: every outbound fetch of a user-supplied URL goes here.

What it guarantees, so that a URL typed by a person can never reach inside our network
or tie up a worker:

- only ``http``/``https`` URLs, without user info;
- the host name is resolved once, EVERY resolved address is checked against an explicit
  deny list (``ipaddress.is_private`` alone misses CGNAT, NAT64, IPv4-mapped IPv6 …), and
  the connection goes to the checked address itself — there is no second DNS lookup
  between check and connect (no TOCTOU / DNS rebinding);
- redirects are followed by hand, at most ``max_redirects`` (3), each target checked again;
- the body stops at ``max_bytes`` (about 2 MB); connect, per-read and total timeouts;
- no compression is asked for, so the size cap is the size in memory.

Tests and ``make run`` talk to local fake servers: ``settings.FETCH_ALLOWED_NETWORKS`` (the
environment variable of that name, honoured only with ``DEBUG``; empty by default) lists
networks to let through despite the deny list.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 2 * 1024 * 1024
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
TOTAL_TIMEOUT = 20.0
MAX_REDIRECTS = 3
USER_AGENT = "Ambassador/1.0 (+link preview and feed reader)"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}

# Everything that is not the public internet. Explicit, because the stdlib's flags
# disagree between Python versions and miss several of these.
DENIED_NETWORKS = [
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this" network
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255 broadcast
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::ffff:0:0/96",  # IPv4-mapped IPv6
        "::/96",  # IPv4-compatible IPv6 (deprecated)
        "64:ff9b::/96",  # NAT64
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments (Teredo, ORCHID …)
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: embeds an IPv4 address
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
]


class FetchError(Exception):
    """The fetch was refused or failed; ``reason`` is a translated, human sentence."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


class BlockedURLError(FetchError):
    pass


class ResponseTooLargeError(FetchError):
    pass


class TooManyRedirectsError(FetchError):
    pass


class FetchTimeoutError(FetchError):
    pass


@dataclass
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _sep, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"'")
        return "utf-8"


def _allowed_networks() -> list:
    return [ipaddress.ip_network(net) for net in getattr(settings, "FETCH_ALLOWED_NETWORKS", [])]


def address_is_denied(address: str) -> bool:
    """True when ``address`` is not a public internet address (or cannot be parsed)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return True
    if any(ip in net for net in _allowed_networks()):
        return False
    if any(ip.version == net.version and ip in net for net in DENIED_NETWORKS):
        return True
    # Belt and braces: anything else the standard library calls non-global.
    return not ip.is_global


@dataclass
class _Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str
    family: int


def _getaddrinfo(host: str, port: int, *, timeout: float) -> list:
    """``socket.getaddrinfo`` has no timeout of its own: run it in a helper thread and stop
    waiting when the fetch's time is up (the thread ends on its own later)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fetch-dns")
    future = pool.submit(
        socket.getaddrinfo, host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    pool.shutdown(wait=False)
    try:
        return future.result(timeout=timeout)
    except FutureTimeoutError as exc:
        raise FetchTimeoutError(_("The host name took too long to resolve.")) from exc
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(_("The host name could not be resolved.")) from exc


def _resolve(url: str, *, deadline: float) -> _Target:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BlockedURLError(_("Only http:// and https:// addresses can be fetched."))
    if parts.username or parts.password:
        raise BlockedURLError(_("Addresses with a user name or password are not fetched."))
    host = parts.hostname
    if not host:
        raise BlockedURLError(_("The address has no host name."))
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise BlockedURLError(_("The address has an invalid port.")) from exc
    infos = _getaddrinfo(host, port, timeout=_remaining(deadline))
    if not infos:
        raise FetchError(_("The host name could not be resolved."))
    # Every address must pass: a name that resolves to one public and one private
    # address is refused rather than gambling on which one we would get.
    for _family, _type, _proto, _canon, sockaddr in infos:
        if address_is_denied(sockaddr[0]):
            raise BlockedURLError(_("The address points to a private or reserved network."))
    family, _type, _proto, _canon, sockaddr = infos[0]
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return _Target(scheme, host, port, path, sockaddr[0], family)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the already checked address, whatever DNS says now."""

    def __init__(self, target: _Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._target = target

    def connect(self):
        self.sock = socket.create_connection((self._target.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: _Target, timeout: float):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._target = target

    def connect(self):
        sock = socket.create_connection((self._target.address, self.port), self.timeout)
        # SNI and certificate checks use the host name, the socket the checked address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self._target.host)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchTimeoutError(_("The server took too long to answer."))
    return left


def _request_once(target, *, deadline, connect_timeout, read_timeout, max_bytes, accept):
    conn_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    conn = conn_class(target, timeout=min(connect_timeout, _remaining(deadline)))
    try:
        host_header = target.host if ":" not in target.host else f"[{target.host}]"
        default_port = 443 if target.scheme == "https" else 80
        if target.port != default_port:
            host_header = f"{host_header}:{target.port}"
        conn.putrequest("GET", target.path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host_header)
        conn.putheader("User-Agent", USER_AGENT)
        conn.putheader("Accept", accept)
        conn.putheader("Accept-Encoding", "identity")
        conn.putheader("Connection", "close")
        conn.endheaders()
        # Keep our own reference: http.client drops ``conn.sock`` on "Connection: close".
        sock = conn.sock
        sock.settimeout(min(read_timeout, _remaining(deadline)))
        response = conn.getresponse()
        headers = {key.lower(): value for key, value in response.getheaders()}
        if response.status in REDIRECT_STATUSES:
            return response.status, headers, b""
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise ResponseTooLargeError(_("The response is larger than the size limit."))
        chunks, size = [], 0
        while True:
            sock.settimeout(min(read_timeout, _remaining(deadline)))
            chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise ResponseTooLargeError(_("The response is larger than the size limit."))
            chunks.append(chunk)
            _remaining(deadline)
        return response.status, headers, b"".join(chunks)
    except TimeoutError as exc:
        raise FetchTimeoutError(_("The server took too long to answer.")) from exc
    except ssl.SSLError as exc:
        raise FetchError(_("The secure connection failed.")) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(_("The server could not be reached.")) from exc
    finally:
        conn.close()


def fetch(
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    max_redirects: int = MAX_REDIRECTS,
    accept: str = "*/*",
) -> FetchResult:
    """GET ``url`` safely. Raises a ``FetchError`` subclass when refused or failed;
    returns the final response otherwise (any status; the caller decides)."""
    deadline = time.monotonic() + total_timeout
    current = url
    for _hop in range(max_redirects + 1):
        target = _resolve(current, deadline=deadline)
        status, headers, body = _request_once(
            target,
            deadline=deadline,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_bytes=max_bytes,
            accept=accept,
        )
        if status in REDIRECT_STATUSES and headers.get("location"):
            current = urljoin(current, headers["location"].strip())
            continue
        return FetchResult(url=current, status=status, content=body, headers=headers)
    raise TooManyRedirectsError(_("The address redirects too many times."))
