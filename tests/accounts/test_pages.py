"""Every people-and-teams page renders for an admin, in both languages, with no inline code."""

import pytest
from django.urls import reverse

from tests.accounts.factories import InvitationFactory, NotificationFactory
from tests.accounts.test_mfa_pages import _assert_no_inline_code

PAGES = [
    ("accounts:people", None),
    ("accounts:person_detail", "employee"),
    ("accounts:invite", None),
    ("accounts:domains", None),
    ("accounts:teams", None),
    ("accounts:team_detail", "team_a"),
    ("accounts:team_create", None),
    ("accounts:team_edit", "team_a"),
    ("accounts:profile", None),
    ("accounts:notifications", None),
    ("accounts:audit_log", None),
]


@pytest.mark.parametrize("language", ["en", "nb"])
@pytest.mark.parametrize(("url_name", "arg"), PAGES)
def test_page_renders_without_inline_code(client, personas, url_name, arg, language):
    InvitationFactory(team=personas.team_a, invited_by=personas.admin)
    NotificationFactory(recipient=personas.admin)
    personas.admin.language = language
    personas.admin.save(update_fields=["language"])
    client.force_login(personas.admin)
    args = [getattr(personas, arg).pk] if arg else []
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    _assert_no_inline_code(html)
