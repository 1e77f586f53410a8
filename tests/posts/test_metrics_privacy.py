"""No individual figure of a person who did not opt in reaches a manager — in any page,
chart data or CSV — and team names are shown in the reader's language in every table."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from accounts.audit import AuditAction
from accounts.models import AuditEvent, User
from posts.metrics_csv import csv_parse
from posts.models import LeaderboardOptIn
from tests.factories import MembershipFactory, UserFactory
from tests.posts.factories import ContentItemFactory, ShareFactory, at, daily_clicks, rollup, today

pytestmark = pytest.mark.django_db

# Figures no sum of the others can make: if one shows up, it is Quinn's own.
QUINN_FOLLOWERS, QUINN_CLICKS = 7771, 4139
TABLES = ("summary", "weeks", "networks", "teams", "content", "people")


def _spellings(number: int) -> list[str]:
    return [str(number), f"{number:,}", f"{number:,}".replace(",", "\xa0")]


@pytest.fixture
def quinn_world(personas):
    """Team A: Quinn (not opted in) with distinctive figures, Olga (opted in) and four
    colleagues, all sharing on the same day and network so no table row is Quinn alone."""
    quinn = UserFactory(display_name="Quinn Private", email="quinn@example.com")
    olga = UserFactory(display_name="Opted Olga", email="olga@example.com")
    LeaderboardOptIn.objects.create(user=olga)
    others = [UserFactory() for _ in range(4)]
    for person in (quinn, olga, *others):
        MembershipFactory(team=personas.team_a, user=person)
    day = today() - dt.timedelta(days=3)
    item = ContentItemFactory(title_en="Spring news", title_nb="Vårnytt")
    for person, followers, clicks in (
        (quinn, QUINN_FOLLOWERS, QUINN_CLICKS),
        (olga, 100, 5),
        *((p, 50, 2) for p in others),
    ):
        share = ShareFactory(
            user=person,
            item=item,
            network="LINKEDIN",
            followers_at_share=followers,
            created_at=at(day),
        )
        daily_clicks(share, day, clicks)
    rollup()
    personas.quinn, personas.olga = quinn, olga
    return personas


def _manager_sees(client, manager) -> dict[str, str]:
    client.force_login(manager)
    response = client.get("/metrics/")
    seen = {
        "dashboard": response.content.decode(),
        "chart data": json.dumps(response.context.get("chart_data", {}), ensure_ascii=False),
        "home": client.get("/").content.decode(),
        "leaderboard": client.get("/metrics/leaderboard/").content.decode(),
    }
    for table in TABLES:
        seen[f"{table}.csv"] = client.get(f"/metrics/export/{table}.csv").content.decode()
    return seen


def test_privacy_no_figure_of_a_non_opted_in_person_in_any_page_chart_or_table(client, quinn_world):
    seen = _manager_sees(client, quinn_world.manager_a)

    for where, text in seen.items():
        for number in (QUINN_FOLLOWERS, QUINN_CLICKS):
            for spelling in _spellings(number):
                assert spelling not in text, f"{spelling} in {where}"
        assert "Quinn Private" not in text, where
        assert "quinn@example.com" not in text, where
        assert f"/metrics/people/{quinn_world.quinn.pk}/" not in text, where
    # The team's totals include Quinn; only the opted-in colleague has a row of her own.
    _header, *people = csv_parse(seen["people.csv"].encode("utf-8-sig"))
    assert [row[0] for row in people] == ["Opted Olga"]


def test_privacy_shares_behind_the_figures_name_nobody_who_did_not_opt_in(client, quinn_world):
    client.force_login(quinn_world.manager_a)

    header, *rows = csv_parse(client.get("/metrics/export/shares.csv").content)

    person = header.index("Person (if they opted in)")
    followers = {row[person]: row for row in rows if row[person]}
    assert sorted({row[person] for row in rows}) == ["", "Opted Olga"]
    assert len(followers) == 1
    assert "Quinn" not in client.get("/metrics/export/shares.csv").content.decode()


def test_privacy_person_page_of_a_non_opted_in_person_is_404_and_audited(client, quinn_world):
    client.force_login(quinn_world.manager_a)
    path = f"/metrics/people/{quinn_world.quinn.pk}/"

    response = client.get(path)

    assert response.status_code == 404
    assert b"Quinn" not in response.content
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, actor=quinn_world.manager_a, detail__path=path
    ).exists()


def test_privacy_manager_of_team_b_sees_nothing_of_team_a(client, quinn_world):
    seen = _manager_sees(client, quinn_world.manager_b)

    for where, text in seen.items():
        # Opting in is to the programme's leaderboards, which everyone sees.
        if where != "leaderboard":
            assert "Opted Olga" not in text, where
        assert str(QUINN_FOLLOWERS) not in text, where


# --- Team names in the reader's language ---------------------------------------------------------


def _norwegian(client, user):
    User.objects.filter(pk=user.pk).update(language="nb")
    client.force_login(user)


def test_team_names_and_titles_are_translated_in_every_metrics_table(client, quinn_world):
    team = quinn_world.team_a
    team.name_nb = "Salg Nord"
    team.save()
    _norwegian(client, quinn_world.manager_a)

    page = client.get("/metrics/").content.decode()
    teams_csv = client.get("/metrics/export/teams.csv").content.decode()
    shares_csv = client.get("/metrics/export/shares.csv").content.decode()
    board = client.get("/metrics/leaderboard/").content.decode()

    content_csv = client.get("/metrics/export/content.csv").content.decode()

    for where, text in (("page", page), ("teams", teams_csv), ("shares", shares_csv)):
        assert "Salg Nord" in text, where
        assert "Team A" not in text, where
    assert "Salg Nord" in board
    for where, text in (("page", page), ("content", content_csv), ("shares", shares_csv)):
        assert "Vårnytt" in text, where
        assert "Spring news" not in text, where


def test_team_names_and_titles_are_translated_in_your_own_shares(client, quinn_world):
    team = quinn_world.team_a
    team.name_nb = "Salg Nord"
    team.save()
    _norwegian(client, quinn_world.olga)

    shares_csv = client.get(reverse("metrics:me_export", args=["shares"])).content.decode()

    assert "Salg Nord" in shares_csv
    assert "Team A" not in shares_csv
    assert "Vårnytt" in shares_csv


def test_privacy_content_shared_by_fewer_than_the_minimum_is_not_listed(client, quinn_world):
    day = today() - dt.timedelta(days=2)
    solo = ContentItemFactory(title_en="Quinn's solo piece", title_nb="Quinns eget stykke")
    share = ShareFactory(user=quinn_world.quinn, item=solo, network="LINKEDIN", created_at=at(day))
    daily_clicks(share, day, 3917)
    rollup()

    for viewer in (quinn_world.manager_a, quinn_world.admin):
        client.force_login(viewer)
        page = client.get("/metrics/").content.decode()
        rows = csv_parse(client.get("/metrics/export/content.csv").content)
        titles = [row[0] for row in rows[1:]]
        assert titles == ["Spring news"], (viewer, rows)
        assert "Quinn&#x27;s solo piece" not in page and "Quinn's solo piece" not in page
        assert "Only content that at least 5 people shared is listed" in page
        # The item's clicks still count in the totals: only its own row is withheld.
        summary = client.get("/metrics/export/summary.csv").content.decode()
        total_clicks = QUINN_CLICKS + 5 + 4 * 2 + 3917
        assert str(total_clicks) in summary, summary
