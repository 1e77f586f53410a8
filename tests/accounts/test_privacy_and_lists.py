"""Follower counts are private to the person and admins; list pages paginate with a flat
query count; the "is manager" question is asked once per request."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.selectors import access_cached
from tests.accounts.factories import AllowedDomainFactory
from tests.factories import MembershipFactory, SocialProfileFactory, UserFactory

FOLLOWERS = 4321


@pytest.fixture
def employee_with_followers(personas):
    SocialProfileFactory(user=personas.employee, handle="eva", followers_count=FOLLOWERS)
    return personas


def _person_page(client, viewer, person):
    client.force_login(viewer)
    response = client.get(reverse("accounts:person_detail", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- Individual follower counts -----------------------------------------------------------


def test_person_detail_follower_count_hidden_from_manager(client, employee_with_followers):
    p = employee_with_followers
    content = _person_page(client, p.manager_a, p.employee)
    assert str(FOLLOWERS) not in content
    assert "Follower counts are private to the person and programme admins." in content


def test_person_detail_manager_still_sees_name_team_and_role(client, employee_with_followers):
    p = employee_with_followers
    content = _person_page(client, p.manager_a, p.employee)
    assert "Employee A" in content
    assert "Team A" in content
    assert "eva" in content


def test_person_detail_follower_count_shown_to_person_themself(client, employee_with_followers):
    p = employee_with_followers
    assert str(FOLLOWERS) in _person_page(client, p.employee, p.employee)


def test_person_detail_follower_count_shown_to_admin(client, employee_with_followers):
    p = employee_with_followers
    assert str(FOLLOWERS) in _person_page(client, p.admin, p.employee)


def test_person_detail_other_team_manager_still_404(client, employee_with_followers):
    p = employee_with_followers
    client.force_login(p.manager_b)
    response = client.get(reverse("accounts:person_detail", args=[p.employee.pk]))
    assert response.status_code == 404


# --- Pagination and query counts -----------------------------------------------------------


def test_domains_paginated(client, personas):
    for n in range(30):
        AllowedDomainFactory(domain=f"d{n:02}.test")
    client.force_login(personas.admin)
    first = client.get(reverse("accounts:domains"))
    second = client.get(reverse("accounts:domains"), {"page": 2})
    assert [d.domain for d in first.context["page"]][:2] == ["d00.test", "d01.test"]
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 5
    assert 'href="?page=2"' in first.content.decode()


@pytest.mark.parametrize("count", [1, 40])
def test_domains_query_count_does_not_grow(client, personas, django_assert_max_num_queries, count):
    for n in range(count):
        AllowedDomainFactory(domain=f"d{n:02}.test")
    client.force_login(personas.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:domains"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 40])
def test_team_detail_query_count_does_not_grow(
    client, personas, django_assert_max_num_queries, count
):
    for _ in range(count):
        MembershipFactory(team=personas.team_a, user=UserFactory())
    client.force_login(personas.manager_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("accounts:team_detail", args=[personas.team_a.pk]))
    assert response.status_code == 200
    assert len(response.context["page"]) == min(count + 2, 25)


# --- The "is manager" question, once per request -------------------------------------------


def _is_manager_queries(queries) -> list[str]:
    """The access layer's read of the person's memberships (team and manager flag)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "accounts_teammembership"."team_id"')
        and '"accounts_teammembership"."is_manager"' in q["sql"]
    ]


def test_home_page_asks_is_manager_once(client, personas):
    client.force_login(personas.employee)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert len(_is_manager_queries(captured.captured_queries)) == 1


def test_is_manager_asked_once_across_templates_of_one_request(personas):
    request = RequestFactory().get("/")
    request.user = personas.employee
    # What AccessMiddleware does around every request.
    with access_cached(), CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            render_to_string("accounts/_nav.html", request=request)
    assert len(_is_manager_queries(captured.captured_queries)) == 1


def test_is_manager_true_for_manager_in_nav(personas):
    request = RequestFactory().get("/")
    request.user = personas.manager_a
    assert reverse("accounts:people") in render_to_string("accounts/_nav.html", request=request)
