"""The library's reminders: the weekly digest, gentle nudges, featured items, the team
summary and the digest's two-click share links. Time travels through ``now=``."""

import datetime as dt
import re
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import notifications
from accounts.models import (
    DigestFrequency,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
    NotificationSetting,
    ReminderSchedule,
    SocialProfile,
    TeamWebhook,
    WebhookMessage,
)
from ambassador.networks import Network
from posts import reminders
from posts.models import FeaturedAnnouncement
from posts.services import comments as comment_services
from posts.services import content as content_services
from posts.services import suggestions as suggestion_services
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.posts.factories import CaptionFactory, ContentItemFactory, ShareFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _encryption_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


OSLO = ZoneInfo("Europe/Oslo")
UTC = dt.UTC
# Mondays at 08:00, the default schedule.
MONDAY = dt.datetime(2025, 6, 2, 8, 0, tzinfo=OSLO)


def at(year, month, day, hour=12, minute=0, tz=OSLO):
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def person(**kwargs):
    kwargs.setdefault("date_joined", at(2025, 1, 1))
    return UserFactory(**kwargs)


def item(**kwargs):
    kwargs.setdefault("approved_at", MONDAY - dt.timedelta(days=2))
    return ContentItemFactory(**kwargs)


def digests(user=None):
    rows = Notification.objects.filter(kind=NotificationKind.DIGEST).exclude(
        in_app=False, email_state=Notification.EmailState.NONE
    )
    return rows.filter(recipient=user) if user else rows


# --- When -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "time_zone", "expected"),
    [
        (at(2025, 6, 2, 8, 0), "Europe/Oslo", at(2025, 6, 2, 8, 0)),
        (at(2025, 6, 2, 7, 59), "Europe/Oslo", at(2025, 5, 26, 8, 0)),
        (at(2025, 6, 5, 15), "Europe/Oslo", at(2025, 6, 2, 8, 0)),
        # Monday 08:00 in New York is 12:00 UTC.
        (at(2025, 6, 2, 11, tz=UTC), "America/New_York", at(2025, 5, 26, 12, tz=UTC)),
        (at(2025, 6, 2, 12, tz=UTC), "America/New_York", at(2025, 6, 2, 12, tz=UTC)),
        # Across the autumn change: 08:00 stays 08:00 local (CET, UTC+1).
        (at(2025, 10, 27, 9), "Europe/Oslo", at(2025, 10, 27, 8)),
    ],
)
def test_digest_slot(now, time_zone, expected):
    slot = reminders.digest_slot(now=now, time_zone=time_zone, weekday=0, at=dt.time(8))
    assert slot == expected


def test_digest_slot_after_keeps_the_wall_clock_across_daylight_saving():
    slot = at(2025, 10, 20, 8)  # CEST
    after = reminders.digest_slot_after(slot)
    assert after == at(2025, 10, 27, 8)  # CET
    assert after.astimezone(UTC) - slot.astimezone(UTC) == dt.timedelta(days=7, hours=1)


# --- The weekly digest ------------------------------------------------------------------------


def test_digest_lists_new_unshared_items_featured_first_then_newest():
    user = person()
    old = item(title="Old", approved_at=MONDAY - dt.timedelta(days=20))
    newer = item(title="Newer", approved_at=MONDAY - dt.timedelta(days=1))
    newest = item(title="Newest", approved_at=MONDAY - dt.timedelta(hours=2))
    featured = item(title="Featured", featured=True, approved_at=MONDAY - dt.timedelta(days=3))
    shared = item(title="Shared", approved_at=MONDAY - dt.timedelta(days=1))
    ShareFactory(user=user, item=shared)
    reminders.digest_collect(now=MONDAY)
    row = digests(user).get()
    assert row.data["items"] == [featured.pk, newest.pk, newer.pk]
    assert old.pk not in row.data["items"]
    assert row.title == "Your digest: 3 new things to share"
    assert row.period == "2025-06-02"
    assert row.email_expires_at == at(2025, 6, 9, 8)


def test_digest_only_items_aimed_at_the_person_including_parent_teams():
    parent = TeamFactory()
    child = TeamFactory(parent=parent)
    other = TeamFactory()
    user = person()
    MembershipFactory(team=child, user=user)
    for_parent = item(title="For parent", target_teams=[parent])
    item(title="For other", target_teams=[other])
    reminders.digest_collect(now=MONDAY)
    assert digests(user).get().data["items"] == [for_parent.pk]


def test_nothing_new_means_no_digest():
    user = person()
    item(approved_at=MONDAY - dt.timedelta(days=30))
    reminders.digest_collect(now=MONDAY)
    assert not digests().exists()
    # The week is decided: shown nowhere, sent to nobody, and not reconsidered every minute.
    mark = Notification.objects.get(recipient=user)
    assert (mark.in_app, mark.email_state) == (False, Notification.EmailState.NONE)
    assert not notifications.emails_queue_due(now=MONDAY)


def test_digest_twice_in_the_same_week_is_one_digest():
    user = person()
    item()
    reminders.digest_collect(now=MONDAY)
    item(title="Later that week", approved_at=MONDAY + dt.timedelta(days=1))
    reminders.digest_collect(now=MONDAY + dt.timedelta(days=2))
    assert digests(user).count() == 1


def test_next_digest_lists_only_what_came_since_the_last():
    user = person()
    first = item(approved_at=MONDAY - dt.timedelta(days=1))
    reminders.digest_collect(now=MONDAY)
    second = item(approved_at=MONDAY + dt.timedelta(days=3))
    next_monday = MONDAY + dt.timedelta(days=7)
    reminders.digest_collect(now=next_monday)
    rows = list(digests(user).order_by("created_at").values_list("data", flat=True))
    assert rows == [{"items": [first.pk]}, {"items": [second.pk]}]


def test_beat_down_across_the_slot_sends_late_not_lost():
    user = person()
    reminders.digest_collect(now=MONDAY - dt.timedelta(hours=1))
    item(approved_at=MONDAY - dt.timedelta(minutes=30))
    # Beat is down at 08:00 on Monday and runs again on Wednesday.
    wednesday = MONDAY + dt.timedelta(days=2)
    reminders.digest_collect(now=wednesday)
    assert digests(user).get().period == "2025-06-02"


def test_a_week_that_passed_while_nothing_ran_gets_no_stale_digest():
    user = person()
    item(approved_at=MONDAY + dt.timedelta(days=1))
    # Nothing ran from before 2 June until 10 June: only the 9 June digest is made.
    reminders.digest_collect(now=at(2025, 6, 10))
    assert list(digests(user).values_list("period", flat=True)) == ["2025-06-09"]


def test_a_digest_not_sent_within_its_week_is_dropped():
    user = person()
    item()
    reminders.digest_collect(now=MONDAY)
    row = digests(user).get()
    notifications.emails_drop_expired(now=MONDAY + dt.timedelta(days=7, minutes=1))
    row.refresh_from_db()
    assert row.email_state == Notification.EmailState.DROPPED


def test_digest_off_gets_none():
    user = person()
    NotificationSetting.objects.create(user=user, digest_frequency=DigestFrequency.OFF)
    item()
    reminders.digest_collect(now=MONDAY)
    assert not Notification.objects.exists()


def test_every_two_weeks_skips_the_week_after_a_digest():
    user = person()
    NotificationSetting.objects.create(user=user, digest_frequency=DigestFrequency.BIWEEKLY)
    item()
    reminders.digest_collect(now=MONDAY)
    item(approved_at=MONDAY + dt.timedelta(days=1))
    reminders.digest_collect(now=MONDAY + dt.timedelta(days=7))
    item(approved_at=MONDAY + dt.timedelta(days=8))
    reminders.digest_collect(now=MONDAY + dt.timedelta(days=14))
    assert list(digests(user).order_by("period").values_list("period", flat=True)) == [
        "2025-06-02",
        "2025-06-16",
    ]


def test_someone_who_joined_after_the_slot_waits_for_the_next():
    person(date_joined=MONDAY + dt.timedelta(hours=1))
    item()
    reminders.digest_collect(now=MONDAY + dt.timedelta(days=1))
    assert not Notification.objects.exists()


def test_admin_set_day_and_time_in_each_persons_time_zone():
    ReminderSchedule.objects.create(pk=1, digest_weekday=4, digest_time=dt.time(9, 30))
    oslo = person(time_zone="Europe/Oslo")
    new_york = person(time_zone="America/New_York")
    reminders.digest_collect(now=at(2025, 6, 1))  # last week decided for both: nothing new
    item(approved_at=at(2025, 6, 3))
    reminders.digest_collect(now=at(2025, 6, 6, 9, 29))
    assert not digests().exists()
    reminders.digest_collect(now=at(2025, 6, 6, 9, 30))
    assert list(digests().values_list("recipient", "period")) == [(oslo.pk, "2025-06-06")]
    reminders.digest_collect(now=at(2025, 6, 6, 9, 30, tz=ZoneInfo("America/New_York")))
    assert set(digests().values_list("recipient", "period")) == {
        (oslo.pk, "2025-06-06"),
        (new_york.pk, "2025-06-06"),
    }


def test_digest_by_email_waits_for_quiet_hours():
    ReminderSchedule.objects.create(pk=1, digest_weekday=0, digest_time=dt.time(5, 0))
    user = person()
    item(approved_at=at(2025, 6, 1))
    reminders.digest_collect(now=at(2025, 6, 2, 5))
    assert digests(user).get().email_due_at == at(2025, 6, 2, 7)


def test_digest_run_queries_do_not_grow_with_people():
    item()
    item(featured=True)
    for _ in range(3):
        person()
    with CaptureQueriesContext(connection) as few:
        reminders.digest_collect(now=MONDAY)
    Notification.objects.all().delete()
    for _ in range(40):
        person()
    with CaptureQueriesContext(connection) as many:
        reminders.digest_collect(now=MONDAY)
    assert len(many) == len(few)
    assert digests().count() == 43


# --- The digest email -------------------------------------------------------------------------


def send_all(now):
    for batch in notifications.emails_queue_due(now=now):
        notifications.emails_send(notification_ids=batch, now=now)


def test_digest_email_has_each_item_with_caption_and_share_link(settings):
    settings.SITE_URL = "https://ambassador.example.com"
    user = person(email="eva@example.com")
    shared_item = item(title="Our new office", featured=True)
    CaptionFactory(item=shared_item, network=Network.LINKEDIN, language="en", text="Come visit!")
    reminders.digest_collect(now=MONDAY)
    send_all(MONDAY)
    message = mail.outbox[0]
    html = message.alternatives[0].content
    assert message.subject == "Your digest: 1 new thing to share"
    assert "Our new office" in message.body
    assert "“Come visit!”" in message.body
    links = re.findall(
        r"https://ambassador\.example\.com/library/from-digest/[^/\s]+/", message.body
    )
    assert len(links) == 1
    token = links[0].rsplit("/", 2)[1]
    assert reminders.share_link_read(token=token) == reminders.ShareLink(
        user.pk, shared_item.pk, Network.LINKEDIN
    )
    assert "Share on LinkedIn" in html
    assert links[0] in html


def test_digest_email_offers_the_caption_of_the_persons_network_and_language():
    user = person(email="kari@example.com", language="nb")
    SocialProfile.objects.create(user=user, network=Network.MASTODON)
    news = item()
    CaptionFactory(item=news, network=Network.LINKEDIN, language="nb", text="LinkedIn norsk")
    CaptionFactory(item=news, network=Network.MASTODON, language="en", text="Mastodon English")
    CaptionFactory(item=news, network=Network.MASTODON, language="nb", text="Mastodon norsk")
    reminders.digest_collect(now=MONDAY)
    send_all(MONDAY)
    body = mail.outbox[0].body
    assert "“Mastodon norsk”" in body
    token = re.search(r"/library/from-digest/([^/\s]+)/", body).group(1)
    assert reminders.share_link_read(token=token).network == Network.MASTODON


def test_digest_preview_renders_in_both_languages():
    admin = person(is_admin=True)
    item(title="Preview me")
    now = MONDAY
    for language, phrase in (("en", "Notification settings"), ("nb", "Varslingsinnstillinger")):
        draft = notifications.sample_draft(kind=NotificationKind.DIGEST, user=admin, now=now)
        row = draft.to_row(now=now)
        admin.language = language
        row.recipient = admin
        ((template, context),) = notifications.email_contexts([row])
        message = notifications.email_render(row, template=template, context=context)
        assert "Preview me" in message.alternatives[0].content
        assert phrase in message.body


# --- The two-click share link -------------------------------------------------------------------


def test_share_link_token_expires(settings):
    settings.DIGEST_SHARE_LINK_MAX_AGE_DAYS = 0
    token = reminders.share_link_token(user_id=1, item_id=2, network=Network.X)
    with pytest.raises(reminders.ShareLinkExpired):
        reminders.share_link_read(token=token)


def test_share_link_forged_is_none():
    token = reminders.share_link_token(user_id=1, item_id=2, network=Network.X)
    _value, timestamp, signature = token.rsplit(":", 2)
    forged = signing.b64_encode(b'{"u":1,"i":3,"n":"X"}').decode()
    assert reminders.share_link_read(token=f"{forged}:{timestamp}:{signature}") is None


def test_share_link_opens_the_share_page_for_the_item_and_network(client):
    user = person()
    news = item()
    token = reminders.share_link_token(user_id=user.pk, item_id=news.pk, network=Network.X)
    client.force_login(user)
    response = client.get(reverse("posts:digest_share", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == f"/library/items/{news.pk}/share/?network=X"


def test_share_link_signed_out_goes_to_login_and_back(client):
    user = person()
    news = item()
    token = reminders.share_link_token(user_id=user.pk, item_id=news.pk, network=Network.X)
    url = reverse("posts:digest_share", args=[token])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url, safe='/')}"


def test_share_link_of_someone_else_is_refused(client):
    owner, other = person(), person()
    news = item()
    token = reminders.share_link_token(user_id=owner.pk, item_id=news.pk, network=Network.X)
    client.force_login(other)
    response = client.get(reverse("posts:digest_share", args=[token]))
    assert response.status_code == 404


def test_share_link_to_a_withdrawn_item_lands_on_the_feed(client):
    user = person()
    news = item(status="ARCHIVED")
    token = reminders.share_link_token(user_id=user.pk, item_id=news.pk, network=Network.X)
    client.force_login(user)
    response = client.get(reverse("posts:digest_share", args=[token]))
    assert response["Location"] == reverse("posts:feed")


# --- Gentle nudges ------------------------------------------------------------------------------


def test_nudge_after_30_days_without_a_share_with_something_new():
    now = at(2025, 6, 15)
    old = item(approved_at=now - dt.timedelta(days=60))
    quiet = person()
    ShareFactory(user=quiet, item=old, created_at=now - dt.timedelta(days=40))
    active = person()
    ShareFactory(user=active, item=old, created_at=now - dt.timedelta(days=3))
    new = item(approved_at=now - dt.timedelta(days=2), title="Fresh")
    reminders.nudge_collect(now=now)
    row = Notification.objects.get(kind=NotificationKind.NUDGE)
    assert row.recipient_id == quiet.pk
    assert row.title == "Something new to share: Fresh"
    assert row.url == f"/library/items/{new.pk}/"
    # In the app by default; email only for those who ask for it.
    assert (row.in_app, row.email_state) == (True, Notification.EmailState.NONE)


def test_no_nudge_without_something_new():
    now = at(2025, 6, 15)
    old = item(approved_at=now - dt.timedelta(days=45))
    quiet = person()
    ShareFactory(user=quiet, item=old, created_at=now - dt.timedelta(days=40))
    reminders.nudge_collect(now=now)
    assert not Notification.objects.exists()


def test_nudge_at_most_once_a_month():
    quiet = person()
    start = at(2025, 6, 15)
    for day in range(0, 45):
        now = start + dt.timedelta(days=day)
        item(approved_at=now - dt.timedelta(hours=1))
        reminders.nudge_collect(now=now)
    created = list(
        Notification.objects.filter(recipient=quiet, kind=NotificationKind.NUDGE)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    assert len(created) == 2
    assert created[1] - created[0] >= dt.timedelta(days=30)


def test_never_a_nudge_to_someone_who_switched_them_off():
    quiet = person()
    for channel in NotificationChannel.values:
        NotificationPreference.objects.create(
            user=quiet, kind=NotificationKind.NUDGE, channel=channel, enabled=False
        )
    now = at(2025, 6, 15)
    item(approved_at=now - dt.timedelta(days=1))
    reminders.nudge_collect(now=now)
    assert not Notification.objects.exists()


# --- New featured items and team channels -------------------------------------------------------


@pytest.fixture
def curator(db):
    return person(is_admin=True)


def test_announce_requires_a_live_featured_item(curator):
    plain = item(featured=False)
    with pytest.raises(reminders.ReminderError):
        reminders.featured_announce_request(item=plain, by=curator)
    assert not FeaturedAnnouncement.objects.exists()


def test_announce_requires_a_curator():
    employee = person()
    featured = item(featured=True)
    with pytest.raises(reminders.ReminderError):
        reminders.featured_announce_request(item=featured, by=employee)


def test_featured_announcement_reaches_its_audience_once(curator):
    parent = TeamFactory()
    child = TeamFactory(parent=parent)
    in_child = MembershipFactory(team=child, user=person()).user
    outside = person()
    featured = item(featured=True, target_teams=[parent], title="Big news")
    reminders.featured_announce_request(item=featured, by=curator)
    now = timezone.now()
    reminders.featured_collect(now=now)
    reminders.featured_collect(now=now + dt.timedelta(minutes=1))
    rows = Notification.objects.filter(kind=NotificationKind.FEATURED)
    assert list(rows.values_list("recipient", flat=True)) == [in_child.pk]
    assert rows.get().title == "New featured: Big news"
    assert outside.pk not in rows.values_list("recipient", flat=True)


def test_featured_announcement_posts_to_the_teams_channels(curator, settings):
    team, other = TeamFactory(), TeamFactory()
    hook = TeamWebhook.objects.create(team=team, service="SLACK", url="https://hooks.example/1")
    TeamWebhook.objects.create(team=other, service="SLACK", url="https://hooks.example/2")
    featured = item(featured=True, target_teams=[team], title="Big news")
    reminders.featured_announce_request(item=featured, by=curator)
    reminders.featured_collect(now=timezone.now())
    message = WebhookMessage.objects.get()
    assert message.webhook_id == hook.pk
    assert message.payload["title"] == "New featured: Big news"
    assert message.payload["url"] == f"{settings.SITE_URL}/library/items/{featured.pk}/"


def test_item_announce_view_by_curator(client, personas):
    featured = item(featured=True)
    client.force_login(personas.admin)
    response = client.post(
        reverse("posts:item_announce", args=[featured.pk]), {"notify_audience": "on"}
    )
    assert response.status_code == 302
    assert FeaturedAnnouncement.objects.get().requested_by == personas.admin


def test_item_announce_view_forbidden_for_employee(client, personas):
    featured = item(featured=True)
    client.force_login(personas.employee)
    response = client.post(
        reverse("posts:item_announce", args=[featured.pk]), {"notify_audience": "on"}
    )
    assert response.status_code == 403
    assert not FeaturedAnnouncement.objects.exists()


def test_team_summary_once_a_week_per_channel():
    team = TeamFactory()
    member = MembershipFactory(team=team, user=person()).user
    hook = TeamWebhook.objects.create(
        team=team,
        service="TEAMS",
        url="https://example.webhook.office.com/x",
        created_at=at(2025, 5, 1),
    )
    shared = item(title="Popular", approved_at=MONDAY - dt.timedelta(days=1))
    ShareFactory(user=member, item=shared, created_at=MONDAY - dt.timedelta(days=1))
    reminders.team_summary_collect(now=MONDAY)
    reminders.team_summary_collect(now=MONDAY + dt.timedelta(hours=5))
    message = WebhookMessage.objects.get(webhook=hook)
    assert message.period == "2025-06-02"
    assert dict(map(tuple, message.payload["facts"])) == {
        "New to share": "1",
        "Shares by the team": "1",
        "Most shared": "Popular",
    }


# --- In-app events, by email when the person wants it ---------------------------------------------


def test_suggestion_approved_is_emailed_to_a_suggester_who_asked_for_it(personas):
    NotificationPreference.objects.create(
        user=personas.employee,
        kind=NotificationKind.SUGGESTION,
        channel=NotificationChannel.EMAIL,
        enabled=True,
    )
    item = suggestion_services.suggestion_create(
        by=personas.employee, url="https://example.com/great", reason="Good"
    )
    item.title = "Great"
    item.save(update_fields=["title"])
    content_services.content_approve(item=item, by=personas.admin)
    note = Notification.objects.get(recipient=personas.employee)
    assert note.email_state == Notification.EmailState.PENDING
    send_all(note.email_due_at)
    assert mail.outbox[0].subject == "Your suggestion was approved: Great"
    assert mail.outbox[0].to == [personas.employee.email]


def test_a_comment_stays_in_the_app_unless_email_is_turned_on(personas):
    news = item(created_by=personas.manager_a)
    comment_services.comment_create(item=news, by=personas.employee, body="How did it go?")
    note = Notification.objects.get(recipient=personas.manager_a)
    assert (note.in_app, note.email_state) == (True, Notification.EmailState.NONE)


def test_a_reply_reaches_everyone_who_commented_in_the_thread(personas):
    news = item(created_by=personas.manager_a)
    comment_services.comment_create(item=news, by=personas.employee, body="How did it go?")
    comment_services.comment_create(item=news, by=personas.employee_b, body="Well!")

    replies = Notification.objects.filter(kind=NotificationKind.THREAD_REPLY)
    assert sorted(replies.values_list("recipient__email", flat=True)) == [
        personas.employee.email,  # took part before: hears of the reply
        personas.manager_a.email,
        personas.manager_a.email,
    ]


def test_featured_announcement_keeps_quiet_hours_and_preferences(curator):
    by_email = person(time_zone="Europe/Oslo")
    NotificationPreference.objects.create(
        user=by_email,
        kind=NotificationKind.FEATURED,
        channel=NotificationChannel.EMAIL,
        enabled=True,
    )
    in_app_only = person(time_zone="America/New_York")
    switched_off = person()
    NotificationPreference.objects.create(
        user=switched_off,
        kind=NotificationKind.FEATURED,
        channel=NotificationChannel.IN_APP,
        enabled=False,
    )
    featured = item(featured=True, target_everyone=True, title="Big news")
    night = at(2025, 6, 3, 23)  # 23:00 in Oslo, 17:00 in New York
    announcement = reminders.featured_announce_request(item=featured, by=curator)
    announcement.requested_at = night - dt.timedelta(minutes=1)
    announcement.save(update_fields=["requested_at"])

    reminders.featured_collect(now=night)

    rows = Notification.objects.filter(kind=NotificationKind.FEATURED)
    assert set(rows.values_list("recipient", flat=True)) == {
        by_email.pk,
        in_app_only.pk,
        curator.pk,
    }
    emailed = rows.get(recipient=by_email)
    assert (emailed.in_app, emailed.email_state) == (True, Notification.EmailState.PENDING)
    assert emailed.email_due_at == at(2025, 6, 4, 7)  # the Oslo morning
    assert rows.get(recipient=in_app_only).email_state == Notification.EmailState.NONE


def test_digest_emails_of_one_batch_each_carry_their_own_person_and_language():
    people = [person(language=language) for language in ("en", "nb", "en")]
    news = item(title="Our new office")
    CaptionFactory(item=news, network=Network.LINKEDIN, language="en", text="Come <visit>!")
    reminders.digest_collect(now=MONDAY)
    send_all(MONDAY)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert len(by_recipient) == 3
    for someone in people:
        message = by_recipient[someone.email]
        html = message.alternatives[0].content
        unsubscribe = notifications.unsubscribe_url(
            user_id=someone.pk, kind=NotificationKind.DIGEST
        )
        assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert unsubscribe in message.body
        assert unsubscribe in html
        token = re.search(r"/library/from-digest/([^/\s]+)/", message.body).group(1)
        assert reminders.share_link_read(token=token).user_id == someone.pk
        assert f"/library/from-digest/{token}/" in html
        assert "Come &lt;visit&gt;!" in html
    assert "Notification settings" in by_recipient[people[0].email].body
    assert "Varslingsinnstillinger" in by_recipient[people[1].email].body
