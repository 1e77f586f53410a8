"""A newcomer on an allowed domain signs up, verifies the email, logs in, switches to Norwegian."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import AllowedDomain

PASSWORD = "a-long-browser-password-7"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signup_verify_login_and_switch_to_norwegian(page, live_server):
    AllowedDomain.objects.create(domain="acme.test")

    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("#id_email", "nora@acme.test")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    page.click("form.auth-form button[type=submit]")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", "nora@acme.test")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Welcome")

    # The menu submits itself once app.js has run (it marks <html> with "js" first).
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    with page.expect_navigation():
        page.select_option("#language-select", "nb")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("h1")).to_contain_text("Velkommen")
    expect(page.locator(".user-menu form button")).to_have_text("Logg ut")
