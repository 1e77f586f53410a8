"""Shared fixtures: personas for permission tests, a real Celery worker, and the browser
set-up.

Personas (healthchecks' idea): an employee and a manager in team A, a manager of team B,
a programme admin, and an outsider who belongs to no team.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from accounts.models import Team, User
from ambassador.celery import app as celery_app
from posts.tracked_links.memo import memo
from tests.factories import MembershipFactory, TeamFactory, UserFactory, give_mfa

ROOT = Path(__file__).resolve().parents[1]

# Playwright's sync API runs an event loop in the test thread; live_server's ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class Personas:
    team_a: Team
    team_b: Team
    employee: User
    employee_b: User
    manager_a: User
    manager_b: User
    admin: User
    outsider: User


@pytest.fixture
def personas(db) -> Personas:
    team_a = TeamFactory(name="Team A", slug="team-a")
    team_b = TeamFactory(name="Team B", slug="team-b")
    employee = UserFactory(email="employee@example.com", display_name="Employee A")
    employee_b = UserFactory(email="employee-b@example.com", display_name="Employee B")
    manager_a = UserFactory(email="manager-a@example.com", display_name="Manager A")
    manager_b = UserFactory(email="manager-b@example.com", display_name="Manager B")
    admin = UserFactory(email="admin@example.com", display_name="Admin", is_admin=True)
    outsider = UserFactory(email="outsider@example.com", display_name="Outsider")
    MembershipFactory(team=team_a, user=employee)
    MembershipFactory(team=team_b, user=employee_b)
    MembershipFactory(team=team_a, user=manager_a, is_manager=True)
    MembershipFactory(team=team_b, user=manager_b, is_manager=True)
    for staff in (manager_a, manager_b, admin):
        give_mfa(staff)
    return Personas(team_a, team_b, employee, employee_b, manager_a, manager_b, admin, outsider)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests hash many passwords; the production hasher's cost buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in English: a request that activated Norwegian leaves it active
    in the thread (LocaleMiddleware never deactivates), which would leak into the next test."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _isolated_cache(settings, request):
    """Each test starts with an empty cache (rate limits, resolved links) and a process that
    remembers no tracked link. Remembered links are checked against Redis on every visit,
    and a counted click is written as it comes, so that a test sees its effect at once
    (tests/posts/test_click_writer.py runs the production timing)."""
    settings.TRACKED_LINK_MEMO_CHECK_SECONDS = 0
    settings.CLICK_WRITE_WINDOW_MS = 0
    cache.clear()
    memo.clear()
    yield
    cache.clear()
    memo.clear()


# --- A real Celery worker -------------------------------------------------------------------


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def wait_for(self, check, seconds: float = 90):
        """Poll ``check`` until it is true (or the time is up, or the worker died)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check() or self.process.poll() is not None:
                break
            time.sleep(0.25)
        assert self.process.poll() is None, self.log.read_text()
        return check()


def _worker_environment() -> dict[str, str]:
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )
    return {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "REDIS_URL": django_settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "ambassador.settings",
        # The worker's fetcher may reach the tests' fake servers on 127.0.0.1 (nothing else
        # private); honoured because DEBUG is on.
        "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
        # Mail stays in the worker's memory.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # Click events a "killed" flush left pending are taken over at once, not after a minute.
        "CLICK_RECLAIM_IDLE_MS": "0",
        # Tokens the test stored are read with the same keys; tracked links look the same.
        "FIELD_ENCRYPTION_KEYS": ",".join(django_settings.FIELD_ENCRYPTION_KEYS),
        "SHORT_LINK_BASE_URL": django_settings.SHORT_LINK_BASE_URL,
    }


def _start_worker(log_path: Path) -> tuple[subprocess.Popen, object]:
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "ambassador", "worker", "-P", "solo",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
            f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=ROOT,
        env=_worker_environment(),
        stdout=subprocess.DEVNULL,
        stderr=log,
    )  # fmt: skip
    return process, log


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A REAL Celery worker subprocess on the test database and the Redis broker.

    The test's rows must be committed for the worker to see them, hence ``transactional_db``.
    """
    if not django_settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("The integration test needs REDIS_URL (a real Redis broker).")
    # Leftovers from earlier runs must not keep the worker busy.
    celery_app.control.purge()
    process, log = _start_worker(tmp_path / "worker.log")
    yield Worker(process=process, log=tmp_path / "worker.log")
    _stop(process)
    log.close()


@dataclass
class Beat:
    """Real ``celery beat`` processes next to the real worker, each with its own schedule
    file in the test's directory, ticking every ``tick`` seconds for publishing and
    engagement collection. Nothing runs until ``start()``: a test can first make the rows a
    stopped beat would have missed. ``start()`` twice runs two beats, as a misconfigured
    deployment would; ``start_worker()`` adds a worker (the fixture's own may be killed)."""

    tmp_path: Path
    tick: float = 1.0
    processes: list[subprocess.Popen] = field(default_factory=list)
    logs: list = field(default_factory=list)

    def _environment(self) -> dict[str, str]:
        return {
            **_worker_environment(),
            "PUBLISH_TICK_SECONDS": str(self.tick),
            "COLLECT_TICK_SECONDS": str(self.tick),
        }

    def start(self) -> subprocess.Popen:
        number = len(self.processes)
        log = (self.tmp_path / f"beat-{number}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "ambassador", "beat", "--loglevel=INFO",
                f"--schedule={self.tmp_path / f'beat-{number}-schedule'}", "--max-interval=1",
            ],
            cwd=ROOT,
            env=self._environment(),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )  # fmt: skip
        self.processes.append(process)
        self.logs.append(log)
        return process

    def start_worker(self) -> Worker:
        log_path = self.tmp_path / f"worker-{len(self.processes)}-{uuid.uuid4().hex[:4]}.log"
        process, log = _start_worker(log_path)
        self.processes.append(process)
        self.logs.append(log)
        return Worker(process=process, log=log_path)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                _stop(process)
        for log in self.logs:
            log.close()
        self.processes.clear()
        self.logs.clear()


@pytest.fixture
def celery_beat(celery_worker, tmp_path):
    """A REAL ``celery beat`` subprocess (see ``Beat``) on Redis, next to ``celery_worker``;
    the publish and collect ticks come every second instead of every minute."""
    beat = Beat(tmp_path=tmp_path)
    yield beat
    beat.stop()


# --- Browser tests: Python Playwright driving Debian's Chromium -----------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium is required for browser tests (apt-get install chromium).")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
