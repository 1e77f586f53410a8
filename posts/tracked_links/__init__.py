"""The tracked link ``/r/<code>``: its path, its wire formats, its Redis client, and how a
code is followed and resolved.

With Redis, a link lives in two places:

- the cached link under ``TRACKED_LINK_KEY_PREFIX + code``: ``TrackedLink.pack()``, the
  share id, the sharer's id and the destination, separated by ``LINK_SEPARATOR``;
- each counted visit as one entry of the ``CLICK_STREAM_KEY`` stream, in one of two forms:
  ``VISIT_FIELD`` holding ``Visit.encode()`` (what the redirect writes: the code as visited,
  resolved to its share by the flush) or ``EVENT_FIELD`` holding ``ClickEvent.encode()`` (a
  click already resolved to its share: written when the link came from the database).

All formats are defined here once. The redirect sends the lookup of the cached link and the
visit together (``tracked_link_follow``): two plain commands in one round trip, written
before the code is known to exist. The flush drops visits of unknown codes and the sharer's
own, which it learns from the database in one query per batch.
Without Redis (the embedded default) the cached link goes to Django's cache and clicks are
written to the database directly (``posts.services.clicks``).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from posts.models import Share
from posts.tracked_links.memo import memo

logger = logging.getLogger(__name__)

# Mounted at the site root (ambassador/urls.py); the middleware answers paths under it.
ROUTE_PREFIX = "r/"
PATH_PREFIX = "/" + ROUTE_PREFIX
# Codes are what ``secrets.token_urlsafe`` makes; anything else cannot be one.
CODE_RE = re.compile(r"[A-Za-z0-9_-]{6,16}")
# Every new code is 9 random bytes, 12 URL-safe characters (72 bits: short, not guessable).
# Because they all have the same length, a caption checked against a link of that shape
# fits with whichever code a share gets.
CODE_BYTES = 9
CODE_LENGTH = 12
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")

LINK_SEPARATOR = "\t"
EVENT_FIELD = "c"
VISIT_FIELD = "v"
EVENT_SEPARATOR = ":"
_EVENT_FIELD_BYTES = EVENT_FIELD.encode()
_VISIT_FIELD_BYTES = VISIT_FIELD.encode()


@dataclass(frozen=True)
class TrackedLink:
    """What the redirect needs, cached by code so the hot path never waits on PostgreSQL."""

    share_id: int
    sharer_id: int
    destination: str

    def pack(self) -> str:
        return f"{self.share_id}{LINK_SEPARATOR}{self.sharer_id}{LINK_SEPARATOR}{self.destination}"

    @classmethod
    def unpack(cls, value: bytes | str) -> TrackedLink:
        share_id, sharer_id, destination = (
            value.decode() if isinstance(value, bytes) else value
        ).split(LINK_SEPARATOR, 2)
        return cls(int(share_id), int(sharer_id), destination)


@dataclass(frozen=True)
class ClickEvent:
    """One counted click of a known share; ``event_id`` is made on the hot path and keeps
    every store idempotent."""

    event_id: str
    share_id: int
    at_ms: int
    visitor_hash: str

    def encode(self) -> str:
        return EVENT_SEPARATOR.join(
            (self.event_id, str(self.share_id), str(self.at_ms), self.visitor_hash)
        )

    def as_fields(self) -> dict[str, str]:
        # One field per stream entry: a quarter of the parsing work for the flush.
        return {EVENT_FIELD: self.encode()}


@dataclass(frozen=True)
class Visit:
    """A visit that counts unless the flush finds its code unknown or the visitor its sharer:
    what the redirect writes before it knows the share (``visitor_id`` is "" when the
    visitor is nobody we know)."""

    event_id: str
    code: str
    at_ms: int
    visitor_hash: str
    visitor_id: str

    def encode(self) -> str:
        # Codes match CODE_RE and ids are digits: neither holds the separator.
        return EVENT_SEPARATOR.join(
            (self.event_id, self.code, str(self.at_ms), self.visitor_hash, self.visitor_id)
        )

    def as_fields(self) -> dict[str, str]:
        return {VISIT_FIELD: self.encode()}

    def resolved(self, *, share_id: int) -> ClickEvent:
        return ClickEvent(
            event_id=self.event_id,
            share_id=share_id,
            at_ms=self.at_ms,
            visitor_hash=self.visitor_hash,
        )


def stream_entry_decode(fields: dict[bytes, bytes]) -> ClickEvent | Visit | None:
    """A stream entry's event or visit; None for an entry in neither form."""
    value = fields.get(_VISIT_FIELD_BYTES)
    if value is not None:
        event_id, code, at_ms, visitor, visitor_id = value.decode().split(EVENT_SEPARATOR)
        return Visit(
            event_id=event_id,
            code=code,
            at_ms=int(at_ms),
            visitor_hash=visitor,
            visitor_id=visitor_id,
        )
    value = fields.get(_EVENT_FIELD_BYTES)
    if value is not None:
        event_id, share_id, at_ms, visitor = value.decode().split(EVENT_SEPARATOR)
        return ClickEvent(
            event_id=event_id, share_id=int(share_id), at_ms=int(at_ms), visitor_hash=visitor
        )
    return None


_clients: dict[str, redis.Redis] = {}


def redis_client() -> redis.Redis | None:
    """The long-lived Redis client of the hot path (link lookups and the click stream).

    None in the embedded default (no ``REDIS_URL``). One client per process: creating
    clients per request costs more than the round trip itself.
    """
    url = settings.REDIS_URL
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url,
            socket_timeout=settings.CLICK_BUFFER_TIMEOUT_SECONDS,
            socket_connect_timeout=settings.CLICK_BUFFER_TIMEOUT_SECONDS,
        )
    return client


def client_address(meta) -> str:
    """The client address for hashing and limits: REMOTE_ADDR, or the trusted proxy's view.

    ``meta`` is ``request.META`` or a WSGI environ (the same keys).
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return meta.get("REMOTE_ADDR", "")


def link_cache_key(code: str) -> str:
    return settings.TRACKED_LINK_KEY_PREFIX + code


def tracked_link_code_new() -> str:
    """A new random code, ``CODE_LENGTH`` characters long."""
    return secrets.token_urlsafe(CODE_BYTES)


def tracked_link_url(*, code: str) -> str:
    """The absolute tracked link, on the vanity domain when one is configured."""
    return settings.SHORT_LINK_BASE_URL + reverse("tracked_link", kwargs={"code": code})


def tracked_link_shaped() -> str:
    """A tracked link exactly as long as every real one: what a caption is checked with
    before its share (and code) exists, in curation and while it is typed."""
    return tracked_link_url(code="x" * CODE_LENGTH)


def destination_with_utm(*, url: str, network: str, campaign: str, share_id: int) -> str:
    """``url`` with our UTM parameters merged into its query string (ours replace any UTM)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in UTM_KEYS]
    query += [
        ("utm_source", network.lower()),
        ("utm_medium", "ambassador"),
        ("utm_campaign", campaign),
        ("utm_content", str(share_id)),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _link_cached(code: str) -> TrackedLink | None:
    client = redis_client()
    try:
        value = client.get(link_cache_key(code)) if client else cache.get(link_cache_key(code))
    except Exception:  # Redis down: the database still answers.
        logger.warning("tracked link cache unavailable")
        return None
    return TrackedLink.unpack(value) if value else None


def _link_cache(code: str, link: TrackedLink) -> None:
    client = redis_client()
    timeout = settings.TRACKED_LINK_CACHE_SECONDS
    try:
        if client:
            client.set(link_cache_key(code), link.pack(), ex=timeout)
        else:
            cache.set(link_cache_key(code), link.pack(), timeout)
    except Exception:
        logger.warning("tracked link cache unavailable")


def tracked_link_resolve(*, code: str) -> TrackedLink | None:
    """The share behind ``code``: from the cache, else from the database (then cached).

    Archived items still resolve: a post lives forever. A cache failure falls back to the
    database; it never fails the redirect.
    """
    if not CODE_RE.fullmatch(code):
        return None
    link = _link_cached(code)
    if link is not None:
        return link
    return _link_from_database(code)


def _link_from_database(code: str) -> TrackedLink | None:
    row = (
        Share.objects.filter(code=code)
        .values_list("id", "user_id", "network", "item__url", "item__slug")
        .first()
    )
    if row is None:
        return None
    share_id, user_id, network, url, slug = row
    link = TrackedLink(
        share_id=share_id,
        sharer_id=user_id,
        destination=destination_with_utm(
            url=url, network=network, campaign=slug, share_id=share_id
        ),
    )
    _link_cache(code, link)
    return link


_hot = threading.local()


def _hot_connection(client: redis.Redis):
    """This thread's own connection for the redirect: the pool's bookkeeping (locks, its
    observability hooks) costs more than the round trip's Python. Made with the pool's own
    class and arguments (URL, timeouts), once per thread and process."""
    conn = getattr(_hot, "conn", None)
    if conn is None or _hot.pid != os.getpid() or _hot.client is not client:
        pool = client.connection_pool
        conn = pool.connection_class(**pool.connection_kwargs)
        _hot.conn, _hot.pid, _hot.client = conn, os.getpid(), client
    return conn


def _round_trip(client: redis.Redis, commands: list[tuple]) -> list:
    """Send ``commands`` together and read every reply. A connection that failed is dropped,
    so that a half-read reply never reaches the next request (it reconnects on next use)."""
    conn = _hot_connection(client)
    try:
        conn.send_packed_command(conn.pack_commands(commands), check_health=False)
        return [conn.read_response() for _ in commands]
    except BaseException:
        conn.disconnect()
        raise


def _generation_key() -> str:
    return settings.TRACKED_LINK_KEY_PREFIX + "generation"


def _generation(client: redis.Redis):
    return _round_trip(client, [("GET", _generation_key())])[0]


def tracked_link_follow(*, code: str, visit: Visit | None) -> tuple[TrackedLink | None, bool]:
    """Resolve ``code``: from this process's memory, else from Redis, writing ``visit`` to
    the click stream in the same round trip (the flush resolves it, and drops it if the
    code is unknown or the visitor is the sharer), else from the database.

    Returns the link (None for an unknown code) and whether ``visit`` was written; when it
    was not (a remembered link, Redis down, the embedded default), the caller decides about
    the click itself. The caller has checked ``code`` against ``CODE_RE``.
    """
    client = redis_client()
    if client is not None:
        link = memo.get(code, generation_reader=lambda: _generation(client))
        if link is not None:
            return link, False
        commands: list[tuple] = [("GET", link_cache_key(code))]
        if visit is not None:
            commands.append(("XADD", settings.CLICK_STREAM_KEY, "*", VISIT_FIELD, visit.encode()))
        try:
            packed = _round_trip(client, commands)[0]
        except Exception:
            # The visit may have been written before the failure: if the caller writes it
            # again, its event id makes the second copy count nothing.
            logger.warning("tracked link cache unavailable")
        else:
            # Not cached: the lookup has just looked, so go straight to the database.
            link = TrackedLink.unpack(packed) if packed else _link_from_database(code)
            if link is not None:
                memo.put(code, link)
            return link, visit is not None
    return tracked_link_resolve(code=code), False


def click_stream_send(events: list[ClickEvent]) -> None:
    """Append resolved click events to the stream in one round trip (raises on failure)."""
    client = redis_client()
    if client is None:
        raise redis.ConnectionError("no Redis configured")
    key = settings.CLICK_STREAM_KEY
    _round_trip(client, [("XADD", key, "*", EVENT_FIELD, e.encode()) for e in events])


def tracked_links_forget(*, item_id: int) -> None:
    """Drop the cached tracked links of ``item_id``'s shares, e.g. after its URL changed.

    The next visit of each link resolves it from the database again (and caches the new
    destination). Runs after the surrounding transaction commits, so a visit in between
    cannot cache the old URL again; without a transaction it runs at once.
    """
    transaction.on_commit(lambda: _tracked_links_forget(item_id))


def _tracked_links_forget(item_id: int) -> None:
    codes = Share.objects.filter(item_id=item_id).values_list("code", flat=True)
    client = redis_client()
    batch: list[str] = []

    def delete(keys: list[str]) -> None:
        try:
            if client is not None:
                client.delete(*keys)
            else:
                cache.delete_many(keys)
        except Exception:  # the links expire on their own within TRACKED_LINK_CACHE_SECONDS
            logger.warning("tracked link cache unavailable")

    for code in codes.iterator(chunk_size=1000):
        batch.append(link_cache_key(code))
        if len(batch) == 1000:
            delete(batch)
            batch = []
    if batch:
        delete(batch)
    # Every process forgets the links it remembers (posts.tracked_links.memo).
    try:
        if client is not None:
            client.incr(_generation_key())
    except Exception:
        logger.warning("tracked link cache unavailable")
    memo.clear()
