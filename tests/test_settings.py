"""Production start-up refuses to run without its required settings, naming the missing one."""

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


def _start(env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env.update(PRODUCTION)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"])
def test_missing_production_setting_stops_startup_naming_it(name):
    result = _start({name: None})
    assert result.returncode != 0
    assert f"The environment variable {name} is required when DEBUG is off." in result.stderr


def test_complete_production_settings_start():
    result = _start({})
    assert result.returncode == 0, result.stderr


def test_production_cookies_are_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE)"
    )
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="ambassador.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["True", "True", "True", "Lax"]


def _settings_value(env_changes: dict[str, str | None], expression: str) -> str:
    """The printed value of ``expression`` (over ``s``, the settings) in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="ambassador.settings")
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    code = (
        f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_fetch_allowed_networks_is_honoured_with_debug():
    value = _settings_value(
        {"DEBUG": "true", "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32, ::1"},
        "s.FETCH_ALLOWED_NETWORKS",
    )
    assert value == "['127.0.0.1/32', '::1/128']"


def test_fetch_allowed_networks_is_empty_by_default():
    value = _settings_value(
        {"DEBUG": "true", "FETCH_ALLOWED_NETWORKS": None}, "s.FETCH_ALLOWED_NETWORKS"
    )
    assert value == "[]"


def test_fetch_allowed_networks_is_ignored_and_warned_without_debug():
    assert (
        _settings_value({"FETCH_ALLOWED_NETWORKS": "10.0.0.0/8"}, "s.FETCH_ALLOWED_NETWORKS")
        == "[]"
    )
    result = _start({"FETCH_ALLOWED_NETWORKS": "10.0.0.0/8"})
    assert result.returncode == 0, result.stderr
    assert "(ambassador.W001) FETCH_ALLOWED_NETWORKS is set but DEBUG is off" in result.stderr
    # Start-up also logs it, for gunicorn and Celery that run no system checks.
    assert "WARNING ambassador FETCH_ALLOWED_NETWORKS is set but DEBUG is off" in result.stderr


def test_no_warning_when_fetch_allowed_networks_is_unset():
    result = _start({"FETCH_ALLOWED_NETWORKS": None})
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "FETCH_ALLOWED_NETWORKS" not in result.stderr


def test_malformed_fetch_allowed_network_stops_startup_naming_it():
    result = _start({"DEBUG": "true", "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32,localhost"})
    assert result.returncode != 0
    assert "FETCH_ALLOWED_NETWORKS: 'localhost' is not a network such as 127.0.0.1/32." in (
        result.stderr
    )


def test_trusted_proxy_count_defaults_to_none_trusted():
    value = _settings_value(
        {"TRUSTED_PROXY_COUNT": None}, "s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT"
    )
    assert value == "0 0"


def test_allauth_proxy_count_is_derived_from_trusted_proxy_count():
    value = _settings_value(
        {"TRUSTED_PROXY_COUNT": "2"}, "s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT"
    )
    assert value == "2 2"


def test_fake_networks_may_be_the_target_of_a_connect_form():
    form_action = "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']"
    with_fakes = _settings_value(
        {"DEBUG": "true", "FAKE_NETWORKS": "true", "FAKE_NETWORKS_PORT_BASE": "8801"}, form_action
    )
    assert with_fakes == (
        "[\"'self'\", 'https:', 'http://127.0.0.1:8801', 'http://127.0.0.1:8802', "
        "'http://127.0.0.1:8803', 'http://127.0.0.1:8804']"
    )
    without = _settings_value({"DEBUG": "true", "FAKE_NETWORKS": "false"}, form_action)
    assert without == "[\"'self'\", 'https:']"
