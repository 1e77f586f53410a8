"""/media/ is served by Django only with DEBUG or SERVE_MEDIA, and never runs in our origin.

The URL patterns are fixed at start-up, so each case starts a production-settings process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/nowhere",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "ALLOWED_HOSTS": "ambassador.example.com",
}
FETCH = (
    "import json; from django.test import Client; from django.urls import Resolver404, resolve\n"
    "c = Client(); out = {}\n"
    "try:\n"
    "    resolve('/media/pic.png')\n"
    "except Resolver404:\n"
    "    out['routed'] = False\n"
    "else:\n"
    "    out['routed'] = True\n"
    "for name in ('pic.png', 'page.html') if out['routed'] else ():\n"
    "    r = c.get('/media/' + name, secure=True, HTTP_HOST='ambassador.example.com')\n"
    "    out[name] = [r.status_code, r.get('Content-Disposition'), "
    "r.get('Content-Security-Policy')]\n"
    "print(json.dumps(out))"
)


@pytest.fixture
def media_root(tmp_path):
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "page.html").write_text("<script>alert(1)</script>")
    return tmp_path


def _fetch(media_root: Path, **env_changes: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "SERVE_MEDIA"}
    env.update(PRODUCTION, MEDIA_ROOT=str(media_root), **env_changes)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", FETCH],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_media_not_served_in_production_by_default(media_root):
    assert _fetch(media_root) == {"routed": False}


def test_media_served_with_serve_media_flag(media_root):
    status, disposition, policy = _fetch(media_root, SERVE_MEDIA="true")["pic.png"]
    assert status == 200
    assert disposition == 'inline; filename="pic.png"'
    assert policy == "default-src 'none'; img-src 'self'; sandbox"


def test_media_non_image_is_downloaded_and_sandboxed(media_root):
    status, disposition, policy = _fetch(media_root, SERVE_MEDIA="true")["page.html"]
    assert status == 200
    assert disposition == "attachment"
    assert policy == "default-src 'none'; img-src 'self'; sandbox"
