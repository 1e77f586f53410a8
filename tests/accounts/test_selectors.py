"""The access layer: the team tree in both directions, a person's teams and roles in a
constant number of queries, read once per request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import selectors
from accounts.selectors import Access, access_cached, access_for, access_forget
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _chain(depth: int) -> list:
    """``depth`` teams, each the parent of the next."""
    teams = [TeamFactory()]
    for _ in range(depth - 1):
        teams.append(TeamFactory(parent=teams[-1]))
    return teams


def _queries_of_access_for(user) -> tuple[Access, int]:
    with CaptureQueriesContext(connection) as captured:
        access = access_for(user=user)
    return access, len(captured.captured_queries)


def test_access_for_costs_the_same_for_a_deep_tree_as_for_a_shallow_one():
    shallow, deep = _chain(3), _chain(6)
    manager_shallow = MembershipFactory(team=shallow[0], is_manager=True).user
    manager_deep = MembershipFactory(team=deep[0], is_manager=True).user
    member_deep = MembershipFactory(team=deep[-1]).user

    access_shallow, queries_shallow = _queries_of_access_for(manager_shallow)
    access_deep, queries_deep = _queries_of_access_for(manager_deep)
    access_member, queries_member = _queries_of_access_for(member_deep)

    assert access_shallow.managed_team_ids == {team.pk for team in shallow}
    assert access_deep.managed_team_ids == {team.pk for team in deep}
    assert access_member.audience_team_ids == {team.pk for team in deep}
    assert queries_shallow == queries_deep == queries_member == 2


def test_manager_manages_their_team_and_everything_below_but_not_above():
    top, middle, bottom = _chain(3)
    other = TeamFactory()
    manager = MembershipFactory(team=middle, is_manager=True).user

    access = access_for(user=manager)

    assert access.is_manager is True
    assert access.is_admin is False
    assert access.may_curate is True
    assert access.member_team_ids == {middle.pk}
    assert access.managed_team_ids == {middle.pk, bottom.pk}
    assert access.audience_team_ids == {top.pk, middle.pk}
    assert access.manages(bottom.pk) and not access.manages(top.pk)
    assert not access.manages(other.pk)


def test_member_sees_content_of_their_team_and_the_teams_above():
    top, middle, bottom = _chain(3)
    employee = MembershipFactory(team=bottom).user

    access = access_for(user=employee)

    assert access.is_manager is False
    assert access.may_curate is False
    assert access.managed_team_ids == frozenset()
    assert access.member_team_ids == {bottom.pk}
    assert access.audience_team_ids == {top.pk, middle.pk, bottom.pk}


def test_admin_manages_every_team_without_belonging_to_one():
    teams = [*_chain(2), TeamFactory()]
    admin = UserFactory(is_admin=True)

    access = access_for(user=admin)

    assert access.is_admin is True
    assert access.is_manager is False
    assert access.may_curate is True
    assert access.managed_team_ids == {team.pk for team in teams}
    assert access.member_team_ids == frozenset()


def test_deactivated_manager_manages_nothing():
    team = TeamFactory()
    manager = MembershipFactory(team=team, is_manager=True, user__is_active=False).user

    access = access_for(user=manager)

    assert access.is_manager is False
    assert access.managed_team_ids == frozenset()
    assert selectors.teams_managed_by(user=manager).count() == 0


def test_person_without_teams_costs_one_query():
    access, queries = _queries_of_access_for(UserFactory())
    assert access.member_team_ids == frozenset()
    assert access.managed_team_ids == frozenset()
    assert queries == 1


def test_access_is_read_once_inside_a_request_scope():
    manager = MembershipFactory(team=TeamFactory(), is_manager=True).user
    with access_cached():
        first = access_for(user=manager)
        with CaptureQueriesContext(connection) as captured:
            again = access_for(user=manager)
            assert selectors.user_is_manager(user=manager) is True
            assert selectors.user_team_ids(user=manager) == set(first.member_team_ids)
            list(selectors.teams_managed_by(user=manager))
    assert again is first
    # Only the teams list itself: every question above came from the cached answer.
    assert len(captured.captured_queries) == 1


def test_access_forget_makes_the_next_question_read_again():
    team = TeamFactory()
    person = MembershipFactory(team=team).user
    with access_cached():
        assert access_for(user=person).is_manager is False
        person.memberships.update(is_manager=True)
        access_forget()
        assert access_for(user=person).is_manager is True


def test_outside_a_request_each_question_reads_afresh():
    team = TeamFactory()
    person = MembershipFactory(team=team).user
    assert access_for(user=person).is_manager is False
    person.memberships.update(is_manager=True)
    assert access_for(user=person).is_manager is True


def test_a_request_reads_access_once_however_many_checks_ask(client, personas):
    client.force_login(personas.manager_a)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("accounts:team_detail", args=[personas.team_a.pk]))
    assert response.status_code == 200
    membership_reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "accounts_teammembership"."team_id"')
        and '"accounts_teammembership"."is_manager"' in q["sql"]
    ]
    tree_reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "accounts_team"."id" AS "id", "accounts_team"."parent_id"')
    ]
    assert len(membership_reads) == 1
    assert len(tree_reads) == 1


def test_team_descendant_ids_reads_the_tree_in_one_query_at_any_depth():
    teams = _chain(6)
    with CaptureQueriesContext(connection) as captured:
        found = selectors.team_descendant_ids(team_ids={teams[0].pk})
    assert found == {team.pk for team in teams}
    assert len(captured.captured_queries) == 1


def test_team_ancestor_ids_walks_up_to_the_root():
    teams = _chain(4)
    assert selectors.team_ancestor_ids(team_ids={teams[-1].pk}) == {team.pk for team in teams}
    assert selectors.team_ancestor_ids(team_ids={teams[0].pk}) == {teams[0].pk}


def test_anonymous_visitor_has_no_access():
    access = access_for(user=AnonymousUser())
    assert access.user_id is None
    assert access.may_curate is False
    assert access.member_team_ids == frozenset()
