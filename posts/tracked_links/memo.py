"""The tracked links a web process resolved lately, so that a busy link costs no round trip.

Every process keeps up to ``TRACKED_LINK_MEMO_SIZE`` links (first in, first out), each for
at most ``TRACKED_LINK_CACHE_SECONDS``, as long as the links' *generation* in Redis stays the
same. ``tracked_links_forget`` (a destination changed) deletes the cached links and bumps the
generation; each process reads it at most every ``TRACKED_LINK_MEMO_CHECK_SECONDS`` and
forgets everything it holds when it moved. While Redis is down, what a process holds keeps
answering: a redirect then needs neither Redis nor PostgreSQL.

A plain dict under the GIL: reads and writes of single keys are atomic, and a lost race
between two threads only means a link resolved twice.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from posts.tracked_links import TrackedLink

logger = logging.getLogger(__name__)


class LinkMemo:
    def __init__(self) -> None:
        self._links: dict[str, tuple[TrackedLink, float]] = {}
        self._generation: bytes | None = None
        self._checked_until = 0.0

    def get(self, code: str, *, generation_reader) -> TrackedLink | None:
        """The link remembered for ``code``, or None. ``generation_reader`` returns the
        current generation from Redis (it may raise: then what is held stays valid)."""
        if not settings.TRACKED_LINK_MEMO_SIZE:
            return None
        now = time.monotonic()
        if now >= self._checked_until:
            self._checked_until = now + settings.TRACKED_LINK_MEMO_CHECK_SECONDS
            try:
                generation = generation_reader()
            except Exception:
                logger.warning("tracked link generation unavailable; keeping remembered links")
            else:
                if generation != self._generation:
                    self._links.clear()
                    self._generation = generation
        entry = self._links.get(code)
        if entry is None or entry[1] <= now:
            return None
        return entry[0]

    def put(self, code: str, link: TrackedLink) -> None:
        size = settings.TRACKED_LINK_MEMO_SIZE
        if not size:
            return
        links = self._links
        while len(links) >= size:
            try:
                del links[next(iter(links))]
            except (KeyError, StopIteration, RuntimeError):  # another thread got there first
                break
        links[code] = (link, time.monotonic() + settings.TRACKED_LINK_CACHE_SECONDS)

    def clear(self) -> None:
        self._links.clear()
        self._generation = None
        self._checked_until = 0.0


memo = LinkMemo()
