"""Journey: an employee shares an item to Mastodon; a stranger clicks; "My shares" shows it."""

import re

import pytest
from playwright.sync_api import expect

from ambassador.networks import Network
from posts.models import Share
from posts.services.clicks import clicks_flush
from tests.factories import PASSWORD
from tests.posts.factories import BROWSER_UA, CaptionFactory, ContentItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/$"))


def test_employee_shares_to_mastodon_and_sees_one_click(page, live_server, browser, personas):
    base = live_server.url.replace("localhost", "127.0.0.1")
    # The item lives on the test server itself, so the stranger's browser can land on it.
    item = ContentItemFactory(url=f"{base}/healthz?ref=blog", slug="launch")
    CaptionFactory(item=item, network=Network.MASTODON, language="en", text="We launched!")

    _sign_in(page, base, personas.employee.email)
    page.goto(f"{base}/library/items/{item.pk}/share/?network={Network.MASTODON}")
    expect(page.get_by_label("Caption")).to_have_value("We launched!")
    page.get_by_label("Your Mastodon server").fill("https://mastodon.example")
    # The intent is checked, not followed: the request to the instance is captured and aborted.
    page.route("https://mastodon.example/**", lambda route: route.abort())
    with page.expect_request(re.compile(r"https://mastodon\.example/.*")) as intent:
        page.get_by_role("button", name="Share on Mastodon").click()
    share = Share.objects.get()
    assert intent.value.url == (
        "https://mastodon.example/share?text=We%20launched%21%0A%0A"
        f"http%3A%2F%2F127.0.0.1%3A8000%2Fr%2F{share.code}"
    )

    # A stranger opens the tracked link in a fresh browser (no cookies, a normal browser).
    stranger = browser.new_context(user_agent=BROWSER_UA)
    landing = stranger.new_page()
    landing.goto(f"{base}/r/{share.code}")
    assert landing.url == (
        f"{base}/healthz?ref=blog&utm_source=mastodon&utm_medium=ambassador"
        f"&utm_campaign=launch&utm_content={share.pk}"
    )
    stranger.close()

    clicks_flush()
    page.goto(f"{base}/library/my-shares/")
    row = page.get_by_role("row").filter(has_text=item.title)
    expect(row.get_by_role("cell").last).to_have_text("1")
    expect(row).to_contain_text(f"/r/{share.code}")
