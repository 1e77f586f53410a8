"""The sharing demo: idempotent, realistic enough, and fine with an empty library."""

import io

import pytest
from django.db.models import Sum

from posts import demo_sharing
from posts.models import Click, Share, ShareDailyClicks
from tests.factories import MembershipFactory, UserFactory
from tests.posts.sharing_factories import SharedItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_company():
    employee = UserFactory(email="employee@example.com")
    MembershipFactory(user=employee)
    for n in range(20):
        MembershipFactory(user=UserFactory(email=f"employee{n:03d}@demo.example.com"))
    for _ in range(8):
        SharedItemFactory()
    return employee


def test_demo_sharing_gives_employee_several_shares(demo_company):
    demo_sharing.build(stdout=io.StringIO())
    assert Share.objects.filter(user=demo_company).count() == 6


def test_demo_sharing_is_idempotent(demo_company):
    demo_sharing.build(stdout=io.StringIO())
    first = (Share.objects.count(), Click.objects.count())
    demo_sharing.build(stdout=io.StringIO())
    assert (Share.objects.count(), Click.objects.count()) == first


def test_demo_sharing_totals_match_click_rows(demo_company):
    demo_sharing.build(stdout=io.StringIO())
    assert Click.objects.count() > 0
    assert ShareDailyClicks.objects.aggregate(n=Sum("clicks"))["n"] == Click.objects.count()


def test_demo_sharing_without_items_reports_zero(db):
    out = io.StringIO()
    demo_sharing.build(stdout=out)
    assert Share.objects.count() == 0
    assert "0 shares" in out.getvalue()


def test_demo_sharing_employee_sees_clicks_on_every_share(client, demo_company):
    from django.urls import reverse

    demo_sharing.build(stdout=io.StringIO())
    client.force_login(demo_company)
    page = client.get(reverse("posts:my_shares")).context["page"]
    assert len(page.object_list) == 6
    assert all(row.click_count >= 3 for row in page.object_list)


def test_demo_sharing_repeat_visitors_make_clicks_exceed_uniques(demo_company):
    demo_sharing.build(stdout=io.StringIO())
    totals = ShareDailyClicks.objects.aggregate(
        clicks=Sum("clicks"), uniques=Sum("unique_visitors")
    )
    assert totals["uniques"] > 0
    assert totals["uniques"] < totals["clicks"]


def test_demo_sharing_most_people_share_some_never(demo_company):
    demo_sharing.build(stdout=io.StringIO())
    sharers = Share.objects.values("user").distinct().count()
    assert 11 <= sharers < 21


def test_demo_sharing_reports_uncounted_bot_visits(demo_company):
    out = io.StringIO()
    demo_sharing.build(stdout=out)
    assert "link-preview and crawler fetches" in out.getvalue()
    assert "redirected but not counted" in out.getvalue()
