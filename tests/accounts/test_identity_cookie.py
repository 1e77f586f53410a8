"""The signed identity cookie: set at login, cleared at logout, worthless when tampered."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.identity_cookie import identity_cookie_user_id, identity_cookie_value
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

COOKIE = "ambassador_person"


def _login(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def test_identity_cookie_set_at_login_names_the_person(client, personas):
    response = _login(client, personas.employee.email)
    morsel = response.cookies[COOKIE]
    assert identity_cookie_user_id(morsel.value) == str(personas.employee.pk)
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["max-age"] == settings.SESSION_COOKIE_AGE
    assert morsel["domain"] == ""  # the app's own host, like the session cookie


def test_identity_cookie_secure_when_session_cookie_is(client, personas, settings):
    settings.SESSION_COOKIE_SECURE = True
    assert _login(client, personas.employee.email).cookies[COOKIE]["secure"] is True


def test_identity_cookie_cleared_at_logout(client, personas):
    _login(client, personas.employee.email)
    response = client.post(reverse("account_logout"))
    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0


def test_identity_cookie_set_for_session_that_predates_it(client, personas):
    client.force_login(personas.employee)  # a session cookie only
    response = client.get(reverse("posts:my_shares"))
    assert identity_cookie_user_id(response.cookies[COOKIE].value) == str(personas.employee.pk)


def test_identity_cookie_not_set_again_when_valid(client, personas):
    _login(client, personas.employee.email)
    assert COOKIE not in client.get(reverse("posts:my_shares")).cookies


def test_identity_cookie_of_another_person_is_replaced(client, personas):
    client.force_login(personas.employee)
    client.cookies[COOKIE] = identity_cookie_value(user_id=personas.employee_b.pk)
    response = client.get(reverse("posts:my_shares"))
    assert identity_cookie_user_id(response.cookies[COOKIE].value) == str(personas.employee.pk)


def test_identity_cookie_anonymous_visitor_gets_none(client):
    assert COOKIE not in client.get(reverse("account_login")).cookies


@pytest.mark.parametrize(
    "value",
    ["", "42", "42:abc:def", "not-signed-at-all"],
)
def test_identity_cookie_forged_names_nobody(value):
    assert identity_cookie_user_id(value) is None


def test_identity_cookie_with_swapped_id_names_nobody(personas):
    value = identity_cookie_value(user_id=personas.employee.pk)
    forged = str(personas.employee_b.pk) + value[len(str(personas.employee.pk)) :]
    assert identity_cookie_user_id(forged) is None


def test_identity_cookie_signed_with_another_key_names_nobody(personas, settings):
    value = identity_cookie_value(user_id=personas.employee.pk)
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    assert identity_cookie_user_id(value) is None
