"""The tracked link ``/r/<code>``: its path, its two wire formats, its Redis client, and
how a code is followed and resolved.

With Redis, a link lives in two places:

- the cached link under ``TRACKED_LINK_KEY_PREFIX + code``: ``TrackedLink.pack()``, the
  share id, the sharer's id and the destination, separated by ``LINK_SEPARATOR``;
- each counted click as one entry of the ``CLICK_STREAM_KEY`` stream: one field,
  ``EVENT_FIELD``, holding ``ClickEvent.encode()``.

Both formats are defined here once. The Lua script beside this file (``follow.lua``) reads
the cached link and writes the click event on the redirect's one round trip; it gets every
detail of both formats as arguments built by ``tracked_link_follow`` from these constants.
Without Redis (the embedded default) the cached link goes to Django's cache and clicks are
written to the database directly (``posts.services.clicks``).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from posts.models import Share

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
EVENT_SEPARATOR = ":"
_EVENT_FIELD_BYTES = EVENT_FIELD.encode()


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
    """One counted click; ``event_id`` is made on the hot path and keeps the flush idempotent."""

    event_id: str
    share_id: int
    at_ms: int
    visitor_hash: str

    def around_share(self) -> tuple[str, str]:
        """The encoded event before and after the share id: the script, which learns the
        share id from the cached link, puts the two halves around it."""
        return (
            f"{self.event_id}{EVENT_SEPARATOR}",
            f"{EVENT_SEPARATOR}{self.at_ms}{EVENT_SEPARATOR}{self.visitor_hash}",
        )

    def encode(self) -> str:
        head, tail = self.around_share()
        return f"{head}{self.share_id}{tail}"

    def as_fields(self) -> dict[str, str]:
        # One field per stream entry: a quarter of the parsing work for the flush.
        return {EVENT_FIELD: self.encode()}

    @classmethod
    def from_fields(cls, fields: dict[bytes, bytes]) -> ClickEvent:
        event_id, share_id, at_ms, visitor = (
            fields[_EVENT_FIELD_BYTES].decode().split(EVENT_SEPARATOR)
        )
        return cls(
            event_id=event_id, share_id=int(share_id), at_ms=int(at_ms), visitor_hash=visitor
        )


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


_FOLLOW_LUA = (Path(__file__).with_name("follow.lua")).read_text()
_FOLLOW_SHA = hashlib.sha1(_FOLLOW_LUA.encode()).hexdigest()  # noqa: S324 (Redis's script id)


def _follow(client: redis.Redis, *args):
    """EVALSHA on a pooled connection, without redis-py's per-command machinery (retries,
    timing hooks, the Script wrapper: more than the round trip costs). The script is loaded
    on first use and again after a Redis restart; a connection that failed mid-answer is
    dropped, so its half-read reply never reaches the next command."""
    pool = client.connection_pool
    conn = pool.get_connection()
    try:
        conn.send_command("EVALSHA", _FOLLOW_SHA, 2, *args)
        try:
            return conn.read_response()
        except redis.exceptions.NoScriptError:
            conn.send_command("SCRIPT", "LOAD", _FOLLOW_LUA)
            conn.read_response()
            conn.send_command("EVALSHA", _FOLLOW_SHA, 2, *args)
            return conn.read_response()
    except BaseException:
        conn.disconnect()
        raise
    finally:
        pool.release(conn)


def tracked_link_follow(
    *, code: str, event: ClickEvent | None, visitor_user_id: str | None
) -> tuple[TrackedLink | None, bool]:
    """Resolve ``code`` and, with Redis, record ``event`` in the same round trip unless the
    visitor is the sharer (the event's share id is filled in by the script).

    Returns the link (None for an unknown code) and whether ``event`` was dealt with: False
    when the link came from the database (a cache miss, Redis down, the embedded default),
    and the caller decides about the click itself. The caller has checked ``code`` against
    ``CODE_RE`` (a code that does not match is found nowhere anyway).
    """
    client = redis_client()
    if client is not None:
        head, tail = event.around_share() if event else ("", "")
        try:
            packed = _follow(
                client,
                link_cache_key(code),
                settings.CLICK_STREAM_KEY,
                LINK_SEPARATOR,
                "" if visitor_user_id is None else str(visitor_user_id),
                EVENT_FIELD if event else "",
                head,
                tail,
            )
        except Exception:
            logger.warning("tracked link cache unavailable")
        else:
            if packed:
                return TrackedLink.unpack(packed), True
            # Not cached: the script has just looked, so go straight to the database.
            return _link_from_database(code), False
    return tracked_link_resolve(code=code), False


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
