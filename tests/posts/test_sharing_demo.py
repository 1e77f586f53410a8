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
        MembershipFactory(user=UserFactory(email=f"demo{n}@example.com"))
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
