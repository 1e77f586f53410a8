"""Outgoing mail from ``EMAIL_URL`` (django-environ's syntax), console email without it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k, None) "
    "for k in ['EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', "
    "'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'EMAIL_TIMEOUT', 'EMAIL_FILE_PATH']}))"
)


def email_settings(**env_changes: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    env.update({"DEBUG": "true", **env_changes})
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRINT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_smtp_with_tls_and_credentials_from_email_url():
    found = email_settings(EMAIL_URL="smtp+tls://mailer:s%40cret@smtp.example.com:587")
    assert found | {"EMAIL_FILE_PATH": None} == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "s@cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 30,
        "EMAIL_FILE_PATH": None,
    }


def test_mailpit_with_a_timeout():
    found = email_settings(EMAIL_URL="smtp://mailpit:1025?timeout=10")
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"], found["EMAIL_TIMEOUT"]) == (
        "mailpit",
        1025,
        10,
    )


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("consolemail://", "django.core.mail.backends.console.EmailBackend"),
        ("memorymail://", "django.core.mail.backends.locmem.EmailBackend"),
    ],
)
def test_console_and_memory_backends(url, backend):
    assert email_settings(EMAIL_URL=url)["EMAIL_BACKEND"] == backend


def test_file_backend_with_an_absolute_directory(tmp_path):
    found = email_settings(EMAIL_URL=f"filemail:///{tmp_path}")
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert found["EMAIL_FILE_PATH"] == str(tmp_path)


def test_without_email_url_the_embedded_default_prints_to_the_console():
    found = email_settings()
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
