"""Journey: the weekly digest arrives by email; its "Share" link, opened signed out, leads
through the login to the share page with the person's caption in their language; one more
click shares."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts import notifications
from accounts.models import NotificationSetting, ReminderSchedule, SocialProfile
from ambassador.networks import Network
from posts import reminders
from posts.models import Share
from tests.factories import PASSWORD, UserFactory
from tests.posts.factories import CaptionFactory, ContentItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_clicks_from_the_digest_to_a_share(page, live_server, settings):
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.SITE_URL = base
    now = timezone.now()
    ReminderSchedule.objects.create(
        pk=1, digest_weekday=now.weekday(), digest_time=(now - dt.timedelta(minutes=5)).time()
    )
    kari = UserFactory(
        email="kari@example.com",
        language="nb",
        time_zone="UTC",
        date_joined=now - dt.timedelta(days=30),
    )
    NotificationSetting.objects.create(user=kari, quiet_hours_start=None, quiet_hours_end=None)
    SocialProfile.objects.create(user=kari, network=Network.X, followers_count=120)
    item = ContentItemFactory(title="Vi åpner nytt kontor", approved_at=now - dt.timedelta(hours=1))
    CaptionFactory(item=item, network=Network.X, language="en", text="Our new office!")
    CaptionFactory(item=item, network=Network.X, language="nb", text="Vårt nye kontor!")

    reminders.digest_collect(now=now)
    for batch in notifications.emails_queue_due(now=now):
        notifications.emails_send(notification_ids=batch, now=now)
    (message,) = mail.outbox
    assert message.to == ["kari@example.com"]
    assert "“Vårt nye kontor!”" in message.body
    link = re.search(rf"{re.escape(base)}/library/from-digest/\S+/", message.body).group(0)

    # Click 1: the link from the email. Signed out, so the login comes first, then the
    # share page for that item and network, caption ready, in Kari's language.
    page.goto(link)
    page.fill("input[name=login]", "kari@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf".*/library/items/{item.pk}/share/\?network=X$"))
    expect(page.locator("textarea[name=caption]")).to_have_value("Vårt nye kontor!")

    # Click 2: share. The network's intent is captured, not followed.
    page.route("https://x.com/**", lambda route: route.abort())
    with page.expect_request(re.compile(r"https://x\.com/intent/post\?.*")) as intent:
        page.get_by_role("button", name="Del på X").click()
    share = Share.objects.get()
    assert (share.user, share.item, share.network) == (kari, item, Network.X)
    assert share.caption.startswith("Vårt nye kontor!")
    assert f"%2Fr%2F{share.code}" in intent.value.url
