"""allauth's MFA and account pages render under the strict CSP: no inline scripts or styles."""

import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from tests.factories import UserFactory

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


def _assert_no_inline_code(html: str) -> None:
    for attrs, body in SCRIPT.findall(html):
        if "src=" in attrs:
            assert body.strip() == ""
        else:
            # allauth passes data to its script files as JSON blocks, which never run.
            assert 'type="application/json"' in attrs
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


@pytest.mark.parametrize(
    "url_name",
    [
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "account_change_password",
        "account_email",
        "usersessions_list",
    ],
)
def test_account_pages_render_without_inline_code(client, db, url_name):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse(url_name))
    if response.status_code == 302:  # reauthentication first
        response = client.get(response["Location"])
    assert response.status_code == 200
    _assert_no_inline_code(response.content.decode())
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_entrance_pages_use_app_layout(client, db, url_name):
    response = client.get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert "auth-entrance" in html
    assert "css/app.css" in html
    _assert_no_inline_code(html)


def test_recovery_codes_page_renders_without_inline_code(client, personas):
    RecoveryCodes.activate(personas.admin)
    client.force_login(personas.admin)
    response = client.get(reverse("mfa_view_recovery_codes"))
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200
    _assert_no_inline_code(response.content.decode())
