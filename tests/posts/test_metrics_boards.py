"""Leaderboards and points, the opt-in, the admin pages for EMV rates and point weights,
the reach calculator and the personal-data download."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken

from accounts.audit import AuditAction
from accounts.models import AuditEvent, Connection
from ambassador.networks import Network
from posts.models import LeaderboardOptIn, MetricRate, PointWeight
from posts.selectors import leaderboards as boards
from posts.selectors import metrics as selectors
from tests.factories import MembershipFactory, SocialProfileFactory, TeamFactory, UserFactory
from tests.posts.factories import ShareFactory, at, daily_clicks, rollup, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_world(personas):
    for team in (personas.team_a, personas.team_b):
        for _ in range(4):
            MembershipFactory(team=team, user=UserFactory())
    day = today() - dt.timedelta(days=3)
    share = ShareFactory(user=personas.employee, created_at=at(day))
    daily_clicks(share, day, 7)
    share_b = ShareFactory(user=personas.employee_b, created_at=at(day))
    daily_clicks(share_b, day, 2)
    rollup()
    return personas


# --- Points and boards ------------------------------------------------------------------------


def test_points_use_the_default_weights(board_world):
    LeaderboardOptIn.objects.create(user=board_world.employee)

    board = boards.leaderboard(period=selectors.period_last(), viewer=board_world.employee)

    (row,) = board.people
    assert (row.name, row.points, row.shares, row.clicks) == ("Employee A", 10 + 7, 1, 7)


def test_points_follow_the_weights_an_admin_set(client, board_world):
    LeaderboardOptIn.objects.create(user=board_world.employee)
    client.force_login(board_world.admin)
    weights = {"SHARE": 3, "CLICK": 2, "MODULE_COMPLETED": 0, "SUGGESTION_APPROVED": 0}
    client.post("/metrics/manage/points/", {**weights, "GUIDELINES_ACKNOWLEDGED": 1})

    board = boards.leaderboard(period=selectors.period_last(), viewer=board_world.employee)

    assert board.people[0].points == 3 + 2 * 7
    assert PointWeight.objects.get(action="CLICK").points == 2


def test_points_change_is_audited_once_with_what_changed(client, board_world):
    client.force_login(board_world.admin)
    client.post(
        "/metrics/manage/points/",
        {
            "SHARE": 10,
            "CLICK": 4,
            "MODULE_COMPLETED": 20,
            "SUGGESTION_APPROVED": 15,
            "GUIDELINES_ACKNOWLEDGED": 5,
        },
    )

    event = AuditEvent.objects.get(action=AuditAction.SETTINGS_CHANGED)
    assert event.detail == {"point_weights": {"CLICK": {"from": 1, "to": 4}}}


def test_leaderboard_teams_always_people_only_if_opted_in(client, board_world):
    client.force_login(board_world.employee_b)

    response = client.get("/metrics/leaderboard/")

    board = response.context["board"]
    assert [(t.name, t.points) for t in board.teams] == [("Team A", 17), ("Team B", 12)]
    assert board.people == []
    assert "Employee A" not in response.content.decode()


def test_leaderboard_opt_in_then_out_removes_at_once(client, board_world):
    client.force_login(board_world.employee)

    client.post("/metrics/leaderboard/opt-in/", {"choice": "in"})
    shown = [r.name for r in client.get("/metrics/leaderboard/").context["board"].people]
    client.post("/metrics/leaderboard/opt-in/", {"choice": "out"})
    after = [r.name for r in client.get("/metrics/leaderboard/").context["board"].people]

    assert (shown, after) == (["Employee A"], [])


def test_leaderboard_opt_in_page_explains_before_anyone_chooses(client, board_world):
    client.force_login(board_world.employee)

    content = client.get("/metrics/leaderboard/opt-in/").content.decode()

    assert "By default nobody sees your own figures but you" in content
    assert "You can stop at any time" in content
    assert not LeaderboardOptIn.objects.exists()


def test_leaderboard_opt_in_needs_post(client, board_world):
    client.force_login(board_world.employee)

    client.get("/metrics/leaderboard/opt-in/?choice=in")

    assert not LeaderboardOptIn.objects.exists()


def test_leaderboard_small_team_shown_with_its_parent(client, board_world):
    tiny = TeamFactory(name="Tiny", parent=board_world.team_b)
    MembershipFactory(team=tiny, user=UserFactory())
    client.force_login(board_world.employee)

    board = client.get("/metrics/leaderboard/").context["board"]

    assert [(t.name, t.merged) for t in board.teams] == [("Team A", []), ("Team B", ["Tiny"])]


# --- EMV rates --------------------------------------------------------------------------------


RATE = {
    "network": "LINKEDIN",
    "currency": "nok",
    "cpm": "120.00",
    "cpc": "9.50",
    "reaction_weight": "0.5",
    "effective_date": "2026-01-01",
}


def test_rates_admin_adds_a_rate_and_it_is_audited(client, board_world):
    client.force_login(board_world.admin)

    response = client.post("/metrics/manage/rates/", RATE)

    assert response.status_code == 302
    rate = MetricRate.objects.get()
    assert (rate.currency, rate.cpc, rate.created_by) == ("NOK", Decimal("9.50"), board_world.admin)
    event = AuditEvent.objects.get(action=AuditAction.SETTINGS_CHANGED)
    assert event.detail["metric_rate"] == "created"
    assert event.detail["cpc"] == "9.50"


def test_rates_same_day_replaces_and_is_audited(client, board_world):
    client.force_login(board_world.admin)
    client.post("/metrics/manage/rates/", RATE)

    client.post("/metrics/manage/rates/", {**RATE, "cpc": "11"})

    assert MetricRate.objects.get().cpc == Decimal("11.00")
    assert AuditEvent.objects.filter(detail__metric_rate="replaced").count() == 1


def test_rates_bad_input_changes_nothing(client, board_world):
    client.force_login(board_world.admin)

    response = client.post("/metrics/manage/rates/", {**RATE, "cpc": "-1", "currency": "KR"})

    assert response.status_code == 200
    assert not MetricRate.objects.exists()
    content = response.content.decode()
    assert "Enter a three-letter currency code" in content
    assert "greater than or equal to 0" in content


def test_rates_delete_is_audited(client, board_world):
    client.force_login(board_world.admin)
    client.post("/metrics/manage/rates/", RATE)
    rate = MetricRate.objects.get()

    client.post(f"/metrics/manage/rates/{rate.pk}/delete/")

    assert not MetricRate.objects.exists()
    assert AuditEvent.objects.filter(detail__metric_rate="deleted").count() == 1


@pytest.mark.parametrize("path", ["/metrics/manage/rates/", "/metrics/manage/points/"])
def test_rates_and_points_pages_are_for_admins_only(client, board_world, path):
    client.force_login(board_world.manager_a)

    response = client.post(path, RATE)

    assert response.status_code == 403
    assert not MetricRate.objects.exists()
    assert not PointWeight.objects.exists()


def test_rates_set_show_emv_on_the_dashboard(client, board_world):
    client.force_login(board_world.admin)
    client.post("/metrics/manage/rates/", RATE)
    client.force_login(board_world.manager_a)

    dash = client.get("/metrics/").context["dash"]

    assert dash.current.emv == {"NOK": Decimal(round(Decimal("9.50") * 7))}


# --- The reach calculator ---------------------------------------------------------------------


def test_calculator_starts_from_the_programmes_numbers(client, board_world):
    for user in board_world.team_a.members.all()[:3]:
        SocialProfileFactory(user=user, followers_count=200)
    client.force_login(board_world.admin)

    calculator = client.get("/metrics/calculator/").context["calculator"]

    people = calculator.programme.ambassadors
    assert people == 14
    assert calculator.shares_per_month == (Decimal(2) / people).quantize(Decimal("0.01"))
    assert calculator.followers == 100  # the median at share time (both shares had 100)
    assert [(n.label, n.people, n.median_followers) for n in calculator.networks] == [
        ("LinkedIn", 3, 200)
    ]


def test_calculator_shows_the_essays_example(client, board_world):
    client.force_login(board_world.employee)

    calculator = client.get("/metrics/calculator/").context["calculator"]

    assert calculator.essay.reach == 10_000


def test_calculator_htmx_answers_the_result_for_the_inputs(client, board_world):
    client.force_login(board_world.employee)

    response = client.get(
        "/metrics/calculator/?ambassadors=100&shares_per_month=2&followers=150",
        HTTP_HX_REQUEST="true",
    )

    assert response.templates[0].name == "posts/metrics/_calculator_result.html"
    reaches = [s.reach for s in response.context["calculator"].scenarios]
    assert reaches == [30_000, 60_000, 60_000, 120_000]


def test_calculator_bad_input_keeps_the_programmes_numbers(client, board_world):
    client.force_login(board_world.employee)

    response = client.get("/metrics/calculator/?ambassadors=-4&shares_per_month=x&followers=1")

    assert response.context["calculator"].ambassadors == 14
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()


def test_calculator_is_on_the_programme_page_with_the_programmes_numbers(client, board_world):
    client.force_login(board_world.employee)

    response = client.get("/programme/")

    calculator = response.context["calculator"]
    html = response.content.decode()
    assert (calculator.ambassadors, calculator.followers, calculator.essay.reach) == (
        14,
        100,
        10_000,
    )
    assert 'hx-get="/metrics/calculator/"' in html
    assert '<input type="number" id="calc-ambassadors" name="ambassadors"' in html
    assert 'value="14" required' in html


def test_calculator_is_on_the_admin_dashboard(client, board_world):
    client.force_login(board_world.admin)

    response = client.get("/metrics/")

    assert response.context["calculator"].essay.reach == 10_000
    assert 'id="calculator-result"' in response.content.decode()


# --- Personal data ----------------------------------------------------------------------------


def test_personal_data_has_everything_about_the_person_and_nothing_about_others(
    client, board_world
):
    me = board_world.employee
    SocialProfileFactory(user=me, handle="eva-on-linkedin", followers_count=321)
    Connection.objects.create(
        user=me,
        network=Network.MASTODON,
        handle="eva@example.social",
        service_url="https://example.social",
        access_token="SECRET-ACCESS-TOKEN",
        refresh_token="SECRET-REFRESH-TOKEN",
    )
    account = SocialAccount.objects.create(user=me, provider="openid_connect", uid="eva-sso")
    SocialToken.objects.create(account=account, token="SECRET-SSO-TOKEN", token_secret="S2")
    client.force_login(me)

    response = client.get("/metrics/me/data.json")

    text = response.content.decode()
    data = json.loads(text)
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert data["profile"]["email"] == "employee@example.com"
    assert [t["team"] for t in data["teams"]] == ["Team A"]
    assert data["social_profiles"][0]["followers"] == 321
    assert [(c["network"], c["handle"]) for c in data["connected_accounts"]] == [
        ("MASTODON", "eva@example.social")
    ]
    assert data["sign_in_accounts"][0]["account_id"] == "eva-sso"
    (share,) = data["shares"]
    assert (share["clicks_by_day"][0]["clicks"], share["status"]) == (7, "INTENT_OPENED")
    assert "SECRET-ACCESS-TOKEN" not in text
    assert "SECRET-REFRESH-TOKEN" not in text
    assert "SECRET-SSO-TOKEN" not in text
    assert "employee-b@example.com" not in text
    assert "Employee B" not in text


def test_personal_data_download_is_audited(client, board_world):
    client.force_login(board_world.employee)

    client.get("/metrics/me/data.json")

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.detail["export"]) == (board_world.employee, "personal-data")
