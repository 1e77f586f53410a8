"""The share page with a connected account: post now or schedule (in the person's time zone,
quiet hours avoided on request), the same guideline check as an intent, and the intent flow
kept for networks that are not connected."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Connection, NotificationSetting
from ambassador.networks import Network
from posts.models import Share, ShareStatus
from posts.services import publishing
from posts.tracked_links import tracked_link_url
from tests.posts.factories import ContentItemFactory
from tests.posts.publishing.conftest import connect

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def _page(client, item, network):
    return client.get(reverse("posts:share", args=[item.pk]) + f"?network={network}")


def _submit(client, item, **data):
    return client.post(reverse("posts:share_submit", args=[item.pk]), data)


def _local_input(moment: dt.datetime) -> str:
    return moment.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M")


def test_share_page_connected_offers_post_now_and_schedule(client, personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    client.force_login(personas.employee)
    content = _page(client, ContentItemFactory(), Network.MASTODON).content.decode()
    assert 'value="post_now"' in content
    assert 'value="schedule"' in content
    assert 'name="scheduled_for"' in content
    assert "Post on Mastodon as alice" in content


def test_share_page_not_connected_keeps_intent_with_link_to_connections(client, personas):
    client.force_login(personas.employee)
    content = _page(client, ContentItemFactory(), Network.X).content.decode()
    assert 'value="post_now"' not in content
    assert "Share on X" in content
    assert 'href="/people/me/connections/"' in content


def test_share_page_reconnect_needed_says_so_instead_of_a_button(client, personas, x):
    _account, connection = connect(x, personas.employee, Network.X)
    Connection.objects.filter(pk=connection.pk).update(state=Connection.State.RECONNECT_NEEDED)
    client.force_login(personas.employee)
    content = _page(client, ContentItemFactory(), Network.X).content.decode()
    assert 'value="post_now"' not in content
    assert "Your X connection needs you to connect again" in content
    assert 'href="/people/me/connections/"' in content


def test_share_page_quiet_hours_checkbox_only_when_there_are_quiet_hours(
    client, personas, mastodon
):
    connect(mastodon, personas.employee, Network.MASTODON)
    client.force_login(personas.employee)
    item = ContentItemFactory()
    assert 'name="avoid_quiet_hours"' in _page(client, item, Network.MASTODON).content.decode()
    NotificationSetting.objects.create(
        user=personas.employee, quiet_hours_start=None, quiet_hours_end=None
    )
    assert 'name="avoid_quiet_hours"' not in _page(client, item, Network.MASTODON).content.decode()


def test_post_now_records_share_queues_on_commit_and_publishes(
    client, personas, mastodon, django_capture_on_commit_callbacks
):
    connect(mastodon, personas.employee, Network.MASTODON)
    client.force_login(personas.employee)
    item = ContentItemFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        response = _submit(
            client, item, network=Network.MASTODON, caption="Proud of this", action="post_now"
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("posts:my_shares")
    share = Share.objects.get()
    assert (share.status, share.caption) == (ShareStatus.SCHEDULED, "Proud of this")
    assert len(callbacks) == 1  # the publish task, queued once the share is committed
    # What the queued task does:
    assert publishing.share_publish(share_id=share.pk) == ShareStatus.POSTED
    share.refresh_from_db()
    assert mastodon.posts[share.post_id].text == (
        f"Proud of this\n\n{tracked_link_url(code=share.code)}"
    )


def test_post_now_caption_breaking_guidelines_is_refused_like_an_intent(
    client, personas, x, django_capture_on_commit_callbacks
):
    connect(x, personas.employee, Network.X)
    client.force_login(personas.employee)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _submit(
            client, ContentItemFactory(), network=Network.X, caption="x" * 281, action="post_now"
        )
    assert response.status_code == 400
    assert [v.rule for v in response.context["violations"]] == ["LENGTH"]
    assert "X allows 280" in response.content.decode()
    assert (Share.objects.count(), callbacks) == (0, [])


def test_post_now_without_connection_is_refused_and_records_nothing(client, personas):
    client.force_login(personas.employee)
    response = _submit(
        client, ContentItemFactory(), network=Network.X, caption="Hello", action="post_now"
    )
    assert response.status_code == 400
    assert "Connect this network first to post from here." in response.content.decode()
    assert Share.objects.count() == 0


def test_schedule_stores_the_time_in_the_persons_time_zone(client, personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    personas.employee.time_zone = "America/New_York"
    personas.employee.save()
    client.force_login(personas.employee)
    day = timezone.now().date() + dt.timedelta(days=3)
    response = _submit(
        client,
        ContentItemFactory(),
        network=Network.MASTODON,
        caption="Later",
        action="schedule",
        scheduled_for=f"{day:%Y-%m-%d}T12:30",
    )
    assert response.status_code == 302
    share = Share.objects.get()
    expected = dt.datetime.combine(day, dt.time(12, 30), tzinfo=ZoneInfo("America/New_York"))
    assert (share.status, share.scheduled_at) == (ShareStatus.SCHEDULED, expected)
    assert mastodon.calls["POST /api/v1/statuses"] == 0


def test_schedule_inside_quiet_hours_moves_to_their_end_when_asked(client, personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)  # default quiet hours 21:00-07:00
    client.force_login(personas.employee)
    day = timezone.now().date() + dt.timedelta(days=2)
    response = _submit(
        client,
        ContentItemFactory(),
        network=Network.MASTODON,
        caption="Late night",
        action="schedule",
        scheduled_for=f"{day:%Y-%m-%d}T23:15",
        avoid_quiet_hours="on",
    )
    assert response.status_code == 302
    expected = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(7, 0), tzinfo=OSLO)
    assert Share.objects.get().scheduled_at == expected


def test_schedule_inside_quiet_hours_stays_when_not_asked(client, personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    client.force_login(personas.employee)
    day = timezone.now().date() + dt.timedelta(days=2)
    _submit(
        client,
        ContentItemFactory(),
        network=Network.MASTODON,
        caption="Late night",
        action="schedule",
        scheduled_for=f"{day:%Y-%m-%d}T23:15",
    )
    expected = dt.datetime.combine(day, dt.time(23, 15), tzinfo=OSLO)
    assert Share.objects.get().scheduled_at == expected


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (lambda now: _local_input(now - dt.timedelta(hours=2)), "Choose a time in the future."),
        (
            lambda now: _local_input(now + dt.timedelta(days=400)),
            "Choose a time within the next twelve months.",
        ),
        (lambda now: "", "Choose the date and time to post."),
        (lambda now: "0001-01-01T00:00", "Enter a date between 1900-01-01 and 2999-12-31."),
        (lambda now: "tomorrow", "Enter a valid date/time."),
    ],
)
def test_schedule_bad_time_is_refused_with_a_clear_error(client, personas, mastodon, when, message):
    connect(mastodon, personas.employee, Network.MASTODON)
    client.force_login(personas.employee)
    response = _submit(
        client,
        ContentItemFactory(),
        network=Network.MASTODON,
        caption="Later",
        action="schedule",
        scheduled_for=when(timezone.now()),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Share.objects.count() == 0


def test_schedule_error_is_translated_for_a_norwegian_employee(client, personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    personas.employee.language = "nb"
    personas.employee.save()
    client.force_login(personas.employee)
    response = _submit(
        client,
        ContentItemFactory(),
        network=Network.MASTODON,
        caption="Senere",
        action="schedule",
        scheduled_for=_local_input(timezone.now() - dt.timedelta(hours=2)),
    )
    assert response.status_code == 400
    assert "Velg et tidspunkt fram i tid." in response.content.decode()


def test_share_submit_publish_get_is_not_allowed(client, personas):
    client.force_login(personas.employee)
    item = ContentItemFactory()
    assert client.get(reverse("posts:share_submit", args=[item.pk])).status_code == 405


def test_share_submit_publish_without_csrf_token_is_refused(personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.employee)
    response = _submit(
        client, ContentItemFactory(), network=Network.MASTODON, caption="Hi", action="post_now"
    )
    assert response.status_code == 403
    assert Share.objects.count() == 0


def test_share_submit_publish_item_of_another_team_is_404_and_audited(client, personas, mastodon):
    connect(mastodon, personas.employee, Network.MASTODON)
    item = ContentItemFactory(target_everyone=False)
    item.target_teams.add(personas.team_b)
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.MASTODON, caption="Hi", action="post_now")
    assert response.status_code == 404
    assert Share.objects.count() == 0
    assert AuditEvent.objects.filter(actor=personas.employee, action="ACCESS_DENIED").count() == 1
