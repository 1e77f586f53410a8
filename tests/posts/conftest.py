"""Fixtures of the library tests: media in a temporary folder, and local fake HTTP servers."""

import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def allow_loopback(settings):
    """Let the fetcher reach the fake servers on 127.0.0.1 (and nothing else private)."""
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route(self)

    def log_message(self, *args):
        pass


class FakeServer:
    """A threaded HTTP server on 127.0.0.1; ``route(path, fn)`` adds a handler."""

    def __init__(self):
        handler = type("Handler", (_Handler,), {"routes": {}})
        self.routes = handler.routes
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path, fn):
        self.routes[path] = fn

    def body(self, path, content: bytes, content_type="text/html; charset=utf-8", status=200):
        def respond(handler):
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(content)))
            handler.end_headers()
            handler.wfile.write(content)

        self.route(path, respond)

    def redirect(self, path, location, status=302):
        def respond(handler):
            handler.send_response(status)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.route(path, respond)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_server():
    server = FakeServer()
    yield server
    server.close()


def make_png(size=(8, 8)) -> bytes:
    """A real PNG image."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 95, 139)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas get passwords; hashing them with the production hasher is slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def start_worker(*, allow_loopback: bool = False) -> subprocess.Popen:
    """A REAL Celery worker subprocess on the test database and the Redis broker.

    ``allow_loopback`` sets FETCH_ALLOWED_NETWORKS (honoured with DEBUG) so its fetcher
    may reach the fake servers on 127.0.0.1 (the default settings refuse them)."""
    from django.conf import settings
    from django.db import connection

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("The integration test needs REDIS_URL (a real Redis broker).")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "ambassador.settings",
        "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32" if allow_loopback else "",
    }
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "ambassador", "worker", "-P", "solo",
            "--without-gossip", "--without-mingle", "--loglevel=WARNING",
            "--hostname=test-library@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(check, process, seconds=60):
    """Poll ``check`` until true (or the time is up, or the worker died)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check() or process.poll() is not None:
            break
        time.sleep(0.5)
    assert process.poll() is None, process.stderr.read()
    return check()
