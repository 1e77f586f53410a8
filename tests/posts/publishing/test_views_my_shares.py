"""'My shares' with publishing: each share's status, the link to the post, the latest
engagement ("not reported", never 0, where the network gives no figure), cancelling a
scheduled post, and a constant number of queries."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from ambassador.networks import Network
from posts.models import CollectStatus, Share, ShareStatus
from posts.services import publishing
from posts.tracked_links import tracked_link_url
from tests.posts.factories import ShareFactory, reading
from tests.posts.publishing.conftest import connect, scheduled_share

pytestmark = pytest.mark.django_db


def _my_shares(client, **params):
    return client.get(reverse("posts:my_shares"), params)


def _row(content: str, marker: str) -> str:
    """The table row of the page that holds ``marker``."""
    start = content.rindex("<tr>", 0, content.index(marker))
    return content[start : content.index("</tr>", start)]


def test_my_shares_shows_each_status(client, personas):
    later = timezone.now() + dt.timedelta(days=1)
    ShareFactory(user=personas.employee, item__title="Intent item")
    ShareFactory(
        user=personas.employee,
        item__title="Scheduled item",
        status=ShareStatus.SCHEDULED,
        scheduled_at=later,
    )
    ShareFactory(user=personas.employee, item__title="Sending item", status=ShareStatus.SENDING)
    ShareFactory(
        user=personas.employee,
        item__title="Posted item",
        network=Network.MASTODON,
        status=ShareStatus.POSTED,
        post_url="https://social.example/@alice/1",
    )
    ShareFactory(
        user=personas.employee,
        item__title="Failed item",
        status=ShareStatus.FAILED,
        publish_error="X refused the post: You are not allowed to create a Tweet with duplicate content.",
    )
    client.force_login(personas.employee)
    content = _my_shares(client).content.decode()
    assert "Intent opened" in _row(content, "Intent item")
    assert "Scheduled for" in _row(content, "Scheduled item")
    assert "Sending" in _row(content, "Sending item")
    posted = _row(content, "Posted item")
    assert 'href="https://social.example/@alice/1"' in posted
    assert "See the post on Mastodon" in posted
    assert "duplicate content" in _row(content, "Failed item")


def test_my_shares_latest_engagement_with_not_reported_never_zero(client, personas):
    share = ShareFactory(
        user=personas.employee,
        item__title="Posted item",
        network=Network.MASTODON,
        status=ShareStatus.POSTED,
        post_url="https://social.example/@alice/1",
    )
    now = timezone.now()
    reading(share, now - dt.timedelta(hours=5), reactions=1, reposts=0, replies=0, quotes=0)
    reading(share, now - dt.timedelta(hours=1), reactions=7, reposts=3, replies=2, quotes=None)
    client.force_login(personas.employee)
    response = _my_shares(client)
    row = response.context["page"].object_list[0]
    assert (row.latest_reading.reactions, row.latest_reading.quotes) == (7, None)
    cells = _row(response.content.decode(), "Posted item")
    assert "<dt>Reactions</dt><dd>7</dd>" in cells
    assert "<dt>Reposts</dt><dd>3</dd>" in cells
    assert "<dt>Replies</dt><dd>2</dd>" in cells
    assert "<dt>Quotes</dt><dd>not reported</dd>" in cells
    assert "<dt>Impressions</dt><dd>not reported</dd>" in cells


def test_my_shares_linkedin_without_figures_says_not_reported(client, personas):
    ShareFactory(
        user=personas.employee,
        item__title="LinkedIn item",
        network=Network.LINKEDIN,
        status=ShareStatus.POSTED,
        post_url="https://www.linkedin.com/feed/update/urn:li:share:1/",
        collect_status=CollectStatus.NOT_REPORTED,
    )
    client.force_login(personas.employee)
    row = _row(_my_shares(client).content.decode(), "LinkedIn item")
    assert "LinkedIn does not report this." in row


def test_my_shares_failed_reason_in_the_employees_language(client, personas, mastodon):
    personas.employee.language = "nb"
    personas.employee.save()
    connect(mastodon, personas.employee, Network.MASTODON)
    scheduled_share(personas.employee, Network.MASTODON, caption="x" * 600, item__title="Lang")
    publishing.shares_publish_due()
    client.force_login(personas.employee)
    row = _row(_my_shares(client).content.decode(), "Lang")
    assert "Feil" in row
    assert "Mastodon avviste innlegget" in row
    assert Share.objects.get().publish_attempts == 1  # explained: not retried


def test_my_shares_x_duplicate_is_shown_and_not_retried(client, personas, x):
    account, _connection = connect(x, personas.employee, Network.X)
    share = scheduled_share(personas.employee, Network.X, item__title="Twice")
    x.add_post(account, f"Read this {tracked_link_url(code=share.code)}")
    publishing.shares_publish_due()
    publishing.shares_publish_due(now=timezone.now() + dt.timedelta(hours=2))
    client.force_login(personas.employee)
    row = _row(_my_shares(client).content.decode(), "Twice")
    assert "X refused the post: You are not allowed to create a Tweet with duplicate content." in (
        row
    )
    assert x.calls["POST /2/tweets"] == 1


def test_my_shares_linkedin_limit_is_shown_and_not_retried(client, personas, linkedin):
    connect(linkedin, personas.employee, Network.LINKEDIN, "eve@example.test")
    scheduled_share(personas.employee, Network.LINKEDIN, caption="y" * 3100, item__title="Long")
    publishing.shares_publish_due()
    publishing.shares_publish_due(now=timezone.now() + dt.timedelta(hours=2))
    client.force_login(personas.employee)
    row = _row(_my_shares(client).content.decode(), "Long")
    assert "LinkedIn refused the post" in row
    assert "length of commentary exceeded maximum of 3000" in row
    assert linkedin.calls["POST /rest/posts"] == 1


@pytest.mark.parametrize("count", [2, 30])
def test_my_shares_query_count_does_not_grow_with_readings(
    client, personas, django_assert_max_num_queries, count
):
    now = timezone.now()
    for n in range(count):
        share = ShareFactory(
            user=personas.employee,
            network=Network.MASTODON,
            status=ShareStatus.POSTED,
            post_url=f"https://social.example/@alice/{n}",
        )
        for hours in (1, 2, 3):
            reading(share, now - dt.timedelta(hours=hours), reactions=hours)
    ShareFactory(user=personas.employee, status=ShareStatus.SCHEDULED, scheduled_at=now)
    client.force_login(personas.employee)
    _my_shares(client)
    with django_assert_max_num_queries(13):
        response = _my_shares(client)
    assert response.status_code == 200
    assert all(
        row.latest_reading.reactions == 1 for row in response.context["page"].object_list[1:]
    )


# --- Cancelling a scheduled post --------------------------------------------------------------


def _cancel(client, share):
    return client.post(reverse("posts:share_cancel", args=[share.pk]))


def test_cancel_scheduled_share_before_it_is_claimed(client, personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    share = scheduled_share(
        personas.employee, Network.MASTODON, scheduled_at=timezone.now() + dt.timedelta(hours=1)
    )
    client.force_login(personas.employee)
    response = _cancel(client, share)
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.status == ShareStatus.CANCELLED
    assert publishing.shares_publish_due(now=timezone.now() + dt.timedelta(hours=2)) == 0
    assert mastodon.calls["POST /api/v1/statuses"] == 0
    assert "The scheduled post is cancelled." in _my_shares(client).content.decode()


def test_cancel_after_it_was_claimed_changes_nothing(client, personas):
    share = ShareFactory(user=personas.employee, status=ShareStatus.SENDING)
    client.force_login(personas.employee)
    response = client.post(reverse("posts:share_cancel", args=[share.pk]), follow=True)
    share.refresh_from_db()
    assert share.status == ShareStatus.SENDING
    assert "It is too late to cancel" in response.content.decode()


def test_cancel_someone_elses_share_is_404_and_audited(client, personas):
    share = ShareFactory(user=personas.employee_b, status=ShareStatus.SCHEDULED)
    client.force_login(personas.employee)
    assert _cancel(client, share).status_code == 404
    share.refresh_from_db()
    assert share.status == ShareStatus.SCHEDULED
    [event] = AuditEvent.objects.filter(actor=personas.employee, action="ACCESS_DENIED")
    assert (event.target_type, event.target_id) == ("posts.share", str(share.pk))


def test_cancel_get_is_not_allowed(client, personas):
    share = ShareFactory(user=personas.employee, status=ShareStatus.SCHEDULED)
    client.force_login(personas.employee)
    assert client.get(reverse("posts:share_cancel", args=[share.pk])).status_code == 405
    share.refresh_from_db()
    assert share.status == ShareStatus.SCHEDULED


def test_cancel_without_csrf_token_is_refused(personas):
    share = ShareFactory(user=personas.employee, status=ShareStatus.SCHEDULED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.employee)
    assert _cancel(client, share).status_code == 403
    share.refresh_from_db()
    assert share.status == ShareStatus.SCHEDULED


def test_cancel_message_is_translated(client, personas):
    personas.employee.language = "nb"
    personas.employee.save()
    share = ShareFactory(user=personas.employee, status=ShareStatus.SENDING)
    client.force_login(personas.employee)
    response = client.post(reverse("posts:share_cancel", args=[share.pk]), follow=True)
    assert "For sent å avlyse" in response.content.decode()
