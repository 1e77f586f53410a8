"""The post address pasted after an intent: it must be a post of the share's network (a
Mastodon status on the person's own server), one post belongs to one share, the share then
counts as posted and its engagement is read — publicly where the network allows."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from ambassador.networks import Network
from posts.models import CollectStatus, EngagementReading, Share, ShareFacts, ShareKind, ShareStatus
from posts.services import engagement
from tests.factories import SocialProfileFactory
from tests.posts.factories import ShareFactory, rollup

pytestmark = pytest.mark.django_db


def _paste(client, share, url, **extra):
    return client.post(reverse("posts:share_post_url", args=[share.pk]), {"post_url": url, **extra})


@pytest.fixture
def on_mastodon(personas, mastodon):
    SocialProfileFactory(
        user=personas.employee, network=Network.MASTODON, instance_url=mastodon.base_url
    )
    return mastodon


def test_mastodon_post_on_own_server_marks_posted_and_collects_publicly(
    client, personas, on_mastodon
):
    mastodon = on_mastodon
    account = mastodon.add_account("alice")
    post = mastodon.add_post(account, "We launched!")
    mastodon.set_engagement(post.id, likes=5, reposts=2, replies=1)
    share = ShareFactory(user=personas.employee, network=Network.MASTODON)
    client.force_login(personas.employee)

    response = _paste(client, share, f"{mastodon.base_url}/@alice/{post.id}")

    assert response.status_code == 302
    share.refresh_from_db()
    assert (share.status, share.post_id, share.post_url) == (
        ShareStatus.POSTED,
        post.id,
        f"{mastodon.base_url}/@alice/{post.id}",
    )
    assert share.collect_status == CollectStatus.ACTIVE
    assert share.next_collect_at <= timezone.now()
    stats = engagement.engagement_collect_due()
    assert (stats.readings, stats.calls) == (1, 1)
    got = EngagementReading.objects.get(share=share)
    assert (got.reactions, got.reposts, got.replies) == (5, 2, 1)
    # Read without any account: no token was sent.
    assert all("authorization" not in r.headers for r in mastodon.requests)


def test_mastodon_post_on_another_server_is_refused(client, personas, on_mastodon):
    share = ShareFactory(user=personas.employee, network=Network.MASTODON)
    client.force_login(personas.employee)
    response = _paste(client, share, "https://mastodon.social/@alice/1234")
    assert response.status_code == 400
    assert "This is not a post on your Mastodon server" in response.content.decode()
    share.refresh_from_db()
    assert (share.status, share.post_url) == (ShareStatus.INTENT_OPENED, "")


def test_bluesky_post_address_is_resolved_and_read_publicly(client, personas, bluesky, settings):
    settings.BLUESKY_DEFAULT_SERVICE = settings.BLUESKY_PUBLIC_API_URL = bluesky.base_url
    account = bluesky.add_account("bob.bsky.test")
    post = bluesky.add_post(account, "Read this")
    bluesky.set_engagement(post.id, likes=4, reposts=1, replies=0, quotes=2)
    rkey = post.id.rsplit("/", 1)[1]
    share = ShareFactory(user=personas.employee, network=Network.BLUESKY)
    client.force_login(personas.employee)

    assert (
        _paste(client, share, f"https://bsky.app/profile/bob.bsky.test/post/{rkey}").status_code
        == 302
    )

    share.refresh_from_db()
    assert (share.status, share.post_id) == (ShareStatus.POSTED, post.id)
    engagement.engagement_collect_due()
    got = EngagementReading.objects.get(share=share)
    assert (got.reactions, got.reposts, got.replies, got.quotes) == (4, 1, 0, 2)


@pytest.mark.parametrize(
    "url",
    [
        "https://twitter.com/alice/status/1790000000000000001?s=20",
        "https://x.com/alice/status/1790000000000000001",
        "https://mobile.x.com/alice/status/1790000000000000001/photo/1",
    ],
)
def test_x_status_address_in_any_form_is_stored_canonically(client, personas, url):
    share = ShareFactory(user=personas.employee, network=Network.X)
    client.force_login(personas.employee)
    assert _paste(client, share, url).status_code == 302
    share.refresh_from_db()
    assert (share.status, share.post_url, share.post_id) == (
        ShareStatus.POSTED,
        "https://x.com/alice/status/1790000000000000001",
        "1790000000000000001",
    )
    # X gives no public reads to this app without the person's account.
    assert share.collect_status == CollectStatus.NOT_REPORTED


def test_linkedin_address_marks_posted_without_collection(client, personas):
    share = ShareFactory(user=personas.employee, network=Network.LINKEDIN)
    client.force_login(personas.employee)
    url = "https://www.linkedin.com/feed/update/urn:li:activity:7200000000000000000/"
    assert _paste(client, share, url).status_code == 302
    share.refresh_from_db()
    assert (share.status, share.post_url, share.collect_status) == (
        ShareStatus.POSTED,
        url,
        CollectStatus.NOT_REPORTED,
    )


@pytest.mark.parametrize(
    ("network", "url", "message"),
    [
        (Network.X, "https://bsky.app/profile/a.bsky.social/post/3k", "Paste an X post address"),
        (Network.BLUESKY, "https://x.com/a/status/1", "Paste a Bluesky post address"),
        (Network.LINKEDIN, "https://evil.example/linkedin.com/x", "Paste a LinkedIn post"),
        (Network.X, "javascript:alert(1)", "Enter a valid URL."),
        (Network.X, "http://x.com/a/status/1", "starting with https://"),
    ],
)
def test_address_of_another_network_is_refused(client, personas, network, url, message):
    share = ShareFactory(user=personas.employee, network=network)
    client.force_login(personas.employee)
    response = _paste(client, share, url)
    assert response.status_code == 400
    assert message in response.content.decode()
    share.refresh_from_db()
    assert share.status == ShareStatus.INTENT_OPENED


def test_one_post_belongs_to_one_share(client, personas):
    first = ShareFactory(user=personas.employee, network=Network.X)
    second = ShareFactory(user=personas.employee, network=Network.X)
    client.force_login(personas.employee)
    assert _paste(client, first, "https://x.com/alice/status/42").status_code == 302
    response = _paste(client, second, "https://twitter.com/alice/status/42")
    assert response.status_code == 400
    assert "This post is already linked to another share." in response.content.decode()
    second.refresh_from_db()
    assert (second.status, second.post_url) == (ShareStatus.INTENT_OPENED, "")


def test_the_database_refuses_a_second_share_of_one_post(personas):
    ShareFactory(network=Network.X, post_url="https://x.com/alice/status/42")
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareFactory(network=Network.X, post_url="https://x.com/alice/status/42")


def test_confirmed_intents_count_as_posted_and_the_others_apart(client, personas):
    confirmed = ShareFactory(user=personas.employee, network=Network.X)
    unconfirmed = ShareFactory(user=personas.employee, network=Network.X)
    client.force_login(personas.employee)
    rollup()  # both counted as intents first
    _paste(client, confirmed, "https://x.com/alice/status/7")
    rollup()
    kinds = dict(ShareFacts.objects.values_list("share_id", "kind"))
    assert kinds == {confirmed.pk: ShareKind.POSTED, unconfirmed.pk: ShareKind.INTENT}
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == ShareStatus.INTENT_OPENED


def test_a_share_posted_for_the_person_takes_no_pasted_address(client, personas):
    share = ShareFactory(
        user=personas.employee,
        network=Network.X,
        status=ShareStatus.POSTED,
        publish_attempts=1,
        post_url="https://x.com/alice/status/1",
    )
    client.force_login(personas.employee)
    response = _paste(client, share, "https://x.com/alice/status/2")
    assert response.status_code == 400
    share.refresh_from_db()
    assert share.post_url == "https://x.com/alice/status/1"


def test_paste_on_someone_elses_share_is_404_and_audited(client, personas):
    share = ShareFactory(user=personas.employee_b, network=Network.X)
    client.force_login(personas.employee)
    assert _paste(client, share, "https://x.com/alice/status/9").status_code == 404
    share.refresh_from_db()
    assert share.status == ShareStatus.INTENT_OPENED
    [event] = AuditEvent.objects.filter(actor=personas.employee, action="ACCESS_DENIED")
    assert (event.target_type, event.target_id) == ("posts.share", str(share.pk))


def test_paste_get_is_not_allowed(client, personas):
    share = ShareFactory(user=personas.employee, network=Network.X)
    client.force_login(personas.employee)
    assert client.get(reverse("posts:share_post_url", args=[share.pk])).status_code == 405


def test_paste_without_csrf_token_is_refused(personas):
    share = ShareFactory(user=personas.employee, network=Network.X)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.employee)
    assert _paste(client, share, "https://x.com/alice/status/9").status_code == 403
    assert Share.objects.get(pk=share.pk).status == ShareStatus.INTENT_OPENED


def test_paste_error_is_translated(client, personas):
    personas.employee.language = "nb"
    personas.employee.save()
    share = ShareFactory(user=personas.employee, network=Network.X)
    client.force_login(personas.employee)
    response = _paste(client, share, "https://bsky.app/profile/a.bsky.social/post/3k")
    assert response.status_code == 400
    assert "Lim inn adressen til et innlegg på X" in response.content.decode()


def test_share_done_page_offers_the_form_and_shows_errors_there(client, personas):
    share = ShareFactory(user=personas.employee, network=Network.X)
    client.force_login(personas.employee)
    done = client.get(reverse("posts:share_done", args=[share.pk])).content.decode()
    assert reverse("posts:share_post_url", args=[share.pk]) in done
    response = _paste(client, share, "https://example.com/nope", next="done")
    assert response.status_code == 400
    assert response.templates[0].name == "posts/share_done.html"
    assert "Paste an X post address" in response.content.decode()


def test_my_shares_offers_the_form_for_intents(client, personas):
    share = ShareFactory(user=personas.employee, network=Network.BLUESKY)
    client.force_login(personas.employee)
    content = client.get(reverse("posts:my_shares")).content.decode()
    assert reverse("posts:share_post_url", args=[share.pk]) in content


@pytest.mark.parametrize("status", [ShareStatus.SCHEDULED, ShareStatus.CANCELLED])
def test_a_share_not_made_through_an_intent_takes_no_address(client, personas, status):
    share = ShareFactory(user=personas.employee, network=Network.X, status=status)
    client.force_login(personas.employee)
    response = _paste(client, share, "https://x.com/alice/status/3")
    assert response.status_code == 400
    assert "Only a share made through the network" in response.content.decode()
    share.refresh_from_db()
    assert (share.status, share.post_url) == (status, "")
