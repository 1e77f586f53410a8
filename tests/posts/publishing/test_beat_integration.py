"""Scheduled posting and engagement collection with a REAL Celery worker and beat on Redis
and PostgreSQL, against the fake networks over real HTTP.

The publish and collect ticks come every second here (``celery_beat``). What is counted is
what reached the fake network: its posts and its calls.
"""

import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from ambassador.networks import Network
from posts.models import CollectStatus, EngagementReading, Share, ShareStatus
from posts.services import publishing
from tests.posts.factories import ShareFactory
from tests.posts.publishing.conftest import connect, scheduled_share

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

POST_MASTODON = "POST /api/v1/statuses"
POST_BLUESKY = "POST /xrpc/com.atproto.repo.createRecord"


def _statuses(shares) -> set[str]:
    return set(Share.objects.filter(pk__in=[s.pk for s in shares]).values_list("status", flat=True))


def _backlog(user, network, count, prefix):
    """Shares whose slots passed while beat was stopped: one a minute, the oldest first."""
    now = timezone.now()
    return [
        scheduled_share(
            user, network, caption=f"{prefix} {n}", scheduled_at=now - timedelta(minutes=n + 1)
        )
        for n in range(count)
    ]


def _eventually(check, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.1)
    return check()


def _posted(shares):
    return lambda: _statuses(shares) == {ShareStatus.POSTED}


def test_backlog_of_missed_slots_is_published_once_after_beat_starts(
    personas, mastodon, bluesky, celery_worker, celery_beat
):
    toot, _ = connect(mastodon, personas.employee, Network.MASTODON)
    sky, _ = connect(bluesky, personas.employee, Network.BLUESKY, "alice.bsky.test")
    shares = _backlog(personas.employee, Network.MASTODON, 3, "Toot") + _backlog(
        personas.employee, Network.BLUESKY, 3, "Sky"
    )

    celery_beat.start()

    assert celery_worker.wait_for(_posted(shares)), celery_worker.log.read_text()
    # More ticks come and go: nothing is posted again.
    ticks = celery_worker.wait_for(lambda: False, seconds=4)
    assert ticks is False
    assert sorted(p.text.split("\n")[0] for p in mastodon.posts_of(toot)) == [
        "Toot 0",
        "Toot 1",
        "Toot 2",
    ]
    assert sorted(p.text.split("\n")[0] for p in bluesky.posts_of(sky)) == [
        "Sky 0",
        "Sky 1",
        "Sky 2",
    ]
    assert (mastodon.calls[POST_MASTODON], bluesky.calls[POST_BLUESKY]) == (3, 3)
    stored = {s.post_id for s in Share.objects.filter(pk__in=[s.pk for s in shares])}
    assert stored == {p.id for p in mastodon.posts_of(toot) + bluesky.posts_of(sky)}


def test_two_beats_and_two_workers_still_publish_each_share_once(
    personas, mastodon, bluesky, celery_worker, celery_beat
):
    toot, _ = connect(mastodon, personas.employee, Network.MASTODON)
    sky, _ = connect(bluesky, personas.employee, Network.BLUESKY, "alice.bsky.test")
    # Slow answers keep both workers inside a tick at the same time.
    mastodon.latency = bluesky.latency = 0.2
    shares = _backlog(personas.employee, Network.MASTODON, 4, "Toot") + _backlog(
        personas.employee, Network.BLUESKY, 4, "Sky"
    )

    second_worker = celery_beat.start_worker()
    celery_beat.start()
    celery_beat.start()

    assert celery_worker.wait_for(_posted(shares)), celery_worker.log.read_text()
    celery_worker.wait_for(lambda: False, seconds=4)
    assert second_worker.process.poll() is None, second_worker.log.read_text()
    assert len(mastodon.posts_of(toot)) == 4
    assert len(bluesky.posts_of(sky)) == 4
    assert (mastodon.calls[POST_MASTODON], bluesky.calls[POST_BLUESKY]) == (4, 4)


def test_worker_killed_between_sending_and_the_answer_is_reconciled_and_posted_once(
    personas, mastodon, celery_worker, celery_beat
):
    toot, _ = connect(mastodon, personas.employee, Network.MASTODON)
    (share,) = _backlog(personas.employee, Network.MASTODON, 1, "Toot")
    # The post reaches the network, but only after the worker is gone.
    mastodon.fail_next(POST_MASTODON, 503, delay=4, after=True)

    celery_beat.start()
    in_flight = celery_worker.wait_for(
        lambda: (
            mastodon.calls[POST_MASTODON] == 1
            and Share.objects.get(pk=share.pk).status == ShareStatus.SENDING
        )
    )
    assert in_flight, celery_worker.log.read_text()
    celery_worker.process.send_signal(signal.SIGKILL)
    celery_worker.process.wait(timeout=10)
    # The network finishes the request it had received; nobody hears the answer.
    assert _eventually(lambda: len(mastodon.posts_of(toot)) == 1)
    assert Share.objects.get(pk=share.pk).status == ShareStatus.SENDING
    # Time moves past the lease a live worker would still be inside.
    Share.objects.filter(pk=share.pk).update(
        sending_at=timezone.now() - publishing.SENDING_LEASE - timedelta(seconds=1)
    )
    worker = celery_beat.start_worker()

    assert worker.wait_for(lambda: Share.objects.get(pk=share.pk).status == ShareStatus.POSTED)
    share.refresh_from_db()
    (post,) = mastodon.posts_of(toot)
    assert (share.post_id, share.publish_attempts) == (post.id, 2)
    # Settled by reading the account's recent statuses: no second POST at all.
    assert mastodon.calls["GET /api/v1/accounts/:id/statuses"] == 1
    assert mastodon.calls[POST_MASTODON] == 1


def test_collection_by_worker_and_beat_stores_dated_readings(
    personas, mastodon, bluesky, celery_worker, celery_beat
):
    toot, _ = connect(mastodon, personas.employee, Network.MASTODON)
    sky, _ = connect(bluesky, personas.employee, Network.BLUESKY, "alice.bsky.test")
    posted_at = timezone.now() - timedelta(hours=2)
    shares = []
    for fake, account, network, likes in (
        (mastodon, toot, Network.MASTODON, 7),
        (bluesky, sky, Network.BLUESKY, 11),
    ):
        post = fake.add_post(account, "Read this")
        fake.set_engagement(post.id, likes=likes, reposts=2, replies=1)
        shares.append(
            ShareFactory(
                user=personas.employee,
                network=network,
                status=ShareStatus.POSTED,
                posted_at=posted_at,
                post_id=post.id,
                collect_status=CollectStatus.ACTIVE,
                next_collect_at=posted_at + timedelta(hours=1),
            )
        )

    celery_beat.start()

    assert celery_worker.wait_for(lambda: EngagementReading.objects.count() == 2)
    readings = {
        r.share_id: (r.reactions, r.reposts, r.replies)
        for r in EngagementReading.objects.filter(share__in=shares)
    }
    assert readings == {shares[0].pk: (7, 2, 1), shares[1].pk: (11, 2, 1)}
    for share in shares:
        share.refresh_from_db()
        # Next: 6 h after posting.
        assert share.next_collect_at == posted_at + timedelta(hours=6)
        assert share.collect_status == CollectStatus.ACTIVE
    # Later ticks find nothing due: one reading each.
    celery_worker.wait_for(lambda: False, seconds=3)
    assert EngagementReading.objects.count() == 2
