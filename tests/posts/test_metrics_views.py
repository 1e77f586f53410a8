"""The metrics pages: who sees what (404 and an audit event otherwise), small teams merged,
individual figures only for people who opted in, periods, and CSV equal to the page."""

import datetime as dt
import json

import pytest

from accounts.audit import AuditAction
from accounts.models import AuditEvent
from accounts.services import user_deactivate
from posts.metrics_csv import csv_parse
from posts.models import LeaderboardOptIn
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.posts.factories import ShareFactory, at, daily_clicks, reading, rollup, today

pytestmark = pytest.mark.django_db

SECRET_NAME = "Zebediah Quietperson"


def _fill(team, count):
    people = [UserFactory() for _ in range(count)]
    for person in people:
        MembershipFactory(team=team, user=person)
    return people


@pytest.fixture
def world(personas):
    """Both persona teams with six active people each, shares with clicks in both, one
    person who opted in (Opted Olga) and one who did not (SECRET_NAME)."""
    _fill(personas.team_a, 3)
    _fill(personas.team_b, 4)
    quiet = UserFactory(display_name=SECRET_NAME, email="quiet@example.com")
    MembershipFactory(team=personas.team_a, user=quiet)
    olga = UserFactory(display_name="Opted Olga", email="olga@example.com")
    MembershipFactory(team=personas.team_a, user=olga)
    LeaderboardOptIn.objects.create(user=olga)
    day = today() - dt.timedelta(days=2)
    for person, followers, clicks in (
        (quiet, 777, 41),
        (olga, 100, 5),
        (personas.employee_b, 90, 3),
    ):
        share = ShareFactory(user=person, followers_at_share=followers, created_at=at(day))
        daily_clicks(share, day, clicks)
    rollup()
    return personas


def _denied(path):
    return AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, detail__path=path).count()


# --- Who sees what -----------------------------------------------------------------------------


def test_dashboard_manager_sees_own_team(client, world):
    client.force_login(world.manager_a)

    response = client.get("/metrics/")

    assert response.status_code == 200
    assert response.context["scope"].team_ids == {world.team_a.pk}
    assert response.context["dash"].current.clicks == 41 + 5


def test_dashboard_manager_of_a_asking_for_team_b_gets_404_and_audit(client, world):
    client.force_login(world.manager_a)

    response = client.get(f"/metrics/?team={world.team_b.pk}")

    assert response.status_code == 404
    assert _denied("/metrics/") == 1


def test_export_manager_of_a_asking_for_team_b_gets_404_and_audit(client, world):
    client.force_login(world.manager_a)

    response = client.get(f"/metrics/export/shares.csv?team={world.team_b.pk}")

    assert response.status_code == 404
    assert _denied("/metrics/export/shares.csv") == 1


def test_person_figures_of_another_team_give_404_and_audit(client, world):
    LeaderboardOptIn.objects.create(user=world.employee_b)
    client.force_login(world.manager_a)

    response = client.get(f"/metrics/people/{world.employee_b.pk}/")

    assert response.status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.target_id, event.detail["path"]) == (
        str(world.employee_b.pk),
        f"/metrics/people/{world.employee_b.pk}/",
    )


def test_person_figures_of_someone_who_did_not_opt_in_give_404(client, world):
    quiet = world.team_a.members.get(display_name=SECRET_NAME)
    client.force_login(world.manager_a)

    response = client.get(f"/metrics/people/{quiet.pk}/")

    assert response.status_code == 404
    assert _denied(f"/metrics/people/{quiet.pk}/") == 1


def test_person_figures_of_an_opted_in_team_member_show(client, world):
    olga = world.team_a.members.get(display_name="Opted Olga")
    client.force_login(world.manager_a)

    response = client.get(f"/metrics/people/{olga.pk}/")

    assert response.status_code == 200
    assert response.context["reach"].current.clicks == 5


def test_dashboard_employee_asking_for_a_team_gets_404_and_audit(client, world):
    client.force_login(world.employee)

    response = client.get(f"/metrics/?team={world.team_a.pk}")

    assert response.status_code == 404
    assert _denied("/metrics/") == 1


def test_export_employee_asking_for_a_team_table_gets_404(client, world):
    client.force_login(world.employee)

    response = client.get("/metrics/export/teams.csv")

    assert response.status_code == 404
    assert _denied("/metrics/export/teams.csv") == 1


def test_dashboard_employee_sees_their_own_reach(client, world):
    olga = world.team_a.members.get(display_name="Opted Olga")
    client.force_login(olga)

    response = client.get("/metrics/")

    assert response.templates[0].name == "posts/metrics/me.html"
    assert response.context["reach"].current.clicks == 5


def test_dashboard_logged_out_goes_to_login(client, world):
    response = client.get("/metrics/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dashboard_manager_without_mfa_is_sent_to_mfa(client, world, settings):
    settings.REQUIRE_STAFF_MFA = True
    manager = UserFactory()
    MembershipFactory(team=world.team_a, user=manager, is_manager=True)
    client.force_login(manager)

    response = client.get("/metrics/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"


def test_dashboard_admin_sees_the_whole_programme(client, world):
    client.force_login(world.admin)

    response = client.get("/metrics/")

    assert response.context["scope"].is_programme
    assert response.context["dash"].current.clicks == 41 + 5 + 3
    assert [g.name for g in response.context["dash"].teams] == ["Team A", "Team B"]


# --- No individual figure of someone who did not opt in -----------------------------------------


def _everything_a_manager_gets(client):
    page = client.get("/metrics/").content.decode()
    chart = client.get("/metrics/").context["chart_data"]
    csvs = [
        client.get(f"/metrics/export/{table}.csv").content.decode("utf-8")
        for table in ("summary", "weeks", "networks", "teams", "content", "people", "shares")
    ]
    return page, json.dumps(chart, ensure_ascii=False), csvs


def test_privacy_no_figure_of_a_person_who_did_not_opt_in_reaches_a_manager(client, world):
    client.force_login(world.manager_a)

    page, chart, csvs = _everything_a_manager_gets(client)

    for text in (page, chart, *csvs):
        assert SECRET_NAME not in text
        assert "quiet@example.com" not in text
    # The opted-in colleague is shown, by name, in the people table and the shares behind.
    olga = world.team_a.members.get(display_name="Opted Olga")
    assert f'<a href="/metrics/people/{olga.pk}/">Opted Olga</a>' in page
    assert "Opted Olga" in csvs[5]
    assert "Opted Olga" in csvs[6]


def test_privacy_opting_out_removes_the_person_at_once(client, world):
    olga = world.team_a.members.get(display_name="Opted Olga")
    client.force_login(olga)
    client.post("/metrics/leaderboard/opt-in/", {"choice": "out"})
    client.force_login(world.manager_a)

    page, chart, csvs = _everything_a_manager_gets(client)

    assert all("Opted Olga" not in text for text in (page, chart, *csvs))


def test_privacy_offboarded_person_who_opted_in_is_not_named(client, world):
    olga = world.team_a.members.get(display_name="Opted Olga")
    user_deactivate(user=olga, by=world.admin)
    rollup()
    client.force_login(world.manager_a)

    page, chart, csvs = _everything_a_manager_gets(client)

    assert all("Opted Olga" not in text for text in (page, chart, *csvs))
    assert client.get("/metrics/").context["dash"].current.clicks == 41 + 5


# --- Small teams --------------------------------------------------------------------------------


def test_small_team_is_merged_into_its_parent_visibly(client, world):
    small = TeamFactory(name="Tiny Studio", parent=world.team_a)
    tiny = _fill(small, 2)
    share = ShareFactory(user=tiny[0], followers_at_share=30, created_at=at(today()))
    daily_clicks(share, today(), 9)
    rollup()
    client.force_login(world.manager_a)

    response = client.get("/metrics/")

    (group,) = response.context["dash"].teams
    assert (group.name, group.merged, group.people) == ("Team A", ["Tiny Studio"], 9)
    assert group.figures.clicks == 41 + 5 + 9
    assert "Tiny Studio" in response.content.decode()


def test_small_team_selected_alone_is_shown_with_its_parent(client, world):
    small = TeamFactory(name="Tiny Studio", parent=world.team_a)
    _fill(small, 2)
    client.force_login(world.manager_a)

    response = client.get(f"/metrics/?team={small.pk}")

    assert response.context["scope"].merged_into == "Team A"
    assert response.context["scope"].team_ids == {world.team_a.pk, small.pk}


def test_scope_smaller_than_the_minimum_shows_no_figures(client, personas):
    client.force_login(personas.manager_a)

    response = client.get("/metrics/")

    assert response.context["scope"].too_small is True
    assert "dash" not in response.context
    assert "figures are shown for groups of at least 5 people" in response.content.decode()


# --- Numbers on the page ------------------------------------------------------------------------


def test_page_says_not_reported_never_zero(client, world):
    client.force_login(world.manager_a)

    response = client.get("/metrics/")

    assert response.context["dash"].current.engagement is None
    assert "not reported" in response.content.decode()


def test_page_shows_no_emv_without_rates(client, world):
    client.force_login(world.manager_a)

    content = client.get("/metrics/").content.decode()

    assert "No rates are set, so no earned media value is shown." in content
    assert "NOK" not in content


def test_every_number_has_its_definition_as_tooltip(client, world):
    client.force_login(world.manager_a)

    content = client.get("/metrics/").content.decode()

    assert 'aria-describedby="def-potential-reach">877</span>' in content
    assert 'id="def-potential-reach"' in content


def test_period_seven_days_and_custom(client, world):
    client.force_login(world.manager_a)
    start = today() - dt.timedelta(days=10)

    seven = client.get("/metrics/?period=7").context["period"]
    custom = client.get(f"/metrics/?period=custom&start={start}&end={today()}").context["period"]

    assert (seven.start, seven.end) == (today() - dt.timedelta(days=6), today())
    assert (custom.start, custom.end, custom.key) == (start, today(), "custom")


def test_period_custom_in_the_future_is_refused_with_a_message(client, world):
    client.force_login(world.manager_a)
    future = today() + dt.timedelta(days=3)

    response = client.get(f"/metrics/?period=custom&start={today()}&end={future}")

    assert response.context["period"].days == 30
    assert "The range cannot end in the future." in response.content.decode()


def test_csv_of_each_table_has_exactly_the_numbers_on_the_page(client, world):
    client.force_login(world.manager_a)
    tables = client.get("/metrics/").context["tables"]

    for name, table in tables.items():
        rows = csv_parse(client.get(f"/metrics/export/{name}.csv").content)
        expected = [table.csv_header] + [
            ["" if v is None else str(v) for v in row] for row in table.csv_rows
        ]
        assert rows == expected, name


def test_csv_shares_behind_the_figures_add_up_to_the_summary(client, world):
    reading(
        world.team_a.members.get(display_name="Opted Olga").shares.get(),
        at(today()),
        reactions=6,
        impressions=50,
    )
    rollup()
    client.force_login(world.manager_a)
    dash = client.get("/metrics/").context["dash"]

    header, *rows = csv_parse(client.get("/metrics/export/shares.csv").content)

    column = {name: index for index, name in enumerate(header)}

    def total(name):
        return sum(int(row[column[name]] or 0) for row in rows)

    assert len(rows) == 2
    assert total("Intents opened") == dash.current.shares_intent
    assert total("Shares posted") == dash.current.shares_posted
    assert total("Potential reach") == dash.current.potential_reach == 877
    assert total("Clicks") == dash.current.clicks
    assert total("Unique visitors") == dash.current.unique_visitors
    assert total("Engagement") == dash.current.engagement == 6
    assert total("Impressions (measured)") == dash.current.impressions == 50


def test_every_export_is_audited(client, world):
    client.force_login(world.manager_a)

    client.get("/metrics/export/teams.csv?period=7")

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == world.manager_a
    assert event.detail["export"] == "metrics:teams"
    assert event.detail["scope"] == [world.team_a.pk]
    assert event.detail["start"] == str(today() - dt.timedelta(days=6))


def test_chart_data_is_the_weekly_table(client, world):
    client.force_login(world.manager_a)
    response = client.get("/metrics/")

    weeks = response.context["chart_data"]["weeks"]

    assert sum(weeks["series"][0]["values"]) == response.context["dash"].current.clicks
    assert '<script id="chart-data" type="application/json">' in response.content.decode()


def test_home_card_shows_the_managers_team_summary(client, world):
    client.force_login(world.manager_a)

    response = client.get("/")

    content = response.content.decode()
    assert "Reach · Your teams" in content
    assert 'aria-describedby="def-clicks">46</span>' in content


def test_home_card_shows_an_employee_their_own_reach(client, world):
    olga = world.team_a.members.get(display_name="Opted Olga")
    client.force_login(olga)

    content = client.get("/").content.decode()

    assert "See your reach" in content
    assert 'aria-describedby="def-clicks">5</span>' in content


def test_definitions_page_lists_every_definition(client, world):
    client.force_login(world.employee)

    content = client.get("/metrics/definitions/").content.decode()

    assert "Potential reach" in content
    assert "not views" in content
    assert "CPM × impressions ÷ 1000" in content  # noqa: RUF001


def test_your_reach_export_is_your_own_shares(client, world):
    olga = world.team_a.members.get(display_name="Opted Olga")
    client.force_login(olga)

    header, *rows = csv_parse(client.get("/metrics/me/export/shares.csv").content)

    assert len(rows) == 1
    assert rows[0][header.index("Clicks")] == "5"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=olga).count() == 1
