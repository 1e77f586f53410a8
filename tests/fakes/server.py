"""A tiny threaded HTTP server on 127.0.0.1 for fake webhook services.

Subclasses answer POSTs like the real service; ``fail_next`` makes the next requests
answer with a chosen status (429 with ``Retry-After``, 5xx …) on demand.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Failure:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class FakeWebhookServer:
    """Start with ``start()``, stop with ``stop()``; ``received`` holds the accepted posts."""

    def __init__(self):
        self.received: list[Received] = []
        self.attempts: list[Received] = []
        self._failures: deque[Failure] = deque()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = Received(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
                status, headers, body = fake._answer(request)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeWebhookServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def fail_next(
        self, status: int, *, times: int = 1, retry_after: int | None = None, body: bytes = b""
    ):
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self._lock:
            for _ in range(times):
                self._failures.append(Failure(status, body or self.failure_body(status), headers))

    def failure_body(self, status: int) -> bytes:
        return b""

    def _answer(self, request: Received) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.attempts.append(request)
            failure = self._failures.popleft() if self._failures else None
        if failure is not None:
            return failure.status, {"Content-Type": "text/plain", **failure.headers}, failure.body
        status, headers, body = self.handle(request)
        if 200 <= status < 300:
            with self._lock:
                self.received.append(request)
        return status, headers, body

    def handle(self, request: Received) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError
