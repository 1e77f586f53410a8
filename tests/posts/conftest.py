"""Fixtures of the posts tests: media in a temporary folder, and local fake HTTP servers."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image


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
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 95, 139)).save(buffer, format="PNG")
    return buffer.getvalue()
