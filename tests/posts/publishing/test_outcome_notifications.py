"""A post published for a person tells them its outcome once: published (when they had
scheduled it for later) or failed, in the app and by email as they chose."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts import notifications
from accounts.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)
from ambassador.networks import Network
from posts.models import ShareStatus
from posts.reminders import publish_outcomes
from posts.services import publishing
from tests.posts.publishing.conftest import connect, scheduled_share


def outcomes(user):
    return Notification.objects.filter(recipient=user, kind=NotificationKind.SCHEDULED_POST)


def test_a_post_scheduled_for_later_tells_its_person_once_when_published(personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    share = scheduled_share(
        personas.employee, Network.MASTODON, created_at=timezone.now() - timedelta(days=1)
    )
    publishing.shares_publish_due()
    share.refresh_from_db()
    assert share.status == ShareStatus.POSTED

    for _tick in range(3):
        notifications.reminders_collect(now=timezone.now())

    row = outcomes(personas.employee).get()
    assert (row.subject, row.period) == (f"posts.share:{share.pk}", ShareStatus.POSTED)
    assert row.title == "Your scheduled post on Mastodon is published"
    assert row.body == share.item.display_title
    assert row.url == share.post_url
    # In the app by default; email only for those who turn it on.
    assert (row.in_app, row.email_state) == (True, Notification.EmailState.NONE)


def test_a_post_sent_at_once_that_published_is_not_announced(personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    scheduled_share(personas.employee, Network.MASTODON)
    publishing.shares_publish_due()

    notifications.reminders_collect(now=timezone.now())

    assert list(outcomes(personas.employee)) == []


def test_a_failed_post_tells_its_person_once_by_email_when_they_chose_it(personas, x):
    NotificationPreference.objects.create(
        user=personas.employee,
        kind=NotificationKind.SCHEDULED_POST,
        channel=NotificationChannel.EMAIL,
        enabled=True,
    )
    _account, connection = connect(x, personas.employee, Network.X)
    x.tokens[connection.access_token].revoked = True
    share = scheduled_share(personas.employee, Network.X)
    publishing.shares_publish_due()
    share.refresh_from_db()
    assert share.status == ShareStatus.FAILED

    notifications.reminders_collect(now=timezone.now())
    notifications.reminders_collect(now=timezone.now())

    row = outcomes(personas.employee).get()
    assert (row.period, row.title) == (
        ShareStatus.FAILED,
        "Your post on X could not be published",
    )
    assert row.body == share.publish_error
    assert row.url == reverse("posts:share_done", args=[share.pk])
    assert (row.in_app, row.email_state) == (True, Notification.EmailState.PENDING)


def test_a_failed_post_is_told_in_the_persons_language(personas, mastodon):
    personas.employee.language = "nb"
    personas.employee.save(update_fields=["language"])
    connect(mastodon, personas.employee, Network.MASTODON)
    scheduled_share(personas.employee, Network.MASTODON, caption="x" * 600)
    publishing.shares_publish_due()

    notifications.reminders_collect(now=timezone.now())

    assert outcomes(personas.employee).get().title == (
        "Innlegget ditt på Mastodon kunne ikke publiseres"
    )


def test_outcomes_already_told_are_not_read_again(personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    scheduled_share(personas.employee, Network.MASTODON, caption="x" * 600)
    publishing.shares_publish_due()
    notifications.reminders_collect(now=timezone.now())

    assert list(publish_outcomes(now=timezone.now())) == []
