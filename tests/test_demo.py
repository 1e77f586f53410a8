from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import AllowedDomain, TeamMembership, User
from posts.models import ContentItem, ContentStatus
from posts.selectors import caption_problems
from training.models import Programme


def _demo():
    call_command("demo", stdout=StringIO())


@pytest.fixture(autouse=True)
def _debug_on(settings):
    # pytest-django runs tests with DEBUG off; the demo is for DEBUG installs.
    settings.DEBUG = True


def test_demo_is_idempotent(db):
    _demo()
    counts = (User.objects.count(), TeamMembership.objects.count())
    _demo()
    assert (User.objects.count(), TeamMembership.objects.count()) == counts
    assert counts[0] == 100


def test_demo_has_three_managers_and_one_admin(db):
    _demo()
    managers = User.objects.filter(memberships__is_manager=True).distinct().count()
    assert managers == 3
    assert User.objects.filter(is_admin=True).count() == 1
    assert AllowedDomain.objects.filter(domain="example.com").exists()


@pytest.mark.parametrize(
    "email", ["admin@example.com", "manager@example.com", "employee@example.com"]
)
def test_demo_logins_work(client, db, settings, email):
    _demo()
    response = client.post(
        reverse("account_login"), {"login": email, "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_demo_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo data with DEBUG off"):
        _demo()


def test_demo_has_two_people_approve(db):
    _demo()
    assert Programme.objects.get().two_person_approval is True


def test_demo_captions_fit_with_disclosure_and_tracked_link(db):
    _demo()
    for item in ContentItem.objects.prefetch_related("captions"):
        captions = {(c.network, c.language): c.text for c in item.captions.all()}
        assert caption_problems(captions=captions) == {}, item.slug


def test_demo_manager_reviews_team_content_not_content_for_everyone(client, db, settings):
    _demo()
    settings.REQUIRE_STAFF_MFA = False
    client.force_login(User.objects.get(email="manager@example.com"))
    response = client.get(reverse("posts:review"), {"status": ContentStatus.IN_REVIEW})
    titles = {item.title for item in response.context["page"].object_list}
    # Their own draft (someone else approves it) and the admin's draft for Sales.
    assert titles == {"Heat pumps in every school", "Our new podcast: Power Talk"}
