"""Engagement collection against the fake networks: batches, rate limits, history."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Connection
from ambassador.networks import Network
from posts.models import CollectStatus, EngagementReading, Share
from posts.services import engagement
from tests.posts.factories import ShareFactory
from tests.posts.publishing.conftest import connect


def _posted(user, fake, account, network, count, hours_ago=2):
    now = timezone.now()
    shares = []
    for n in range(count):
        post = fake.add_post(account, f"Post {n}")
        shares.append(
            ShareFactory(
                user=user,
                network=network,
                status="POSTED",
                post_id=post.id,
                posted_at=now - timedelta(hours=hours_ago),
                collect_status=CollectStatus.ACTIVE,
                next_collect_at=now - timedelta(minutes=1),
            )
        )
    return shares


def test_x_is_read_100_ids_per_call_with_impressions(personas, x):
    account, _connection = connect(x, personas.employee, Network.X)
    shares = _posted(personas.employee, x, account, Network.X, 150)
    x.set_engagement(shares[0].post_id, likes=7, reposts=2, replies=1, quotes=0, impressions=900)

    stats = engagement.engagement_collect_due()

    assert (stats.shares, stats.calls, stats.readings) == (150, 2, 150)
    assert x.calls["GET /2/tweets"] == 2
    reading = EngagementReading.objects.get(share=shares[0])
    assert (
        reading.reactions,
        reading.reposts,
        reading.replies,
        reading.quotes,
        reading.impressions,
    ) == (
        7,
        2,
        1,
        0,
        900,
    )


def test_bluesky_is_read_25_uris_per_call_without_impressions(personas, bluesky):
    account, _connection = connect(bluesky, personas.employee, Network.BLUESKY, "bob.bsky.test")
    shares = _posted(personas.employee, bluesky, account, Network.BLUESKY, 30)
    bluesky.set_engagement(shares[0].post_id, likes=3)

    stats = engagement.engagement_collect_due()

    assert stats.calls == 2
    reading = EngagementReading.objects.get(share=shares[0])
    assert (reading.reactions, reading.impressions) == (3, None)


def test_linkedin_without_read_scope_is_not_reported_never_zero(personas, linkedin):
    account, _connection = connect(
        linkedin, personas.employee, Network.LINKEDIN, "eve@example.test"
    )
    (share,) = _posted(personas.employee, linkedin, account, Network.LINKEDIN, 1)

    engagement.engagement_collect_due()

    share.refresh_from_db()
    assert (share.collect_status, share.next_collect_at) == (CollectStatus.NOT_REPORTED, None)
    assert not EngagementReading.objects.exists()


def test_history_is_kept_and_frequency_decreases(personas, mastodon):
    account, _connection = connect(mastodon, personas.employee, Network.MASTODON)
    (share,) = _posted(personas.employee, mastodon, account, Network.MASTODON, 1, hours_ago=2)
    posted_at = Share.objects.get(pk=share.pk).posted_at

    engagement.engagement_collect_due()
    mastodon.set_engagement(share.post_id, likes=5)
    engagement.engagement_collect_due(now=posted_at + timedelta(hours=6, minutes=1))

    share.refresh_from_db()
    assert share.next_collect_at == posted_at + timedelta(hours=24)
    assert list(
        EngagementReading.objects.filter(share=share)
        .order_by("read_at")
        .values_list("reactions", flat=True)
    ) == [0, 5]


def test_schedule_is_1h_6h_24h_then_daily_for_30_days():
    posted = timezone.now()
    steps = [engagement.next_collect_after(posted_at=posted, now=posted + timedelta(minutes=1))]
    steps.append(engagement.next_collect_after(posted_at=posted, now=posted + timedelta(hours=1)))
    steps.append(engagement.next_collect_after(posted_at=posted, now=posted + timedelta(hours=6)))
    assert [s - posted for s in steps] == [
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(hours=24),
    ]
    day_2 = posted + timedelta(days=2)
    assert engagement.next_collect_after(posted_at=posted, now=day_2) == day_2 + timedelta(days=1)
    assert engagement.next_collect_after(posted_at=posted, now=posted + timedelta(days=31)) is None


def test_429_with_retry_after_is_not_asked_again_before_then(personas, x):
    account, _connection = connect(x, personas.employee, Network.X)
    (share,) = _posted(personas.employee, x, account, Network.X, 1)
    x.fail_next("GET /2/tweets", 429, retry_after=900)
    now = timezone.now()

    stats = engagement.engagement_collect_due(now=now)
    again = engagement.engagement_collect_due(now=now + timedelta(minutes=5))

    share.refresh_from_db()
    assert (stats.rate_limited, again.calls) == (1, 0)
    assert share.next_collect_at >= now + timedelta(seconds=899)
    assert x.calls["GET /2/tweets"] == 1


def test_server_errors_back_off_then_fail_visibly(personas, mastodon):
    account, _connection = connect(mastodon, personas.employee, Network.MASTODON)
    (share,) = _posted(personas.employee, mastodon, account, Network.MASTODON, 1)
    mastodon.fail_next("GET /api/v1/statuses", 503, times=20)

    moment = timezone.now()
    for _tick in range(engagement.MAX_COLLECT_FAILURES + 1):
        engagement.engagement_collect_due(now=moment)
        moment += timedelta(days=1)

    share.refresh_from_db()
    assert (share.collect_status, share.next_collect_at) == (CollectStatus.FAILED, None)
    assert share.collect_error != ""
    assert mastodon.calls["GET /api/v1/statuses"] == engagement.MAX_COLLECT_FAILURES + 1


def test_revoked_token_means_reconnect_needed_and_no_retry_loop(personas, x):
    account, connection = connect(x, personas.employee, Network.X)
    _posted(personas.employee, x, account, Network.X, 3)
    x.tokens[connection.access_token].revoked = True

    engagement.engagement_collect_due()
    engagement.engagement_collect_due()

    assert Connection.objects.get(pk=connection.pk).state == Connection.State.RECONNECT_NEEDED
    assert x.calls["GET /2/tweets"] == 1
