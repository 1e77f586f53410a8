"""What the posting and reading adapters share: results, errors, rate-limit headers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from accounts.connections.base import (
    AuthRevoked,
    ConnectError,
    NetworkUnavailable,
    body_of,
    call,
)

__all__ = [
    "AuthRevoked",
    "ConnectError",
    "Counts",
    "Duplicate",
    "NetworkUnavailable",
    "NotReported",
    "PostRejected",
    "Published",
    "body_of",
    "call",
    "rate_limit_wait",
]


@dataclass(frozen=True)
class Published:
    post_id: str
    url: str


@dataclass(frozen=True)
class Counts:
    """None: the network does not report this figure."""

    reactions: int | None = None
    reposts: int | None = None
    replies: int | None = None
    quotes: int | None = None
    impressions: int | None = None


class PostRejected(ConnectError):
    """The network explained why it will not take the post; retrying would not help."""


class Duplicate(PostRejected):
    """The network already has this text, as the post ``post_id``."""

    def __init__(self, message, *, post_id: str):
        super().__init__(message)
        self.post_id = post_id


class NotReported(ConnectError):
    """The network does not give this app these figures."""


def _reset_seconds(value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    if value.replace(".", "", 1).isdigit():
        number = float(value)
        # A Unix time (X, Bluesky) or a number of seconds.
        return number - time.time() if number > 1_000_000_000 else number
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() - time.time()
    except ValueError:
        return None


def rate_limit_wait(headers: dict[str, str]) -> float | None:
    """Seconds until the next call is allowed when the rate-limit headers say none is
    left (X's x-rate-limit-*, Mastodon's X-RateLimit-*, Bluesky's RateLimit-*)."""
    for prefix in ("x-rate-limit-", "x-ratelimit-", "ratelimit-"):
        remaining = headers.get(f"{prefix}remaining")
        if remaining is not None and remaining.strip().isdigit() and int(remaining) <= 0:
            wait = _reset_seconds(headers.get(f"{prefix}reset", ""))
            return max(wait or 60.0, 1.0)
    return None
