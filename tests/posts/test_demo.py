"""The posts demo: idempotent, realistic enough, honest in what it reports, and fine with
an empty library."""

import io

import pytest
from django.db.models import Sum
from django.urls import reverse

from accounts import demo as accounts_demo
from posts import demo
from posts.demo import shares as demo_shares
from posts.models import Click, Comment, ContentItem, ContentStatus, Feed, Share, ShareDailyClicks
from tests.factories import MembershipFactory, UserFactory
from tests.posts.factories import ContentItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_company():
    employee = UserFactory(email="employee@example.com")
    MembershipFactory(user=employee)
    for n in range(20):
        MembershipFactory(user=UserFactory(email=f"employee{n:03d}@demo.example.com"))
    for _ in range(8):
        ContentItemFactory()
    return employee


def test_demo_library_is_idempotent():
    accounts_demo.build(stdout=io.StringIO())
    demo.build(stdout=io.StringIO())
    first = (ContentItem.objects.count(), Comment.objects.count(), Feed.objects.count())
    demo.build(stdout=io.StringIO())
    assert (ContentItem.objects.count(), Comment.objects.count(), Feed.objects.count()) == first
    assert ContentItem.objects.filter(status=ContentStatus.APPROVED).count() == 30
    assert ContentItem.objects.filter(suggested_by__isnull=False).count() == 1


def test_demo_builds_shares_of_its_own_content():
    accounts_demo.build(stdout=io.StringIO())
    out = io.StringIO()
    demo.build(stdout=out)
    assert out.getvalue().startswith("Library: 30 approved items, 4 in review, 7 topics, 1 feed.")
    assert Share.objects.filter(user__email="employee@example.com").count() == 6


def test_demo_sharing_gives_employee_several_shares(demo_company):
    demo_shares.build(stdout=io.StringIO())
    assert Share.objects.filter(user=demo_company).count() == 6


def test_demo_sharing_is_idempotent(demo_company):
    demo_shares.build(stdout=io.StringIO())
    first = (Share.objects.count(), Click.objects.count())
    demo_shares.build(stdout=io.StringIO())
    assert (Share.objects.count(), Click.objects.count()) == first


def test_demo_sharing_totals_match_click_rows(demo_company):
    demo_shares.build(stdout=io.StringIO())
    assert Click.objects.count() > 0
    assert ShareDailyClicks.objects.aggregate(n=Sum("clicks"))["n"] == Click.objects.count()


def test_demo_sharing_without_items_reports_zero(db):
    out = io.StringIO()
    demo_shares.build(stdout=out)
    assert Share.objects.count() == 0
    assert out.getvalue() == "Sharing demo: no approved items, 0 shares."


def test_demo_sharing_employee_sees_clicks_on_every_share(client, demo_company):
    demo_shares.build(stdout=io.StringIO())
    client.force_login(demo_company)
    page = client.get(reverse("posts:my_shares")).context["page"]
    assert len(page.object_list) == 6
    assert all(row.click_count >= 3 for row in page.object_list)


def test_demo_sharing_repeat_visitors_make_clicks_exceed_uniques(demo_company):
    demo_shares.build(stdout=io.StringIO())
    totals = ShareDailyClicks.objects.aggregate(
        clicks=Sum("clicks"), uniques=Sum("unique_visitors")
    )
    assert totals["uniques"] > 0
    assert totals["uniques"] < totals["clicks"]


def test_demo_sharing_most_people_share_some_never(demo_company):
    demo_shares.build(stdout=io.StringIO())
    sharers = Share.objects.values("user").distinct().count()
    assert 11 <= sharers < 21


def test_demo_sharing_reports_only_what_the_click_store_counted(demo_company):
    """The summary is measured from the stored daily totals, and nothing else: no figure of
    uncounted visits that were never made."""
    out = io.StringIO()
    demo_shares.build(stdout=out)
    totals = ShareDailyClicks.objects.aggregate(
        clicks=Sum("clicks"), uniques=Sum("unique_visitors")
    )
    shares = Share.objects.count()
    people = Share.objects.values("user").distinct().count()
    assert out.getvalue() == (
        f"Sharing demo: {shares} shares by {people} people, {totals['clicks']} counted clicks "
        f"from {totals['uniques']} unique visitors a day."
    )
    assert totals["clicks"] == Click.objects.count() > 0
