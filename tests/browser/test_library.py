"""Journey: a manager adds an item from a URL, its title and summary come from the page's
OpenGraph tags (the link-preview task on a REAL Celery worker), and approves it; an employee
finds it by topic and by search; a suggestion goes through review and reaches the feed with
its credit."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from posts.models import ContentItem, ContentStatus
from tests.posts.conftest import FakeServer
from tests.posts.factories import ContentItemFactory, TopicFactory

OG_PAGE = b"""<!doctype html><html><head><title>Wind | Example Energy</title>
<meta property="og:title" content="Our new wind farm">
<meta property="og:description" content="Clean power for 20,000 homes.">
</head><body><h1>Our new wind farm</h1></body></html>"""


def log_in(page, live_server, user):
    """Reuse a server-side session (staff have MFA; typing TOTP codes is not this journey)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def article_server():
    """The company's article, served from 127.0.0.1 with OpenGraph tags."""
    server = FakeServer()
    server.body("/wind-farm", OG_PAGE)
    yield server
    server.close()


@pytest.fixture
def csp_violations(page):
    found = []
    page.on(
        "console",
        lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return found


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_library_curate_find_and_suggest(
    page, live_server, personas, csp_violations, article_server, celery_worker
):
    # The live server enqueues the preview task on commit through the Redis broker, exactly
    # as in production; the real worker's fetcher may reach the article on 127.0.0.1.
    TopicFactory(name="Climate", slug="climate")
    TopicFactory(name="Hiring", slug="hiring")
    ContentItemFactory(title="An older hiring story")

    # A manager an admin named company-wide curator adds an item for everyone from a URL,
    # leaving title and summary to the link preview.
    personas.manager_a.company_curator = True
    personas.manager_a.save(update_fields=["company_curator"])
    article_url = article_server.url("/wind-farm")
    log_in(page, live_server, personas.manager_a)
    page.goto(f"{live_server.url}/library/items/new/")
    page.fill("#id_url", article_url)
    page.get_by_label("Climate").check()
    page.fill("#id_caption_linkedin_en", "Proud of the team behind our new wind farm.")
    page.get_by_role("button", name="Save and send for review").click()
    expect(page.locator("h1")).to_have_text(article_url)
    item = ContentItem.objects.get(url=article_url)
    assert celery_worker.wait_for(lambda: ContentItem.objects.get(pk=item.pk).title != "")
    page.reload()
    expect(page.locator("h1")).to_have_text("Our new wind farm")
    expect(page.locator(".lead")).to_have_text("Clean power for 20,000 homes.")
    expect(page.locator(".library-meta .tag").first).to_have_text("In review")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".library-meta .tag").first).to_have_text("Approved")

    # An employee finds it by topic filter, then by search.
    log_in(page, live_server, personas.employee)
    page.goto(f"{live_server.url}/library/")
    expect(page.locator(".library-title")).to_have_count(2)
    page.select_option("#id_topic", "climate")
    expect(page.locator(".library-title")).to_have_count(1)
    expect(page.locator(".library-title")).to_have_text("Our new wind farm")
    page.select_option("#id_topic", "")
    # Wait for the unfiltered results: a late answer would otherwise replace the search's.
    expect(page.locator(".library-title")).to_have_count(2)
    page.fill("#id_q", "wind farm")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".library-title")).to_have_count(1)
    expect(page.locator(".library-title")).to_have_text("Our new wind farm")
    expect(page.locator(".library-caption blockquote")).to_contain_text("Proud of the team")
    page.fill("#id_q", "no such thing anywhere")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("Nothing matches")).to_be_visible()

    # The employee suggests a link.
    page.goto(f"{live_server.url}/library/suggest/")
    page.fill("#id_url", "https://example.com/award")
    page.fill("#id_reason", "We won the regional innovation award.")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.locator("table")).to_contain_text("In review")

    # The manager reviews it: adds a title, approves.
    suggestion = ContentItem.objects.get(url="https://example.com/award")
    log_in(page, live_server, personas.manager_a)
    page.goto(f"{live_server.url}/library/review/")
    page.get_by_role("link", name="https://example.com/award").click()
    page.get_by_role("link", name="Edit").first.click()
    page.fill("#id_title_en", "Regional innovation award")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".library-meta .tag").first).to_have_text("Approved")
    suggestion.refresh_from_db()
    assert suggestion.status == ContentStatus.APPROVED

    # Back in the employee's feed, with the credit.
    log_in(page, live_server, personas.employee)
    page.goto(f"{live_server.url}/library/?q=award")
    expect(page.locator(".library-title")).to_have_text("Regional innovation award")
    expect(page.locator(".library-item")).to_contain_text("Suggested by Employee A")
    assert csp_violations == [], csp_violations
