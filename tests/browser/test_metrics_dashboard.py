"""Journey: the demo manager opens the reach dashboard in Norwegian, switches the period,
downloads a table as CSV and opens the definitions."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from posts.metrics_csv import csv_parse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_manager_reads_the_dashboard_in_norwegian(page, live_server, settings):
    settings.DEBUG = True
    settings.REQUIRE_STAFF_MFA = False
    call_command("demo", stdout=io.StringIO())
    base = live_server.url.replace("localhost", "127.0.0.1")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "manager@example.com")
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/$"))
    # The menu submits itself once app.js has run (it marks <html> with "js" first).
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    with page.expect_navigation():
        page.select_option("#language-select", "nb")

    page.goto(f"{base}/metrics/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rekkevidde · Teamene dine")
    expect(page.locator("figure[data-chart=weeks]")).to_be_visible()  # drawn by Chart.js

    with page.expect_navigation(url=re.compile(r".*period=7.*")):
        page.get_by_label("Periode").select_option(label="Siste 7 dager")
    weeks_rows = page.locator("#table-weeks tbody tr")
    expect(weeks_rows.first).to_be_visible()
    shown = weeks_rows.count()

    with page.expect_download() as download:
        page.locator("#table-weeks caption").get_by_role("link", name="Last ned CSV").click()
    header, *rows = csv_parse(Path(download.value.path()).read_bytes())
    assert header[:3] == ["Fra", "Til", "Delinger publisert"]
    assert len(rows) == shown

    page.get_by_role("link", name="Alle definisjonene på én side").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slik telles rekkevidde")
    expect(page.locator("#def-potential-reach")).to_contain_text("ikke visninger")
    assert errors == []
