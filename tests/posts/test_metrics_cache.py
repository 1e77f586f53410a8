"""The programme's figures are cached per rollup generation: a rollup run or a rebuild shows
new figures at once, and so does anything else they depend on (the people, the period)."""

import datetime as dt

import pytest
from django.core.cache import cache

from accounts.services import user_deactivate
from posts.services.metrics import metrics_rebuild
from tests.factories import MembershipFactory, UserFactory
from tests.posts.factories import ShareFactory, at, daily_clicks, rollup, today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def programme(personas):
    people = [UserFactory() for _ in range(5)]
    for person in people:
        MembershipFactory(team=personas.team_a, user=person)
    day = today() - dt.timedelta(days=2)
    share = ShareFactory(user=people[0], followers_at_share=100, created_at=at(day))
    daily_clicks(share, day, 10)
    rollup()
    personas.people, personas.share, personas.day = people, share, day
    return personas


def _programme(client, admin):
    client.force_login(admin)
    dash = client.get("/metrics/").context["dash"]
    assert dash.scope.is_programme
    return dash.current


def test_programme_cache_a_rollup_run_shows_new_clicks_at_once(client, programme):
    assert _programme(client, programme.admin).clicks == 10
    daily_clicks(programme.share, programme.day, 25)

    assert _programme(client, programme.admin).clicks == 10  # no rollup yet: the same rows
    rollup()

    assert _programme(client, programme.admin).clicks == 25


def test_programme_cache_a_rebuild_shows_its_figures_at_once(client, programme):
    assert _programme(client, programme.admin).clicks == 10
    daily_clicks(programme.share, programme.day, 40)

    metrics_rebuild(first=programme.day, last=programme.day)

    assert _programme(client, programme.admin).clicks == 40


def test_programme_cache_offboarding_changes_the_people_at_once(client, programme):
    before = _programme(client, programme.admin)

    user_deactivate(user=programme.people[4], by=programme.admin)

    after = _programme(client, programme.admin)
    assert after.people == before.people - 1
    assert after.sharers == 1


def test_programme_cache_is_per_period(client, programme):
    client.force_login(programme.admin)
    old = ShareFactory(
        user=programme.people[1], followers_at_share=7, created_at=at(today() - dt.timedelta(60))
    )
    daily_clicks(old, today() - dt.timedelta(60), 3)
    rollup()

    thirty = client.get("/metrics/").context["dash"].current
    ninety = client.get("/metrics/?period=90").context["dash"].current

    assert (thirty.clicks, ninety.clicks) == (10, 13)
