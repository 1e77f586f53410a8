"""One access selector for items (posts.selectors.item_access): what each persona may do with
an item, and pages whose query count does not grow with teams, sub-teams or items."""

import pytest
from django.urls import reverse

from accounts.models import TeamMembership
from posts.models import ContentStatus
from posts.selectors import item_access
from tests.factories import MembershipFactory, TeamFactory
from tests.posts.factories import CaptionFactory, CommentFactory, ContentItemFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _may(access):
    """(share, curate, approve, moderate), or None when the person may not open the item."""
    if access is None:
        return None
    assert (access.view, access.comment) == (True, True)
    return (access.share, access.curate, access.approve, access.moderate)


def test_item_access_employee_of_targeted_team_may_share(personas):
    item = ContentItemFactory(target_teams=[personas.team_a])
    assert _may(item_access(user=personas.employee, pk=item.pk)) == (True, False, False, False)


def test_item_access_employee_of_other_team_gets_nothing(personas):
    item = ContentItemFactory(target_teams=[personas.team_b])
    assert item_access(user=personas.employee, pk=item.pk) is None


def test_item_access_unknown_item_is_none(personas):
    assert item_access(user=personas.admin, pk=999999) is None


def test_item_access_employee_of_sub_team_may_share_item_for_parent_team(personas):
    sub_team = TeamFactory(parent=personas.team_a)
    person = MembershipFactory(team=sub_team).user
    item = ContentItemFactory(target_teams=[personas.team_a])
    assert _may(item_access(user=person, pk=item.pk)) == (True, False, False, False)


def test_item_access_draft_is_hidden_from_employee(personas):
    item = ContentItemFactory(status=ContentStatus.DRAFT)
    assert item_access(user=personas.employee, pk=item.pk) is None


def test_item_access_own_suggestion_may_be_opened_not_shared(personas):
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW, suggested_by=personas.employee)
    assert _may(item_access(user=personas.employee, pk=item.pk)) == (False, False, False, False)


def test_item_access_manager_curates_their_teams_draft(personas):
    item = ContentItemFactory(status=ContentStatus.DRAFT, target_teams=[personas.team_a])
    assert _may(item_access(user=personas.manager_a, pk=item.pk)) == (False, True, True, True)


def test_item_access_manager_of_parent_curates_sub_team_item(personas):
    sub_team = TeamFactory(parent=TeamFactory(parent=personas.team_a))
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW, target_teams=[sub_team])
    assert _may(item_access(user=personas.manager_a, pk=item.pk)) == (False, True, True, True)


def test_item_access_other_manager_gets_nothing(personas):
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW, target_teams=[personas.team_a])
    assert item_access(user=personas.manager_b, pk=item.pk) is None


def test_item_access_plain_manager_shares_and_moderates_item_for_everyone(personas):
    item = ContentItemFactory()
    assert _may(item_access(user=personas.manager_a, pk=item.pk)) == (True, False, False, True)


def test_item_access_company_curator_curates_item_for_everyone(personas):
    personas.manager_a.company_curator = True
    personas.manager_a.save(update_fields=["company_curator"])
    item = ContentItemFactory()
    assert _may(item_access(user=personas.manager_a, pk=item.pk)) == (True, True, True, True)


def test_item_access_admin_curates_any_draft(personas):
    item = ContentItemFactory(status=ContentStatus.DRAFT, target_teams=[personas.team_b])
    assert _may(item_access(user=personas.admin, pk=item.pk)) == (False, True, True, True)


def test_item_access_outsider_gets_nothing_of_team_item(personas):
    item = ContentItemFactory(target_teams=[personas.team_a])
    assert item_access(user=personas.outsider, pk=item.pk) is None


def test_item_access_outsider_may_share_item_for_everyone(personas):
    item = ContentItemFactory()
    assert _may(item_access(user=personas.outsider, pk=item.pk)) == (True, False, False, False)


# --- The same number of queries, small company or large --------------------------------------


def _grow(personas, *, items: int, status=ContentStatus.APPROVED) -> list:
    """Twelve teams below Team A, three levels deep; ``items`` items spread over them; the
    employee and Manager A also in the deepest teams."""
    level_1 = [TeamFactory(parent=personas.team_a) for _ in range(3)]
    level_2 = [TeamFactory(parent=team) for team in level_1]
    level_3 = [TeamFactory(parent=team) for team in level_2 for _ in range(2)]
    teams = level_1 + level_2 + level_3
    assert len(teams) == 12
    for team in level_3:
        TeamMembership.objects.create(team=team, user=personas.employee)
    TeamMembership.objects.create(team=level_3[0], user=personas.manager_a, is_manager=True)
    topics = TopicFactory.create_batch(3)
    made = []
    for n in range(items):
        item = ContentItemFactory(status=status, topics=topics, target_teams=[teams[n % 12]])
        CaptionFactory(item=item)
        made.append(item)
    return made


def _count_queries(client, django_assert_max_num_queries, url, *, limit=40):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_item_page_query_count_as_employee_does_not_grow(
    client, personas, django_assert_max_num_queries
):
    item = ContentItemFactory(target_teams=[personas.team_a], topics=TopicFactory.create_batch(3))
    CaptionFactory(item=item)
    CommentFactory(item=item)
    ContentItemFactory.create_batch(2)
    client.force_login(personas.employee)
    url = reverse("posts:item_detail", args=[item.pk])
    small, _response = _count_queries(client, django_assert_max_num_queries, url)
    _grow(personas, items=30)
    large, response = _count_queries(client, django_assert_max_num_queries, url)
    assert large == small
    assert response.context["is_live"] is True


def test_item_page_query_count_as_manager_does_not_grow(
    client, personas, django_assert_max_num_queries
):
    item = ContentItemFactory(
        status=ContentStatus.IN_REVIEW, target_teams=[personas.team_a], created_by=personas.admin
    )
    CaptionFactory(item=item)
    ContentItemFactory.create_batch(2, status=ContentStatus.IN_REVIEW)
    client.force_login(personas.manager_a)
    url = reverse("posts:item_detail", args=[item.pk])
    small, _response = _count_queries(client, django_assert_max_num_queries, url)
    _grow(personas, items=30, status=ContentStatus.IN_REVIEW)
    large, response = _count_queries(client, django_assert_max_num_queries, url)
    assert large == small
    assert (response.context["can_curate"], response.context["can_approve"]) == (True, True)


def test_review_queue_query_count_as_manager_does_not_grow(
    client, personas, django_assert_max_num_queries
):
    topics = TopicFactory.create_batch(3)
    for _ in range(3):
        ContentItemFactory(
            status=ContentStatus.IN_REVIEW, topics=topics, target_teams=[personas.team_a]
        )
    # Two teams in the small company: Team B's item is not Manager A's to review.
    ContentItemFactory(status=ContentStatus.IN_REVIEW, target_teams=[personas.team_b])
    client.force_login(personas.manager_a)
    url = reverse("posts:review")
    small, response = _count_queries(client, django_assert_max_num_queries, url)
    assert len(response.context["page"].object_list) == 3
    _grow(personas, items=30, status=ContentStatus.IN_REVIEW)
    large, response = _count_queries(client, django_assert_max_num_queries, url)
    assert large == small
    assert len(response.context["page"].object_list) == 33


def test_feed_query_count_as_employee_of_deep_team_does_not_grow(
    client, personas, django_assert_max_num_queries
):
    ContentItemFactory.create_batch(3, target_teams=[personas.team_a])
    client.force_login(personas.employee)
    url = reverse("posts:feed")
    small, response = _count_queries(client, django_assert_max_num_queries, url)
    assert len(response.context["page"].object_list) == 3
    _grow(personas, items=12)
    large, response = _count_queries(client, django_assert_max_num_queries, url)
    assert large == small
    # Every grown item is aimed at a team the employee is in, or one above theirs.
    assert len(response.context["page"].object_list) == 15
