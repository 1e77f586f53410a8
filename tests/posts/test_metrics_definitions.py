"""Each definition against a hand-computed fixture: shares, potential reach, clicks, unique
visitors, engagement (a network that reports none), impressions, participation (with an
offboarded person) and earned media value (with a rate changing mid-period)."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.services import user_deactivate
from posts.metrics_tables import networks_table
from posts.models import MetricRate
from posts.selectors import metric_scopes as scopes
from posts.selectors import metrics as selectors
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.posts.factories import ShareFactory, at, daily_clicks, reading, rollup, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture_world():
    """Sales: six people, one of whom leaves. Day D is in the last 30 days, P before them."""
    d = today() - dt.timedelta(days=5)
    p = today() - dt.timedelta(days=40)
    sales = TeamFactory(name="Sales")
    ann, bob, cy, _dee, eve, _fay = people = [UserFactory() for _ in range(6)]
    for person in people:
        MembershipFactory(team=sales, user=person)
    admin = UserFactory(is_admin=True)

    s1 = ShareFactory(user=ann, network="LINKEDIN", followers_at_share=120, created_at=at(d))
    daily_clicks(s1, d, 7, 5)
    daily_clicks(s1, d + dt.timedelta(days=1), 2, 2)
    s2 = ShareFactory(user=bob, network="MASTODON", followers_at_share=80, created_at=at(d))
    daily_clicks(s2, d, 3, 3)
    reading(s2, at(d, 20), reactions=4, reposts=2, replies=1)
    s3 = ShareFactory(user=bob, network="X", followers_at_share=40, created_at=at(d))
    daily_clicks(s3, d, 1, 1)
    reading(s3, at(d, 20), reactions=10, reposts=0, replies=0, quotes=0, impressions=1000)
    s0 = ShareFactory(user=cy, network="LINKEDIN", followers_at_share=50, created_at=at(p))
    daily_clicks(s0, p, 4, 4)
    daily_clicks(s0, d, 1, 1)
    s4 = ShareFactory(user=eve, network="LINKEDIN", followers_at_share=60, created_at=at(d))
    daily_clicks(s4, d, 2, 2)

    long_ago = today() - dt.timedelta(days=400)
    MetricRate.objects.create(
        network="LINKEDIN", cpm=100, cpc=10, reaction_weight=Decimal("0.5"), effective_date=long_ago
    )
    MetricRate.objects.create(
        network="LINKEDIN",
        cpm=100,
        cpc=20,
        reaction_weight=Decimal("0.5"),
        effective_date=d + dt.timedelta(days=1),
    )
    MetricRate.objects.create(
        network="X", cpm=50, cpc=5, reaction_weight=1, effective_date=long_ago
    )

    rollup()
    user_deactivate(user=eve, by=admin)
    rollup()
    scope = scopes.dashboard_scope(viewer=admin, team_id=sales.pk)
    return selectors.dashboard(scope=scope, period=selectors.period_last(), viewer=admin)


def test_definition_shares_counts_posted_and_intents_apart(fixture_world):
    assert (fixture_world.current.shares_posted, fixture_world.current.shares_intent) == (0, 4)
    assert (fixture_world.previous.shares_posted, fixture_world.previous.shares_intent) == (0, 1)


def test_definition_potential_reach_is_followers_at_share_time_of_the_periods_shares(
    fixture_world,
):
    assert fixture_world.current.potential_reach == 120 + 80 + 40 + 60
    assert fixture_world.previous.potential_reach == 50


def test_definition_clicks_and_unique_visitors_on_the_days_of_the_period(fixture_world):
    assert fixture_world.current.clicks == 7 + 2 + 3 + 1 + 1 + 2
    assert fixture_world.current.unique_visitors == 5 + 2 + 3 + 1 + 1 + 2
    assert fixture_world.previous.clicks == 4


def test_definition_engagement_sums_what_networks_report(fixture_world):
    assert fixture_world.current.engagement == (4 + 2 + 1) + 10
    assert fixture_world.previous.engagement is None  # nothing reported: not 0


def test_definition_impressions_only_where_measured(fixture_world):
    networks = {row.network: row.figures for row in fixture_world.networks}
    assert fixture_world.current.impressions == 1000
    assert networks["X"].impressions == 1000
    assert networks["MASTODON"].impressions is None
    assert networks["LINKEDIN"].engagement is None


def test_definition_participation_counts_active_people_only(fixture_world):
    # Five active people (one left); Ann and Bob shared in the period, Cy before it.
    assert (fixture_world.current.sharers, fixture_world.current.people) == (2, 5)
    assert fixture_world.current.participation == 40.0
    assert fixture_world.previous.participation == 20.0


def test_definition_offboarded_person_stays_in_team_totals(fixture_world):
    (sales,) = fixture_world.teams
    assert (sales.figures.shares_intent, sales.figures.potential_reach) == (4, 300)
    assert sales.people == 5


def test_definition_emv_uses_each_days_rate(fixture_world):
    # LinkedIn on D: 10 clicks at CPC 10; on D+1 (new rate): 2 clicks at CPC 20.
    # X on D: 50 x 1000 / 1000 + 5 x (1 x 10 + 1). Mastodon has no rate: nothing.
    assert fixture_world.current.emv == {"NOK": Decimal(100 + 40 + 105)}
    assert fixture_world.previous.emv == {"NOK": Decimal(40)}
    assert fixture_world.unrated == ["Mastodon"]


def test_definition_emv_rates_used_lists_both_linkedin_rates(fixture_world):
    used = [(r.network, r.cpc) for r in fixture_world.rates_used]
    assert used == [
        ("LINKEDIN", Decimal("10.00")),
        ("LINKEDIN", Decimal("20.00")),
        ("X", Decimal("5.00")),
    ]


def test_definition_no_rates_no_emv(db):
    team = TeamFactory()
    for _ in range(5):
        MembershipFactory(team=team)
    admin = UserFactory(is_admin=True)
    share = ShareFactory(user=team.memberships.first().user, created_at=at(today()))
    daily_clicks(share, today(), 3)
    rollup()

    dash = selectors.dashboard(
        scope=scopes.dashboard_scope(viewer=admin, team_id=team.pk),
        period=selectors.period_last(),
        viewer=admin,
    )

    assert dash.has_rates is False
    assert dash.current.emv is None


def test_period_previous_is_the_same_length_just_before():
    period = selectors.Period(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 30), key="custom")

    assert (period.previous.start, period.previous.end) == (
        dt.date(2026, 1, 30),
        dt.date(2026, 2, 28),
    )


def test_period_last_seven_days_ends_today():
    period = selectors.period_last(days=7, today=dt.date(2026, 3, 10))

    assert (period.start, period.end, period.days) == (dt.date(2026, 3, 4), dt.date(2026, 3, 10), 7)


def test_definition_a_network_without_rates_shows_no_emv_not_zero(fixture_world):
    rows = {row[0].value: row[-1].value for row in networks_table(fixture_world).rows}

    assert rows["Mastodon"] is None
    assert rows["X"] == Decimal(105)
