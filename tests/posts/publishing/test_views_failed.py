"""The admins' page of failed shares (publishing or collection), and the retry of a failed
post: queued once, and still posted at most once."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Connection
from ambassador.networks import Network
from posts.models import CollectStatus, Share, ShareStatus
from posts.services import publishing
from tests.posts.factories import ShareFactory
from tests.posts.publishing.conftest import connect, scheduled_share

pytestmark = pytest.mark.django_db

FAILED_URL = reverse("posts:failed_shares")


def _retry(client, share):
    return client.post(reverse("posts:share_retry", args=[share.pk]))


def test_failed_shares_lists_publish_and_collection_failures_with_reason_and_when(client, personas):
    moment = timezone.now() - dt.timedelta(hours=3)
    ShareFactory(
        item__title="Refused post",
        status=ShareStatus.FAILED,
        publish_error="Mastodon refused the post: Validation failed",
        failed_at=moment,
    )
    ShareFactory(
        item__title="Unread post",
        status=ShareStatus.POSTED,
        collect_status=CollectStatus.FAILED,
        collect_error="The network is not answering properly; try again later.",
        failed_at=moment,
    )
    ShareFactory(item__title="Fine post", status=ShareStatus.POSTED)
    client.force_login(personas.admin)
    response = client.get(FAILED_URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Mastodon refused the post: Validation failed" in content
    assert "The network is not answering properly" in content
    assert "Fine post" not in content
    assert (
        content.count(
            f'datetime="{moment.astimezone(timezone.get_current_timezone()).isoformat()}"'
        )
        == 2
    )
    assert content.count(">Retry</button>") == 1  # only a failed publish can be sent again


def test_failed_shares_is_linked_from_the_admin_navigation(client, personas):
    client.force_login(personas.admin)
    assert f'href="{FAILED_URL}"' in client.get(reverse("posts:my_shares")).content.decode()
    client.force_login(personas.employee)
    assert f'href="{FAILED_URL}"' not in client.get(reverse("posts:my_shares")).content.decode()


@pytest.mark.parametrize("persona", ["employee", "manager_a", "outsider"])
def test_failed_shares_for_non_admins_is_404_and_audited(client, personas, persona):
    user = getattr(personas, persona)
    client.force_login(user)
    assert client.get(FAILED_URL).status_code == 404
    [event] = AuditEvent.objects.filter(actor=user, action="ACCESS_DENIED")
    assert event.detail == {"path": FAILED_URL}


def test_failed_shares_logged_out_goes_to_login(client):
    response = client.get(FAILED_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_failed_shares_paginates_with_constant_queries(
    client, personas, django_assert_max_num_queries
):
    for _ in range(60):
        ShareFactory(status=ShareStatus.FAILED, publish_error="no", failed_at=timezone.now())
    client.force_login(personas.admin)
    client.get(FAILED_URL)
    with django_assert_max_num_queries(14):
        first = client.get(FAILED_URL)
    second = client.get(FAILED_URL, {"page": 2})
    assert (len(first.context["page"].object_list), len(second.context["page"].object_list)) == (
        50,
        10,
    )


def test_failed_shares_empty_state(client, personas):
    client.force_login(personas.admin)
    assert "No failed shares." in client.get(FAILED_URL).content.decode()


def test_retry_requeues_once_and_posts(
    client, personas, mastodon, django_capture_on_commit_callbacks
):
    _account, connection = connect(mastodon, personas.employee, Network.MASTODON)
    share = scheduled_share(personas.employee, Network.MASTODON)
    # The connection broke before the post went out; the person has connected again since.
    Connection.objects.filter(pk=connection.pk).update(state=Connection.State.RECONNECT_NEEDED)
    publishing.shares_publish_due()
    share.refresh_from_db()
    assert share.status == ShareStatus.FAILED
    Connection.objects.filter(pk=connection.pk).update(state=Connection.State.CONNECTED)
    client.force_login(personas.admin)
    with django_capture_on_commit_callbacks() as callbacks:
        assert _retry(client, share).status_code == 302
        assert _retry(client, share).status_code == 302  # a second click queues nothing
    assert len(callbacks) == 1
    share.refresh_from_db()
    assert share.status == ShareStatus.SCHEDULED
    result = publishing.share_publish(share_id=share.pk)
    share.refresh_from_db()
    assert (result, share.publish_error) == (ShareStatus.POSTED, "")
    assert len(mastodon.posts) == 1
    assert (
        AuditEvent.objects.filter(actor=personas.admin, action="SHARE_PUBLISH_RETRIED").count() == 1
    )


def test_retry_after_a_lost_answer_reconciles_and_posts_once(client, personas, x):
    account, _connection = connect(x, personas.employee, Network.X)
    share = scheduled_share(personas.employee, Network.X)
    # Every attempt reaches X but the answer is lost: the share ends failed, yet it is out.
    x.fail_next("POST /2/tweets", 503, after=True)
    publishing.shares_publish_due()
    Share.objects.filter(pk=share.pk).update(status=ShareStatus.FAILED, failed_at=timezone.now())
    client.force_login(personas.admin)
    _retry(client, share)
    publishing.shares_publish_due(now=timezone.now() + dt.timedelta(seconds=1))
    share.refresh_from_db()
    assert share.status == ShareStatus.POSTED
    assert [p.id for p in x.posts_of(account)] == [share.post_id]
    assert x.calls["POST /2/tweets"] == 1


def test_retry_of_a_share_that_did_not_fail_changes_nothing(client, personas):
    share = ShareFactory(status=ShareStatus.POSTED)
    client.force_login(personas.admin)
    response = client.post(reverse("posts:share_retry", args=[share.pk]), follow=True)
    assert "This share is not a failed post any more." in response.content.decode()
    share.refresh_from_db()
    assert share.status == ShareStatus.POSTED


def test_retry_by_an_employee_is_404_and_audited(client, personas):
    share = ShareFactory(user=personas.employee, status=ShareStatus.FAILED)
    client.force_login(personas.employee)
    assert _retry(client, share).status_code == 404
    share.refresh_from_db()
    assert share.status == ShareStatus.FAILED
    assert AuditEvent.objects.filter(actor=personas.employee, action="ACCESS_DENIED").count() == 1


def test_retry_get_is_not_allowed(client, personas):
    share = ShareFactory(status=ShareStatus.FAILED)
    client.force_login(personas.admin)
    assert client.get(reverse("posts:share_retry", args=[share.pk])).status_code == 405


def test_retry_without_csrf_token_is_refused(personas):
    share = ShareFactory(status=ShareStatus.FAILED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin)
    assert _retry(client, share).status_code == 403
    assert Share.objects.get(pk=share.pk).status == ShareStatus.FAILED


def test_failed_shares_page_is_translated(client, personas):
    personas.admin.language = "nb"
    personas.admin.save()
    client.force_login(personas.admin)
    assert "Mislykkede delinger" in client.get(FAILED_URL).content.decode()
