"""Shared fixtures: personas for permission tests, and the browser set-up.

Personas (healthchecks' idea): an employee and a manager in team A, a manager of team B,
a programme admin, and an outsider who belongs to no team.
"""

import os
import shutil
from dataclasses import dataclass

import pytest

from accounts.models import Team, User
from tests.factories import MembershipFactory, TeamFactory, UserFactory, give_mfa

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
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _isolated_cache(settings, request):
    """Each test starts with an empty cache (rate limits, resolved links)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
