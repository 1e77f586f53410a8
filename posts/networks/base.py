"""What the posting and reading adapters share: results, errors, rate-limit headers."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.connections.base import (
    AuthRevoked,
    ConnectError,
    NetworkUnavailable,
    body_of,
    call,
    rate_limit_wait,
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
