"""How a person is shown to colleagues: their display name, or a name made from their
address, or "a colleague" — never the address itself."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User, name_from_email
from tests.factories import MembershipFactory, UserFactory
from tests.posts.factories import CommentFactory, ContentItemFactory


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("kari.nordmann@example.com", "Kari Nordmann"),
        ("kari_nordmann+ambassador@example.com", "Kari Nordmann"),
        ("ola-nordmann2@example.com", "Ola Nordmann"),
        ("øystein.åsen@example.no", "Øystein Åsen"),
        ("kn@example.com", "Kn"),
        ("12345@example.com", ""),
        ("+tag@example.com", ""),
    ],
)
def test_name_from_email_keeps_only_the_words_of_the_local_part(email, expected):
    assert name_from_email(email) == expected


def test_public_name_is_the_display_name_when_there_is_one():
    assert User(email="kari@example.com", display_name="Kari N.").public_name == "Kari N."


def test_public_name_without_display_name_is_made_from_the_address():
    person = User(email="kari.nordmann@example.com", display_name="")
    assert person.public_name == "Kari Nordmann"
    assert str(person) == "Kari Nordmann"


def test_public_name_without_any_letters_is_a_colleague_in_the_viewers_language():
    person = User(email="4711@example.com", display_name=" ")
    assert person.public_name == "a colleague"
    with translation.override("nb"):
        assert person.public_name == "en kollega"


# --- Pages that show a person to someone else ----------------------------------------------


@pytest.fixture
def nameless(db):
    return UserFactory(email="kari.nordmann@example.com", display_name="")


def test_comment_thread_shows_a_nameless_author_by_name_not_address(client, personas, nameless):
    item = ContentItemFactory()
    CommentFactory(item=item, author=nameless, body="Great piece.")
    client.force_login(personas.employee)
    response = client.get(reverse("posts:item_detail", args=[item.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Kari Nordmann</strong>" in html
    assert "kari.nordmann@example.com" not in html


def test_suggested_by_shows_a_nameless_colleague_by_name_not_address(client, personas, nameless):
    item = ContentItemFactory(suggested_by=nameless)
    client.force_login(personas.employee)
    response = client.get(reverse("posts:item_detail", args=[item.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Suggested by Kari Nordmann" in html
    assert "kari.nordmann@example.com" not in html


def test_team_page_names_a_nameless_member_and_keeps_the_email_column(client, personas, nameless):
    MembershipFactory(team=personas.team_a, user=nameless)
    client.force_login(personas.manager_a)
    response = client.get(reverse("accounts:team_detail", args=[personas.team_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    person_url = reverse("accounts:person_detail", args=[nameless.pk])
    assert f'<a href="{person_url}">Kari Nordmann</a>' in html
    assert "<td>kari.nordmann@example.com</td>" in html
