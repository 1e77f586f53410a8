"""The metrics demo: 90 days with figures on every dashboard, NOK rates, people on the
leaderboard, and one team below the minimum group size shown with its parent."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from posts.models import LeaderboardOptIn, MetricRate
from tests.factories import give_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())


def test_demo_metrics_fills_the_dashboards(client, demo):
    manager = User.objects.get(email="manager@example.com")
    give_mfa(manager)
    client.force_login(manager)

    dash = client.get("/metrics/?period=90").context["dash"]

    assert dash.current.shares_intent > 20
    assert dash.current.clicks > 100
    assert dash.current.emv["NOK"] > 0
    assert dash.current.engagement > 0
    assert dash.people  # some people opted in
    assert len([w for w in dash.weeks if w.figures.clicks]) >= 10


def test_demo_metrics_has_a_small_team_merged_visibly(client, demo):
    admin = User.objects.get(email="admin@example.com")
    give_mfa(admin)
    client.force_login(admin)

    response = client.get("/metrics/")

    marketing = next(g for g in response.context["dash"].teams if g.name == "Marketing")
    assert marketing.merged == ["Brand Studio"]
    assert "Brand Studio" in response.content.decode()


def test_demo_metrics_rates_in_nok_and_opt_ins_and_is_idempotent(demo):
    first = (MetricRate.objects.count(), LeaderboardOptIn.objects.count())

    call_command("demo", stdout=io.StringIO())

    assert set(MetricRate.objects.values_list("currency", flat=True)) == {"NOK"}
    assert first == (6, 8)
    assert (MetricRate.objects.count(), LeaderboardOptIn.objects.count()) == first
