"""Journey: an employee connects the fake Mastodon on /people/me/connections/, schedules a
post from the share page, time moves on (the service the beat tick calls, with a later
``now``), and "My shares" shows it posted with a link; after a collection round the
engagement set on the fake appears there."""

import copy
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from ambassador.networks import Network
from posts.models import Share, ShareStatus
from posts.services import engagement, publishing
from tests.factories import PASSWORD
from tests.fakes.mastodon import FakeMastodon
from tests.posts.factories import CaptionFactory, ContentItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mastodon(settings):
    with FakeMastodon() as fake:
        yield fake


def _sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/$"))


def test_employee_connects_mastodon_schedules_and_sees_post_and_engagement(
    page, live_server, settings, personas, mastodon
):
    base = live_server.url.replace("localhost", "127.0.0.1")
    # http:// to the fake on 127.0.0.1 is accepted only with DEBUG on and the address allowed.
    settings.DEBUG = True
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SITE_URL = settings.SHORT_LINK_BASE_URL = base
    # The connect form redirects to the instance's authorize page, which the policy's
    # form-action allows for https: origins; the fake speaks plain http on 127.0.0.1.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], mastodon.base_url]
    settings.CONTENT_SECURITY_POLICY = policy
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    alice = mastodon.add_account("alice", followers=120)
    mastodon.login(alice)  # the auto-approving authorize page signs in as alice
    item = ContentItemFactory(title="Our new wind farm")
    CaptionFactory(item=item, network=Network.MASTODON, language="en", text="Clean power!")

    _sign_in(page, base, personas.employee.email)
    # Connecting an account is a sensitive change: the password is confirmed first.
    page.goto(f"{base}/accounts/reauthenticate/?next=/people/me/connections/")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{base}/people/me/connections/")
    row = page.locator("#connection-mastodon")
    row.get_by_label("Your Mastodon server").fill(mastodon.base_url)
    # On to the fake's authorize page, which approves and sends the browser back.
    with page.expect_navigation(url=f"{base}/people/me/connections/", timeout=30_000):
        row.get_by_role("button", name="Connect").click()
    expect(page.locator("#connection-mastodon")).to_contain_text("Connected as @alice")

    page.goto(f"{base}/library/items/{item.pk}/share/?network={Network.MASTODON}")
    expect(page.get_by_role("heading", name="Post on Mastodon as alice")).to_be_visible()
    expect(page.get_by_label("Caption")).to_have_value("Clean power!")
    oslo = ZoneInfo(personas.employee.time_zone)
    day = dt.datetime.now(oslo).date() + dt.timedelta(days=1)
    page.get_by_label("Date and time").fill(f"{day:%Y-%m-%d}T10:30")
    page.get_by_role("button", name="Schedule", exact=True).click()
    page.wait_for_url(f"{base}/library/my-shares/")
    share = Share.objects.get()
    when = dt.datetime.combine(day, dt.time(10, 30), tzinfo=oslo)
    assert (share.status, share.scheduled_at) == (ShareStatus.SCHEDULED, when)
    row = page.get_by_role("row").filter(has_text=item.title)
    expect(row).to_contain_text("Scheduled for")
    assert mastodon.calls["POST /api/v1/statuses"] == 0

    # Time moves on: the beat tick's service runs a minute after the chosen time.
    assert publishing.shares_publish_due(now=when + dt.timedelta(minutes=1)) == 1
    page.reload()
    share.refresh_from_db()
    row = page.get_by_role("row").filter(has_text=item.title)
    expect(row).to_contain_text("Posted")
    link = row.get_by_role("link", name="See the post on Mastodon")
    expect(link).to_have_attribute("href", f"{mastodon.base_url}/@alice/{share.post_id}")
    expect(row.locator(".share-engagement")).to_contain_text("Not read yet.")

    mastodon.set_engagement(share.post_id, likes=12, reposts=4, replies=3)
    stats = engagement.engagement_collect_due(now=share.next_collect_at + dt.timedelta(minutes=1))
    assert stats.readings == 1
    page.reload()
    cell = page.get_by_role("row").filter(has_text=item.title).locator(".share-engagement")
    expect(cell.locator("dt:has-text('Reactions') + dd")).to_have_text("12")
    expect(cell.locator("dt:has-text('Reposts') + dd")).to_have_text("4")
    expect(cell.locator("dt:has-text('Replies') + dd")).to_have_text("3")
    # Mastodon reports no impressions: said so, never 0.
    expect(cell.locator("dt:has-text('Impressions') + dd")).to_have_text("not reported")
    assert mastodon.calls["POST /api/v1/statuses"] == 1
    assert violations == []
