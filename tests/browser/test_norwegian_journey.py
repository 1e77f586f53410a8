"""A Norwegian employee reads the library and the training in Norwegian: the feed, a
lesson, the quiz and the certificate."""

import re

import pytest
from playwright.sync_api import Page, expect

from ambassador.networks import Network
from tests.factories import PASSWORD, MembershipFactory, TeamFactory, UserFactory
from tests.posts.factories import CaptionFactory, ContentItemFactory
from tests.training.factories import AnswerFactory, LessonFactory, ModuleFactory, QuestionFactory
from training.models import Question


@pytest.fixture
def norwegian_journey(transactional_db):
    item = ContentItemFactory(
        title_en="We are hiring backend developers",
        title_nb="Vi ansetter backend-utviklere",
        summary_en="Python, PostgreSQL and a lot of wind data.",
        summary_nb="Python, PostgreSQL og masse vinddata.",
    )
    CaptionFactory(item=item, network=Network.LINKEDIN, language="nb", text="Spør meg!")
    module = ModuleFactory(
        title_en="Our posting guidelines",
        title_nb="Retningslinjene våre for deling",
        pass_mark=100,
    )
    LessonFactory(
        module=module,
        title_en="Be open",
        title_nb="Vær åpen",
        body_en="Always make clear that you work here.",
        body_nb="Gjør det alltid tydelig at du jobber her.",
    )
    question = QuestionFactory(
        module=module,
        text_en="Can you remove the disclosure tag?",
        text_nb="Kan du fjerne merkingen?",
        kind=Question.Kind.SINGLE,
    )
    AnswerFactory(question=question, text_en="No", text_nb="Nei, aldri", is_correct=True)
    AnswerFactory(question=question, text_en="Yes", text_nb="Ja", is_correct=False)
    user = UserFactory(email="kari@example.com", display_name="Kari Nordmann", language="nb")
    MembershipFactory(team=TeamFactory(), user=user)
    return module


@pytest.mark.browser
def test_norwegian_employee_reads_feed_lesson_quiz_and_certificate_in_norwegian(
    page: Page, live_server, norwegian_journey
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "kari@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))

    page.goto(f"{live_server.url}/library/")
    expect(page.get_by_role("link", name="Vi ansetter backend-utviklere")).to_be_visible()
    expect(page.locator(".library-summary")).to_have_text("Python, PostgreSQL og masse vinddata.")
    expect(page.locator(".fallback-marker")).to_have_count(0)

    page.goto(f"{live_server.url}/programme/training/{norwegian_journey.pk}/")
    expect(page.get_by_role("heading", name="Retningslinjene våre for deling")).to_be_visible()
    page.get_by_role("link", name="Vær åpen").click()
    expect(page.get_by_role("heading", name="Vær åpen")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Gjør det alltid tydelig at du jobber her.")
    page.get_by_role("button", name="Ferdig — gå til quizen").click()

    expect(page.locator("legend").first).to_have_text("1. Kan du fjerne merkingen?")
    page.get_by_label("Nei, aldri").check()
    page.get_by_role("button", name="Send inn svarene").click()
    expect(page.locator(".messages")).to_contain_text("Du besto med 100 %")

    page.get_by_role("link", name="Se kursbeviset ditt").click()
    expect(page.locator(".training-certificate-module")).to_have_text(
        "Retningslinjene våre for deling"
    )
    expect(page.locator(".fallback-marker")).to_have_count(0)
