from django.urls import reverse

from accounts.models import User


def test_saved_language_wins_over_browser(client, personas):
    User.objects.filter(pk=personas.employee.pk).update(language="nb")
    client.force_login(personas.employee)
    response = client.get(reverse("home"), headers={"Accept-Language": "en"})
    assert '<html lang="nb">' in response.content.decode()
    assert "Logg ut" in response.content.decode()


def test_browser_language_used_without_saved_choice(client, personas):
    User.objects.filter(pk=personas.employee.pk).update(language="")
    client.force_login(personas.employee)
    response = client.get(reverse("home"), headers={"Accept-Language": "nb"})
    assert '<html lang="nb">' in response.content.decode()


def test_anonymous_login_page_in_norwegian(client, db):
    response = client.get(reverse("account_login"), headers={"Accept-Language": "nb"})
    assert '<html lang="nb">' in response.content.decode()
    assert "Logg inn" in response.content.decode()


def test_language_switch_saves_choice_and_returns_to_page(client, personas):
    client.force_login(personas.employee)
    response = client.post(
        reverse("accounts:set_language"), {"language": "nb", "next": "/people/me/"}
    )
    assert response["Location"] == "/people/me/"
    personas.employee.refresh_from_db()
    assert personas.employee.language == "nb"


def test_language_switch_refuses_offsite_next(client, db):
    response = client.post(
        reverse("accounts:set_language"), {"language": "nb", "next": "//evil.test/"}
    )
    assert response["Location"] == "/"


def test_language_switch_by_get_not_allowed(client, personas):
    client.force_login(personas.employee)
    response = client.get(reverse("accounts:set_language"), {"language": "nb"})
    assert response.status_code == 405
    personas.employee.refresh_from_db()
    assert personas.employee.language == "en"
