"""An employee's training journey: read, acknowledge, learn, fail, pass, certificate, share."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, MembershipFactory, TeamFactory, UserFactory
from tests.training.factories import GuidelineVersionFactory, quiz_module
from training.models import PROGRAMME_ID, Programme


@pytest.fixture
def journey(transactional_db):
    Programme.objects.create(
        pk=PROGRAMME_ID,
        mission_en="We share what we are proud of.",
        sharing_gate_enabled=True,
        disclosure_en="#employee",
    )
    GuidelineVersionFactory(number=1, body_en="## Be open\n\nSay that you work here.")
    module = quiz_module(title="Our posting guidelines", is_required=True, pass_mark=100)
    user = UserFactory(email="eva@example.com", display_name="Eva Employee")
    MembershipFactory(team=TeamFactory(), user=user)
    return module


@pytest.mark.browser
def test_employee_acknowledges_learns_passes_and_may_share(page: Page, live_server, journey):
    csp_errors = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "eva@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))
    csp_errors.clear()  # only the training pages are under test here

    # Read the mission and guidelines on the programme page, then acknowledge them.
    page.goto(f"{live_server.url}/programme/")
    expect(page.get_by_role("heading", name="Be open")).to_be_visible()
    expect(page.locator("#sharing-gate")).to_contain_text(
        "Read and acknowledge the posting guidelines"
    )
    page.get_by_role("button", name="I have read and will follow the guidelines").click()
    expect(page.get_by_test_id("acknowledged")).to_be_visible()

    # The remaining step links to the required module.
    page.locator("#sharing-gate").get_by_role(
        "link", name=re.compile("Our posting guidelines")
    ).click()
    page.get_by_role("link", name="The only lesson").click()
    page.get_by_role("button", name="Done — go to the quiz").click()

    # Fail once.
    page.get_by_label("Wrong").check()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_test_id("quiz-failed")).to_contain_text("You scored 0%")

    # Pass.
    page.get_by_label("Right").check()
    page.get_by_label("Yes A").check()
    page.get_by_label("Yes B").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".messages")).to_contain_text("You passed with 100%")

    # The certificate.
    page.get_by_role("link", name="See your certificate").click()
    expect(page.get_by_role("heading", name="Eva Employee")).to_be_visible()
    expect(page.locator(".training-certificate-module")).to_have_text("Our posting guidelines")
    code = page.locator(".training-certificate-code strong").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    # The programme page now says they may share.
    page.goto(f"{live_server.url}/programme/")
    expect(page.get_by_test_id("gate-allowed")).to_have_text("You may share approved content.")
    assert csp_errors == []


@pytest.mark.browser
def test_caption_check_updates_live(page: Page, live_server, journey):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "eva@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live_server.url}/programme/")
    page.get_by_label("Network").select_option("X")
    page.get_by_label("Draft caption").fill("a" * 275)
    expect(page.locator("#caption-result")).to_contain_text("With the disclosure “#employee” added")
    page.get_by_label("Draft caption").fill("Proud of the team")
    expect(page.locator("#caption-result")).to_contain_text("This caption follows the guidelines.")
