"""Engagement collection against the fake networks over real HTTP: rate limits are per
account and read from the headers each network sends; an account that may not read is
asked once, not once per share."""

from datetime import timedelta

from django.utils import timezone

from ambassador.networks import Network
from posts.models import CollectStatus, EngagementReading, Share
from posts.services import engagement
from tests.posts.factories import ShareFactory
from tests.posts.publishing.conftest import connect


def _posted(user, fake, account, network, count):
    now = timezone.now()
    shares = []
    for n in range(count):
        post = fake.add_post(account, f"Post {n}")
        fake.set_engagement(post.id, likes=n + 1)
        shares.append(
            ShareFactory(
                user=user,
                network=network,
                status="POSTED",
                post_id=post.id,
                posted_at=now - timedelta(hours=2),
                collect_status=CollectStatus.ACTIVE,
                next_collect_at=now - timedelta(minutes=1),
            )
        )
    return shares


def test_x_429_with_only_the_reset_header_is_not_asked_again_before_the_reset(personas, x):
    account, _connection = connect(x, personas.employee, Network.X)
    (share,) = _posted(personas.employee, x, account, Network.X, 1)
    # X answers a 429 with x-rate-limit-reset (a Unix time), no Retry-After.
    x.fail_next("GET /2/tweets", 429)
    now = timezone.now()

    stats = engagement.engagement_collect_due(now=now)
    again = engagement.engagement_collect_due(now=now + timedelta(minutes=10))

    share.refresh_from_db()
    assert (stats.rate_limited, again.calls, share.collect_failures) == (1, 0, 0)
    assert share.next_collect_at >= now + timedelta(seconds=890)
    assert x.calls["GET /2/tweets"] == 1


def test_no_calls_left_stops_that_account_until_the_reset(personas, x):
    account, _connection = connect(x, personas.employee, Network.X)
    shares = _posted(personas.employee, x, account, Network.X, 150)
    x.set_rate_limit("GET /2/tweets", 1, window=900)
    now = timezone.now()

    stats = engagement.engagement_collect_due(now=now)

    assert (stats.calls, stats.readings) == (1, 100)
    waiting = Share.objects.filter(
        pk__in=[s.pk for s in shares], next_collect_at__gte=now + timedelta(seconds=890)
    ).exclude(engagement_readings__isnull=False)
    assert waiting.count() == 50
    assert (x.calls["GET /2/tweets"], x.rate_limited["GET /2/tweets"]) == (1, 0)


def test_one_account_rate_limited_does_not_hold_up_another(personas, x):
    first_account, _ = connect(x, personas.employee, Network.X, "first")
    second_account, _ = connect(x, personas.employee_b, Network.X, "second")
    mine = _posted(personas.employee, x, first_account, Network.X, 1)
    theirs = _posted(personas.employee_b, x, second_account, Network.X, 1)
    x.fail_next("GET /2/tweets", 429, retry_after=900)
    now = timezone.now()

    stats = engagement.engagement_collect_due(now=now)

    assert (stats.calls, stats.rate_limited, stats.readings) == (2, 1, 1)
    read = set(EngagementReading.objects.values_list("share_id", flat=True))
    (waiting,) = Share.objects.filter(pk__in=[mine[0].pk, theirs[0].pk]).exclude(pk__in=read)
    assert waiting.next_collect_at >= now + timedelta(seconds=899)


def test_linkedin_without_read_scope_is_asked_once_per_account(personas, linkedin):
    account, _connection = connect(linkedin, personas.employee, Network.LINKEDIN, "eve@x.test")
    shares = _posted(personas.employee, linkedin, account, Network.LINKEDIN, 30)

    stats = engagement.engagement_collect_due()

    assert (stats.calls, stats.readings) == (1, 0)
    assert linkedin.calls["GET /rest/socialActions"] == 1
    statuses = set(
        Share.objects.filter(pk__in=[s.pk for s in shares]).values_list(
            "collect_status", "next_collect_at"
        )
    )
    assert statuses == {(CollectStatus.NOT_REPORTED, None)}


def test_linkedin_with_read_scope_is_read_20_posts_per_call(personas, linkedin):
    account, connection = connect(linkedin, personas.employee, Network.LINKEDIN, "eve@x.test")
    reader = linkedin.issue_token(
        "access",
        account_id=account.id,
        client_id=None,
        scopes=["openid", "w_member_social", "r_member_social"],
        ttl=None,
    )
    connection.access_token = reader.value
    connection.save()
    shares = _posted(personas.employee, linkedin, account, Network.LINKEDIN, 30)

    stats = engagement.engagement_collect_due()

    assert (stats.calls, stats.readings) == (2, 30)
    assert linkedin.calls["GET /rest/socialActions"] == 2
    reading = EngagementReading.objects.get(share=shares[4])
    assert (reading.reactions, reading.replies, reading.reposts) == (5, 0, None)
