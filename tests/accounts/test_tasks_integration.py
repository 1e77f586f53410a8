"""A real Celery worker on the Redis broker sends an invitation and marks it sent in PostgreSQL."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Invitation
from accounts.services import invitation_create
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("The integration test needs REDIS_URL (a real Redis broker).")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    # Leftovers from earlier runs must not keep the worker busy.
    from ambassador.celery import app

    app.control.purge()
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ambassador",
            "worker",
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "--hostname=test-foundation@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_sends_invitation_and_marks_it_sent(celery_worker_process):
    admin = UserFactory(is_admin=True)
    invitation = invitation_create(email="worker@elsewhere.test", team=None, invited_by=admin)
    deadline = time.monotonic() + 90
    sent_at = None
    while time.monotonic() < deadline:
        sent_at = Invitation.objects.values_list("sent_at", flat=True).get(pk=invitation.pk)
        if sent_at is not None or celery_worker_process.poll() is not None:
            break
        time.sleep(0.5)
    assert celery_worker_process.poll() is None
    assert sent_at is not None
