"""Publishing through a connected account, exactly once, against the fake networks."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Connection
from ambassador.networks import Network
from posts.models import Share, ShareStatus
from posts.services import publishing
from posts.tracked_links import tracked_link_url
from tests.posts.publishing.conftest import connect, scheduled_share


def test_mastodon_post_is_published_with_the_link_and_stored_on_the_share(personas, mastodon):
    _account, _connection = connect(mastodon, personas.employee, Network.MASTODON)
    share = scheduled_share(personas.employee, Network.MASTODON)

    assert publishing.shares_publish_due() == 1

    share.refresh_from_db()
    post = mastodon.posts[share.post_id]
    assert post.text == f"Read this\n\n{tracked_link_url(code=share.code)}"
    assert (share.status, share.post_url) == (
        ShareStatus.POSTED,
        f"{mastodon.base_url}/@alice/{share.post_id}",
    )
    assert share.next_collect_at is not None


def test_mastodon_retry_uses_the_same_idempotency_key_and_posts_once(personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    share = scheduled_share(personas.employee, Network.MASTODON)
    mastodon.fail_next("POST /api/v1/statuses", 502, after=True)  # posted, answer lost

    publishing.shares_publish_due()
    share.refresh_from_db()
    assert share.status == ShareStatus.SCHEDULED
    publishing.shares_publish_due(now=share.scheduled_at + timedelta(seconds=1))

    share.refresh_from_db()
    assert share.status == ShareStatus.POSTED
    assert len(mastodon.posts) == 1
    keys = {
        r.headers["idempotency-key"]
        for r in mastodon.requests
        if r.route == "POST /api/v1/statuses"
    }
    assert keys == {f"ambassador-share-{share.pk}"}


def test_x_answer_lost_is_reconciled_by_reading_recent_posts(personas, x):
    account, _connection = connect(x, personas.employee, Network.X)
    share = scheduled_share(personas.employee, Network.X)
    x.fail_next("POST /2/tweets", None, drop=True, after=True)

    publishing.shares_publish_due()
    share.refresh_from_db()
    publishing.shares_publish_due(now=share.scheduled_at + timedelta(seconds=1))

    share.refresh_from_db()
    assert share.status == ShareStatus.POSTED
    assert [p.id for p in x.posts_of(account)] == [share.post_id]
    assert x.calls["POST /2/tweets"] == 1
    assert x.calls["GET /2/users/:id/tweets"] == 1


def test_worker_killed_while_sending_is_reconciled_and_posted_once(personas, bluesky):
    account, _connection = connect(bluesky, personas.employee, Network.BLUESKY, "bob.bsky.test")
    share = scheduled_share(personas.employee, Network.BLUESKY)
    link = tracked_link_url(code=share.code)
    # The killed worker had claimed the row and its post reached the network.
    bluesky.add_post(account, f"Read this\n\n{link}")
    Share.objects.filter(pk=share.pk).update(
        status=ShareStatus.SENDING,
        sending_at=timezone.now() - timedelta(minutes=11),
        publish_attempts=1,
    )

    publishing.shares_publish_due()

    share.refresh_from_db()
    assert share.status == ShareStatus.POSTED
    assert len(bluesky.posts_of(account)) == 1
    assert bluesky.calls["POST /xrpc/com.atproto.repo.createRecord"] == 0


def test_claim_in_progress_is_not_taken_by_a_second_tick(personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    share = scheduled_share(personas.employee, Network.MASTODON)

    first = publishing.shares_claim_publish()
    second = publishing.shares_claim_publish()

    assert (first, second) == ([share.pk], [])


def test_beat_stopped_over_several_slots_publishes_each_share_once(personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    now = timezone.now()
    shares = [
        scheduled_share(
            personas.employee,
            Network.MASTODON,
            caption=f"Post {n}",
            scheduled_at=now - timedelta(minutes=n),
        )
        for n in range(3)
    ]

    publishing.shares_publish_due(now=now)
    publishing.shares_publish_due(now=now + timedelta(minutes=1))

    assert len(mastodon.posts) == 3
    assert {s.status for s in Share.objects.filter(pk__in=[s.pk for s in shares])} == {
        ShareStatus.POSTED
    }


def test_x_duplicate_is_explained_and_not_retried(personas, x):
    account, _connection = connect(x, personas.employee, Network.X)
    share = scheduled_share(personas.employee, Network.X)
    x.add_post(account, f"Read this {tracked_link_url(code=share.code)}")

    publishing.shares_publish_due()
    publishing.shares_publish_due(now=timezone.now() + timedelta(hours=1))

    share.refresh_from_db()
    assert share.status == ShareStatus.FAILED
    assert "duplicate content" in share.publish_error
    assert x.calls["POST /2/tweets"] == 1


def test_linkedin_duplicate_after_a_lost_answer_names_our_post(personas, linkedin):
    account, _connection = connect(
        linkedin, personas.employee, Network.LINKEDIN, "eve@example.test"
    )
    share = scheduled_share(personas.employee, Network.LINKEDIN)
    linkedin.fail_next("POST /rest/posts", 504, after=True)

    publishing.shares_publish_due()
    share.refresh_from_db()
    publishing.shares_publish_due(now=share.scheduled_at + timedelta(seconds=1))

    share.refresh_from_db()
    (post,) = linkedin.posts_of(account)
    assert (share.status, share.post_id) == (ShareStatus.POSTED, post.id)
    assert share.post_url == f"https://www.linkedin.com/feed/update/{post.id}/"


def test_mastodon_422_is_shown_in_the_employees_language(personas, mastodon):
    personas.employee.language = "nb"
    personas.employee.save()
    connect(mastodon, personas.employee, Network.MASTODON)
    share = scheduled_share(personas.employee, Network.MASTODON, caption="x" * 600)

    publishing.shares_publish_due()

    share.refresh_from_db()
    assert share.status == ShareStatus.FAILED
    assert share.publish_error.startswith("Mastodon avviste innlegget")
    assert "character limit" in share.publish_error


def test_revoked_token_fails_the_post_and_asks_to_reconnect(personas, x):
    _account, connection = connect(x, personas.employee, Network.X)
    x.tokens[connection.access_token].revoked = True
    share = scheduled_share(personas.employee, Network.X)

    publishing.shares_publish_due()

    share.refresh_from_db()
    assert share.status == ShareStatus.FAILED
    assert Connection.objects.get(pk=connection.pk).state == Connection.State.RECONNECT_NEEDED


def test_repeated_server_errors_end_failed_after_bounded_attempts(personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    share = scheduled_share(personas.employee, Network.MASTODON)
    mastodon.fail_next("POST /api/v1/statuses", 503, times=10)

    moment = timezone.now()
    for _tick in range(publishing.MAX_PUBLISH_ATTEMPTS + 2):
        moment += timedelta(hours=2)
        publishing.shares_publish_due(now=moment)

    share.refresh_from_db()
    assert (share.status, share.publish_attempts) == (
        ShareStatus.FAILED,
        publishing.MAX_PUBLISH_ATTEMPTS,
    )
    assert mastodon.calls["POST /api/v1/statuses"] == publishing.MAX_PUBLISH_ATTEMPTS
