"""The load generator of the click fault lab: human clicks from known visitors, counted."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@dataclass
class LoadResult:
    sent: int  # 302s received
    visitors: int  # distinct visitors among them
    failures: Counter  # status code or exception name -> count
    max_latency_s: float
    seconds: float
    slow: list[tuple[float, float]] = field(default_factory=list)  # (began at s, took s) > 1 s

    def __str__(self) -> str:
        failed = ", ".join(f"{k} x{v}" for k, v in sorted(self.failures.items())) or "none"
        return (
            f"sent {self.sent} clicks (302) from {self.visitors} visitors in "
            f"{self.seconds:.1f} s, failures {failed}, slowest {self.max_latency_s * 1000:.0f} ms"
        )


@dataclass
class Load:
    """Threads sending human clicks at about ``rate`` per second, each from a known visitor.

    Visitor ``v`` (an address in 10.0.0.0/8, sent as X-Forwarded-For behind one trusted
    proxy) always visits code ``v % len(codes)``; ``visitors`` of them take turns, so each
    visits several times in a run. ``visitor_offset`` keeps runs' visitors apart.
    """

    port: int
    codes: list[str]
    rate: float = 50.0
    threads: int = 4
    visitors: int = 300
    visitor_offset: int = 0
    # As long as gunicorn's own timeout: every request gets its answer, none is guessed.
    timeout: float = 35.0
    _counter: itertools.count = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _running: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)
    _sent: int = 0
    _seen: set = field(default_factory=set)
    _failures: Counter = field(default_factory=Counter)
    _max_latency: float = 0.0
    _slow: list = field(default_factory=list)
    _started: float = 0.0
    _stopped: float = 0.0

    def start(self) -> Load:
        self._running.set()
        self._started = time.monotonic()
        for _ in range(self.threads):
            worker = threading.Thread(target=self._run, daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> LoadResult:
        self._running.clear()
        for worker in self._workers:
            worker.join()
        self._stopped = time.monotonic()
        return self.result()

    def result(self) -> LoadResult:
        with self._lock:
            return LoadResult(
                sent=self._sent,
                visitors=len(self._seen),
                failures=Counter(self._failures),
                max_latency_s=self._max_latency,
                seconds=(self._stopped or time.monotonic()) - self._started,
                slow=list(self._slow),
            )

    def _run(self) -> None:
        interval = self.threads / self.rate
        next_at = time.monotonic()
        while self._running.is_set():
            n = next(self._counter)
            visitor = self.visitor_offset + n % self.visitors
            self._click(visitor)
            next_at += interval
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                next_at = time.monotonic()  # behind (a slow answer): no burst to catch up

    def _click(self, visitor: int) -> None:
        code = self.codes[visitor % len(self.codes)]
        address = f"10.{visitor >> 16 & 255}.{visitor >> 8 & 255}.{visitor & 255}"
        began = time.monotonic()
        outcome: str | None = None
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                conn.request(
                    "GET",
                    f"/r/{code}",
                    headers={"User-Agent": BROWSER_UA, "X-Forwarded-For": address},
                )
                response = conn.getresponse()
                response.read()
                if response.status != 302:
                    outcome = str(response.status)
            finally:
                conn.close()
        except Exception as exc:
            outcome = type(exc).__name__
        latency = time.monotonic() - began
        with self._lock:
            self._max_latency = max(self._max_latency, latency)
            if latency > 1:
                self._slow.append((began - self._started, latency))
            if outcome is None:
                self._sent += 1
                self._seen.add(visitor)
            else:
                self._failures[outcome] += 1
