"""Exactly once with a REAL Celery worker and beat on Redis, PostgreSQL and a file mailbox.

- beat was stopped while reminders fell due (several one-minute slots, a digest slot), then
  starts: each reminder is sent once, late rather than lost; a digest whose week passed is
  dropped; a second start of beat sends nothing again;
- two beats (and two workers) running at once: still once;
- the broker is flushed after the tick handed the emails over: nothing is lost;
- a LinkedIn grant about to expire and a connection marked "reconnect needed": each told
  once, by a worker and two beats;
- a worker killed (SIGKILL) while a real SMTP server holds one of its messages: a new
  worker sends every email, none lost; only what the dead worker had handed over goes twice.

The tick runs every second here (``NOTIFICATIONS_TICK_SECONDS``), and a handed-over row
that nobody claimed is handed over again after 3 seconds (``NOTIFICATIONS_REQUEUE_SECONDS``).
"""

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts import webhooks
from accounts.connections.services import connection_mark_reconnect
from accounts.models import (
    Connection,
    Notification,
    NotificationKind,
    NotificationSetting,
    ReminderSchedule,
    WebhookMessage,
)
from accounts.tasks import notifications_tick
from ambassador.celery import app
from ambassador.networks import Network
from tests.factories import TeamFactory, UserFactory
from tests.fakes.slack import FakeSlack
from tests.fakes.smtp import FakeSMTP
from tests.posts.factories import ContentItemFactory
from tests.training.factories import ModuleFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
KEY = Fernet.generate_key().decode()
MESSAGE_ID = re.compile(rb"^Message-ID: <notification-(\d+)@", re.MULTILINE)


class Celery:
    """Worker and beat subprocesses sharing one environment; all stopped at the end."""

    def __init__(self, tmp_path: Path):
        db = connection.settings_dict
        self.mailbox = tmp_path / "mail"
        self.mailbox.mkdir()
        self.tmp = tmp_path
        self.env = {
            **os.environ,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "tests.accounts.reminders_worker_settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "EMAIL_URL": f"filemail:///{self.mailbox}",
            "FIELD_ENCRYPTION_KEYS": KEY,
            "NOTIFICATIONS_TICK_SECONDS": "1",
            "NOTIFICATIONS_REQUEUE_SECONDS": "3",
            "LOG_LEVEL": "WARNING",
        }
        self.processes: list[subprocess.Popen] = []

    def _start(self, *args: str, name: str) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ambassador", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def worker(self) -> subprocess.Popen:
        name = f"reminders-{uuid.uuid4().hex[:8]}"
        return self._start(
            "worker", "-P", "solo", "--without-gossip", "--without-mingle", "-l", "warning",
            "-n", f"{name}@%h", name=name,
        )  # fmt: skip

    def beat(self) -> subprocess.Popen:
        name = f"beat-{uuid.uuid4().hex[:8]}"
        return self._start(
            "beat", "-l", "warning", "--schedule", str(self.tmp / f"{name}.db"), name=name
        )

    def stop(self, process: subprocess.Popen) -> None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.stop(process)

    def logs(self) -> str:
        return "\n".join(path.read_text()[-3000:] for path in sorted(self.tmp.glob("*.log")))

    def sent(self) -> Counter:
        """How many times each notification's email is in the mailbox."""
        counts: Counter = Counter()
        for path in self.mailbox.iterdir():
            for match in MESSAGE_ID.finditer(path.read_bytes()):
                counts[int(match.group(1))] += 1
        return counts


@pytest.fixture
def celery(transactional_db, tmp_path, settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("The integration test needs REDIS_URL (a real Redis broker).")
    settings.FIELD_ENCRYPTION_KEYS = [KEY]
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    app.control.purge()
    runner = Celery(tmp_path)
    yield runner
    runner.stop_all()
    app.control.purge()


@pytest.fixture
def slack():
    server = FakeSlack().start()
    yield server
    server.stop()


def wait_for(check, *, timeout: float = 120, pause: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(pause)
    return check()


def due_while_beat_was_down(slack=None):
    """Reminders that fell due while nothing ran: a training module due in three days, the
    digest slot two hours ago, and last week's digest still waiting (stale now)."""
    now = timezone.now()
    ReminderSchedule.objects.create(
        pk=1, digest_weekday=now.weekday(), digest_time=(now - dt.timedelta(hours=2)).time()
    )
    people = [
        UserFactory(time_zone="UTC", date_joined=now - dt.timedelta(days=60)) for _ in range(4)
    ]
    for person in people:
        # No quiet hours: the test must not depend on the time of day it runs at.
        NotificationSetting.objects.create(
            user=person, quiet_hours_start=None, quiet_hours_end=None
        )
    ContentItemFactory(title="Worth sharing", approved_at=now - dt.timedelta(hours=3))
    ModuleFactory(is_required=True, due_date=(now + dt.timedelta(days=3)).date())
    stale = Notification.objects.create(
        recipient=people[0],
        kind=NotificationKind.DIGEST,
        period="last-week",
        title="Last week's digest",
        email_state=Notification.EmailState.PENDING,
        email_due_at=now - dt.timedelta(days=8),
        email_expires_at=now - dt.timedelta(days=1),
        created_at=now - dt.timedelta(days=8),
    )
    if slack is not None:
        hook = webhooks.webhook_save(
            team=TeamFactory(), service="SLACK", url=slack.new_hook(), language="en", by=people[0]
        )
        webhooks.messages_create(
            webhooks=[hook],
            kind=NotificationKind.FEATURED,
            subject="posts.contentitem:1",
            period="featured",
            payloads={hook.pk: webhooks.Payload(title="Featured", url="https://a.example/")},
            now=now - dt.timedelta(minutes=30),
        )
    # Four digests and four training reminders.
    return people, stale, 8


def expected_rows():
    return Notification.objects.exclude(email_state=Notification.EmailState.NONE).exclude(
        period="last-week"
    )


def all_sent(expected: int):
    rows = expected_rows()
    return rows.count() == expected and not rows.exclude(email_state="SENT").exists()


def test_beat_down_across_slots_then_started_sends_each_once(celery, slack):
    _people, stale, expected = due_while_beat_was_down(slack)
    celery.worker()
    beat = celery.beat()
    assert wait_for(lambda: all_sent(expected)), celery.logs()
    time.sleep(4)  # several more ticks: nothing new
    celery.stop(beat)
    # Beat restarts later: still nothing twice.
    beat = celery.beat()
    time.sleep(4)
    celery.stop(beat)
    sent = celery.sent()
    rows = list(expected_rows().values_list("pk", flat=True))
    assert sorted(sent) == sorted(rows)
    assert set(sent.values()) == {1}
    assert Counter(expected_rows().values_list("kind", flat=True)) == {
        NotificationKind.DIGEST: 4,
        NotificationKind.TRAINING_DUE: 4,
    }
    stale.refresh_from_db()
    assert stale.email_state == Notification.EmailState.DROPPED
    assert stale.pk not in sent
    assert wait_for(lambda: WebhookMessage.objects.filter(state="SENT").count() == 1, timeout=20)
    assert len(slack.received) == 1


def test_two_beats_and_two_workers_still_send_once(celery):
    _people, _stale, expected = due_while_beat_was_down()
    celery.worker()
    celery.worker()
    celery.beat()
    celery.beat()
    assert wait_for(lambda: all_sent(expected)), celery.logs()
    time.sleep(4)
    celery.stop_all()
    sent = celery.sent()
    assert len(sent) == expected
    assert set(sent.values()) == {1}


def test_a_flushed_broker_loses_nothing(celery):
    _people, _stale, expected = due_while_beat_was_down()
    # One tick with no worker running: the rows are created and handed to the broker …
    notifications_tick()
    assert expected_rows().filter(email_queued_at__isnull=False).count() == expected
    # … which then loses everything.
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    celery.worker()
    celery.beat()
    assert wait_for(lambda: all_sent(expected)), celery.logs()
    celery.stop_all()
    sent = celery.sent()
    assert len(sent) == expected
    assert set(sent.values()) == {1}


def test_connection_expiring_and_broken_are_each_sent_once(celery):
    now = timezone.now()
    oslo, new_york = (UserFactory(time_zone=tz) for tz in ("Europe/Oslo", "America/New_York"))
    for person in (oslo, new_york):
        NotificationSetting.objects.create(
            user=person, quiet_hours_start=None, quiet_hours_end=None
        )
    # The 5-day warning fell due while nothing ran (the 12-day one is not sent late).
    Connection.objects.create(
        user=oslo, network=Network.LINKEDIN, remote_id="a", expires_at=now + dt.timedelta(days=4)
    )
    broken = Connection.objects.create(
        user=new_york,
        network=Network.LINKEDIN,
        remote_id="b",
        expires_at=now + dt.timedelta(days=40),
    )
    assert connection_mark_reconnect(connection_id=broken.pk, reason="invalid_grant")
    rows = Notification.objects.filter(kind=NotificationKind.CONNECTION)
    celery.worker()
    celery.beat()
    celery.beat()
    assert wait_for(lambda: rows.count() == 2 and not rows.exclude(email_state="SENT").exists()), (
        celery.logs()
    )
    time.sleep(4)  # more ticks of both beats: nothing new
    celery.stop_all()
    assert rows.get(recipient=oslo).period == f"expiry-5d-{now + dt.timedelta(days=4):%Y%m%d}"
    assert rows.get(recipient=new_york).period.startswith("reconnect-")
    sent = celery.sent()
    assert sorted(sent) == sorted(rows.values_list("pk", flat=True))
    assert set(sent.values()) == {1}


def test_a_worker_killed_mid_send_loses_nothing(celery):
    now = timezone.now()
    people = UserFactory.create_batch(20)
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=NotificationKind.TRAINING_DUE,
            subject=f"training.module:{index}",
            period="due-7d",
            title="A module is due",
            url="/training/",
            email_state=Notification.EmailState.PENDING,
            email_due_at=now - dt.timedelta(minutes=1),
        )
        for index, person in enumerate(people)
    )
    rows = Notification.objects.filter(kind=NotificationKind.TRAINING_DUE, period="due-7d")
    # The 5th message stays in DATA, already received, not yet acknowledged.
    smtp = FakeSMTP(hold_at=5).start()
    try:
        celery.env["EMAIL_URL"] = smtp.url
        # A dead worker's claim is given back after 3 seconds instead of 15 minutes.
        celery.env["NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS"] = "3"
        # Sent rows are recorded every two messages: the 2nd and the 4th are checkpoints.
        celery.env["NOTIFICATIONS_EMAIL_CHECKPOINT"] = "2"
        notifications_tick()  # one batch of 20 on the broker
        doomed = celery.worker()
        assert wait_for(smtp.holding.is_set, timeout=60), celery.logs()
        assert rows.filter(email_state="SENDING").count() == 16
        assert rows.filter(email_state="SENT").count() == 4
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
        handed_over = Counter(_notification_ids(smtp.received))
        (held,) = _notification_ids(smtp.received[4:])
        smtp.release.set()
        assert rows.filter(email_state="SENDING").count() == 16
        celery.worker()
        celery.beat()
        assert wait_for(lambda: not rows.exclude(email_state="SENT").exists(), timeout=60), (
            celery.logs()
        )
        celery.stop_all()
    finally:
        smtp.stop()
    sent = Counter(_notification_ids(smtp.received))
    pks = set(rows.values_list("pk", flat=True))
    assert len(handed_over) == 5
    assert set(handed_over) <= pks
    # Never lost: every row is SENT and every person has their email.
    assert set(sent) == pks
    assert {to for message in smtp.received for to in message.recipients} == {
        person.email for person in people
    }
    # Sent again: only the held message (delivered, but the dead worker never knew) — the
    # four before it were recorded at checkpoints. Email cannot be made idempotent.
    twice = {pk for pk, count in sent.items() if count == 2}
    assert twice == {held}
    assert set(sent.values()) == {1, 2}
    assert sum(sent.values()) == 21
    # The checkpointed four took one attempt; the rest one by the dead worker, one by the new.
    attempts = dict(rows.values_list("pk", "email_attempts"))
    first_four = set(handed_over) - {held}
    assert {attempts[pk] for pk in first_four} == {1}
    assert {attempts[pk] for pk in pks - first_four} == {2}


def _notification_ids(messages) -> list[int]:
    return [int(match.group(1)) for m in messages for match in MESSAGE_ID.finditer(m.data)]
