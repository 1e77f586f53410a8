"""Every metrics page costs the same number of queries with 1 team and 5 shares as with
9 teams, 60 shares and their clicks: the pages read grouped rollups, never row by row."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from posts.models import EngagementReading, LeaderboardOptIn, MetricRate
from tests.factories import MembershipFactory, TeamFactory, UserFactory, give_mfa
from tests.posts.factories import ContentItemFactory, ShareFactory, at, daily_clicks, rollup, today

pytestmark = pytest.mark.django_db

NETWORKS = ["LINKEDIN", "X", "MASTODON", "BLUESKY", "FACEBOOK", "OTHER"]


def _world(*, sub_teams: int, shares_per_person: int):
    root = TeamFactory(name="Root")
    manager = UserFactory()
    MembershipFactory(team=root, user=manager, is_manager=True)
    give_mfa(manager)
    employee = UserFactory()
    MembershipFactory(team=root, user=employee)
    teams = [root] + [TeamFactory(parent=root) for _ in range(sub_teams)]
    items = [ContentItemFactory() for _ in range(3 * shares_per_person)]
    for index, team in enumerate(teams):
        for p in range(5):
            person = UserFactory()
            MembershipFactory(team=team, user=person)
            if p % 2:
                LeaderboardOptIn.objects.create(user=person)
            for s in range(shares_per_person):
                day = today() - dt.timedelta(days=(index + p + s) % 80)
                share = ShareFactory(
                    user=person,
                    item=items[(p + s) % len(items)],
                    network=NETWORKS[(p + s) % len(NETWORKS)],
                    created_at=at(day),
                )
                daily_clicks(share, day, 3 + s)
                daily_clicks(share, day + dt.timedelta(days=1), 1)
                EngagementReading.objects.create(share=share, read_at=at(day, 20), reactions=s)
    for network, days in (("LINKEDIN", 200), ("X", 20)):
        MetricRate.objects.get_or_create(
            network=network,
            effective_date=today() - dt.timedelta(days=days),
            defaults={"cpm": 10, "cpc": 2},
        )
    rollup()
    admin = UserFactory(is_admin=True)
    give_mfa(admin)
    return manager, admin, employee


PAGES = [
    ("manager", "/metrics/"),
    ("manager", "/metrics/?period=90"),
    ("manager", "/metrics/export/shares.csv"),
    ("manager", "/metrics/export/teams.csv"),
    ("admin", "/metrics/"),
    ("admin", "/metrics/export/summary.csv"),
    ("employee", "/metrics/me/"),
    ("employee", "/metrics/leaderboard/"),
    ("manager", "/"),
    ("employee", "/"),
    ("employee", "/metrics/calculator/"),
]


def _count(client, user, path) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def _counts(client, users) -> dict:
    return {(who, path): _count(client, users[who], path) for who, path in PAGES}


def test_query_count_of_every_metrics_page_does_not_grow_with_teams_shares_and_clicks(client):
    manager, admin, employee = _world(sub_teams=1, shares_per_person=1)
    small = _counts(client, {"manager": manager, "admin": admin, "employee": employee})

    manager, admin, employee = _world(sub_teams=8, shares_per_person=4)
    large = _counts(client, {"manager": manager, "admin": admin, "employee": employee})

    assert large == small


def _more_pages(world) -> list[tuple[str, str]]:
    manager, _admin, _employee = world
    root = manager.memberships.get(is_manager=True).team
    opted_in = LeaderboardOptIn.objects.filter(user__memberships__team=root).first().user
    return [
        ("manager", f"/metrics/?team={root.pk}"),
        ("manager", f"/metrics/people/{opted_in.pk}/"),
        *(("manager", f"/metrics/export/{t}.csv") for t in ("summary", "weeks", "networks")),
        *(("manager", f"/metrics/export/{t}.csv") for t in ("content", "people")),
        ("admin", "/metrics/?period=7"),
        ("admin", "/metrics/export/shares.csv"),
        *(("employee", f"/metrics/me/export/{t}.csv") for t in ("summary", "weeks", "shares")),
        ("employee", "/metrics/definitions/"),
        ("employee", "/metrics/leaderboard/opt-in/"),
    ]


def test_query_count_of_team_person_and_export_pages_does_not_grow(client):
    world = _world(sub_teams=1, shares_per_person=1)
    users = dict(zip(("manager", "admin", "employee"), world, strict=True))
    small = [_count(client, users[who], path) for who, path in _more_pages(world)]

    world = _world(sub_teams=8, shares_per_person=4)
    users = dict(zip(("manager", "admin", "employee"), world, strict=True))
    large = [_count(client, users[who], path) for who, path in _more_pages(world)]

    assert large == small
