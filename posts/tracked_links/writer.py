"""Counted clicks handed to the Redis stream in batches, from a thread of each web process.

A redirect whose link the process remembers (``memo``) needs no round trip to answer; its
click is queued here, and this process's writer thread sends what has queued every
``CLICK_WRITE_WINDOW_MS`` as one pipeline of ``XADD``: one round trip for many clicks instead
of one each. When Redis fails, the batch goes straight to PostgreSQL (``store``, which the
services module gives); when both fail it is kept and tried again on the next window.

What this costs in safety, and why it is small: a click waits here at most one window
(20 ms by default) plus the round trip. A process stopped normally (gunicorn's TERM or
restart, an exit) sends what it holds first (``atexit``); only a process killed outright
(SIGKILL, the kernel's OOM killer) loses the clicks of its last window. The stream itself
is Redis's, whose append-only file is written every second. ``CLICK_WRITE_WINDOW_MS = 0``
writes each click as it comes, with the redirect waiting for it.

Hand-written: no maintained package batches writes to a Redis stream from a WSGI process.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from posts.tracked_links import ClickEvent

logger = logging.getLogger(__name__)

# Clicks kept while neither Redis nor PostgreSQL takes them; past this the oldest are dropped
# (and logged), so that an outage of both cannot exhaust the web process's memory.
MAX_HELD = 100_000


class ClickWriter:
    def __init__(self) -> None:
        self._held: list[ClickEvent] = []
        self._lock = threading.Lock()
        # Held by whoever is sending a batch: the exit's last flush waits for the thread's.
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._send: Callable[[list[ClickEvent]], None] | None = None
        self._store: Callable[[list[ClickEvent]], object] | None = None

    def configure(
        self,
        *,
        send: Callable[[list[ClickEvent]], None],
        store: Callable[[list[ClickEvent]], object],
    ) -> None:
        """``send`` writes a batch to the stream (raises on failure); ``store`` writes it to
        the database directly."""
        self._send, self._store = send, store

    def add(self, event: ClickEvent) -> None:
        with self._lock:
            self._held.append(event)
            first = len(self._held) == 1
        if self._pid != os.getpid():
            self._start()
        if first:
            self._wake.set()

    def held(self) -> int:
        return len(self._held)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            # A forked child inherits no thread: it starts its own, and sends what it holds
            # when it exits.
            self._pid = os.getpid()
            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._run, name="click-writer", daemon=True)
            self._thread.start()
            atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(settings.CLICK_WRITE_WINDOW_MS / 1000)
            self._wake.clear()
            if not self.flush():
                # Neither store took them: try again after a pause, not in a tight loop.
                time.sleep(1.0)
                self._wake.set()

    def flush(self) -> bool:
        """Send what is held now. True when it was taken (or nothing was held)."""
        with self._flushing:
            return self._flush()

    def _flush(self) -> bool:
        with self._lock:
            batch, self._held = self._held, []
        if not batch:
            return True
        try:
            self._send(batch)
            return True
        except Exception:
            logger.warning("click buffer unavailable; writing %d clicks directly", len(batch))
        try:
            self._store(batch)
            return True
        except Exception:
            logger.exception("click store unavailable; holding %d clicks", len(batch))
        with self._lock:
            self._held[:0] = batch
            dropped = len(self._held) - MAX_HELD
            if dropped > 0:
                del self._held[:dropped]
                logger.error("click writer full: %d clicks dropped", dropped)
        return False


writer = ClickWriter()
