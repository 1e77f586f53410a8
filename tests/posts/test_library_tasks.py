"""Library tasks on a REAL Celery worker (subprocess) with the Redis broker and PostgreSQL."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from posts.models import ContentItem, ContentStatus, Feed, FeedStatus
from posts.tasks import library as tasks
from tests.posts.factories import ContentItemFactory, FeedFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def library_worker(transactional_db):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("The integration test needs REDIS_URL (a real Redis broker).")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
    }
    process = subprocess.Popen(
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
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(check, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check() or process.poll() is not None:
            break
        time.sleep(0.5)
    assert process.poll() is None, process.stderr.read()
    return check()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_archives_expired_items(library_worker):
    past = timezone.now() - timedelta(days=2)
    expired = ContentItemFactory(publish_at=past, expire_at=past + timedelta(days=1))
    tasks.archive_expired_content.delay()
    assert wait_for(
        lambda: ContentItem.objects.get(pk=expired.pk).status == ContentStatus.ARCHIVED,
        library_worker,
    )


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_marks_feed_on_private_address_failing(library_worker):
    feed = FeedFactory(url="http://169.254.169.254/latest/feed.xml")
    tasks.fetch_due_feeds.delay()
    assert wait_for(
        lambda: Feed.objects.get(pk=feed.pk).status == FeedStatus.FAILING, library_worker
    )
    assert "private or reserved network" in Feed.objects.get(pk=feed.pk).last_error


@pytest.mark.django_db
def test_fetch_feed_task_missing_feed_returns_zero():
    assert tasks.fetch_feed.run(999999) == 0


@pytest.mark.django_db
def test_fetch_link_preview_task_missing_item_returns_early():
    assert tasks.fetch_link_preview.run(999999) is None
