"""The manager's dashboard: their teams and sub-teams, the guideline and training status
lines, and every figure read from the rollups alone (never the raw clicks or shares)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.posts.factories import ShareFactory, at, daily_clicks, rollup, today
from training.models import Completion, GuidelineAcknowledgement, GuidelineVersion, Module

pytestmark = pytest.mark.django_db

RAW_TABLES = re.compile(
    r'\b"?posts_(click|sharedailyclicks|engagementreading|share|clicksalt)"?(?![a-z_])'
)


def _people(team, count):
    people = [UserFactory() for _ in range(count)]
    for person in people:
        MembershipFactory(team=team, user=person)
    return people


@pytest.fixture
def teams(personas):
    """Team A with five people and a sub-team (Design) with five more, each sharing."""
    design = TeamFactory(name="Design", parent=personas.team_a)
    a_people = _people(personas.team_a, 4)
    d_people = _people(design, 5)
    day = today() - dt.timedelta(days=4)
    for person, clicks in ((a_people[0], 6), (d_people[0], 9)):
        share = ShareFactory(user=person, followers_at_share=10, created_at=at(day))
        daily_clicks(share, day, clicks)
    rollup()
    personas.design, personas.a_people, personas.d_people = design, a_people, d_people
    return personas


def test_dashboard_manager_sees_their_teams_and_sub_teams(client, teams):
    client.force_login(teams.manager_a)

    dash = client.get("/metrics/").context["dash"]

    assert dash.current.clicks == 6 + 9
    assert {row.name: row.figures.clicks for row in dash.teams} == {"Design": 9, "Team A": 6}


def test_dashboard_status_lines_count_acknowledgements_and_required_modules(client, teams):
    version = GuidelineVersion.objects.create(number=1, body_en="Be kind.", change_summary="1")
    for person in teams.a_people[:3]:
        GuidelineAcknowledgement.objects.create(user=person, version=version)
    required = Module.objects.create(title="Basics", is_published=True, is_required=True)
    Module.objects.create(title="Extra", is_published=True, is_required=False)
    for person in teams.d_people[:2]:
        Completion.objects.create(user=person, module=required, code=f"c-{person.pk}")
    client.force_login(teams.manager_a)

    response = client.get("/metrics/")

    dash = response.context["dash"]
    people = 1 + 1 + 4 + 5  # the manager, the persona employee, Team A's four, Design's five
    assert (dash.guidelines.done, dash.guidelines.people) == (3, people)
    assert (dash.training.done, dash.training.people) == (2, people)
    page = response.content.decode()
    assert f"Guidelines: 3 of {people} people acknowledged the current version." in page
    assert f"Training: 2 of {people} people completed every required module." in page


def test_dashboard_status_lines_say_when_nothing_is_published(client, teams):
    client.force_login(teams.manager_a)

    page = client.get("/metrics/").content.decode()

    assert "Guidelines: none published yet." in page
    assert "Training: no required modules." in page


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("manager_a", "/metrics/"),
        ("manager_a", "/metrics/?period=90"),
        ("admin", "/metrics/"),
        ("manager_a", "/"),
        ("employee", "/metrics/me/"),
    ],
)
def test_dashboards_read_only_the_rollups(client, teams, who, path):
    client.force_login(getattr(teams, who))

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200

    raw = [q["sql"] for q in captured.captured_queries if RAW_TABLES.search(q["sql"])]
    assert raw == []
