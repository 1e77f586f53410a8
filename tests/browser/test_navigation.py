"""The main navigation on a phone: a disclosure menu behind one button, usable by keyboard and
screen reader; fully open on a wide screen and without JavaScript."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
WIDE = {"width": 1280, "height": 800}


def _signed_in_context(browser, live_server, user, **options):
    """A browser context holding a server-side session of ``user`` (staff have MFA; typing
    codes is not what is tested here)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def _people_link(page):
    return page.locator("#site-menu").get_by_role("link", name="People", exact=True)


def test_phone_menu_is_folded_behind_a_button_that_toggles_it(browser, live_server, personas):
    context = _signed_in_context(browser, live_server, personas.manager_a, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/")

    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", "site-menu")
    expect(_people_link(page)).to_be_hidden()
    # Folded, the header is one row: the button sits beside the brand.
    brand = page.locator(".brand").bounding_box()
    button = toggle.bounding_box()
    assert button["y"] < brand["y"] + brand["height"]

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(_people_link(page)).to_be_visible()
    expect(page.locator(".user-menu summary")).to_be_visible()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(_people_link(page)).to_be_hidden()
    context.close()


def test_phone_menu_works_from_the_keyboard(browser, live_server, personas):
    context = _signed_in_context(browser, live_server, personas.manager_a, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    toggle = page.get_by_role("button", name="Menu")

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")

    # Tab walks from the button into the menu's links, in order, until People.
    people = _people_link(page)
    for _ in range(15):
        page.keyboard.press("Tab")
        if people.evaluate("link => link === document.activeElement"):
            break
    expect(people).to_be_focused()

    # Escape folds the menu and puts focus back on its button.
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()

    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    people.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/people/$"))
    context.close()


def test_wide_screen_shows_the_whole_menu_and_no_button(browser, live_server, personas):
    context = _signed_in_context(browser, live_server, personas.manager_a, viewport=WIDE)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(_people_link(page)).to_be_visible()
    context.close()


def test_phone_without_javascript_shows_the_whole_menu(browser, live_server, personas):
    context = _signed_in_context(
        browser, live_server, personas.manager_a, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(_people_link(page)).to_be_visible()
    context.close()
