"""'My shares': each share with its link, network, date and clicks from daily totals."""

from datetime import date

import pytest
from django.urls import reverse

from posts.models import ShareDailyClicks
from tests.posts.factories import ShareFactory

pytestmark = pytest.mark.django_db


def test_my_shares_requires_login(client):
    assert client.get(reverse("posts:my_shares")).status_code == 302


def test_my_shares_empty_state_says_what_to_do(client, personas):
    client.force_login(personas.employee)
    content = client.get(reverse("posts:my_shares")).content.decode()
    assert "You have not shared anything yet." in content


def test_my_shares_lists_link_and_clicks_from_daily_totals(client, personas):
    share = ShareFactory(user=personas.employee)
    ShareDailyClicks.objects.create(share=share, day=date(2026, 11, 1), clicks=4, unique_visitors=2)
    ShareDailyClicks.objects.create(share=share, day=date(2026, 11, 2), clicks=3, unique_visitors=3)
    client.force_login(personas.employee)
    response = client.get(reverse("posts:my_shares"))
    row = response.context["page"].object_list[0]
    assert row.click_count == 7
    assert f"http://127.0.0.1:8000/r/{share.code}" in response.content.decode()


def test_my_shares_shows_only_own_shares(client, personas):
    ShareFactory(user=personas.employee_b, item__title="Not mine")
    ShareFactory(user=personas.employee, item__title="Mine")
    client.force_login(personas.employee)
    content = client.get(reverse("posts:my_shares")).content.decode()
    assert "Mine" in content
    assert "Not mine" not in content


def test_my_shares_paginates(client, personas):
    for _ in range(25):
        ShareFactory(user=personas.employee)
    client.force_login(personas.employee)
    page = client.get(reverse("posts:my_shares") + "?page=2").context["page"]
    assert (page.number, len(page.object_list)) == (2, 5)


@pytest.mark.parametrize("count", [1, 30])
def test_my_shares_query_count_does_not_grow(
    client, personas, django_assert_max_num_queries, count
):
    for _ in range(count):
        share = ShareFactory(user=personas.employee)
        ShareDailyClicks.objects.create(
            share=share, day=date(2026, 11, 1), clicks=2, unique_visitors=1
        )
    client.force_login(personas.employee)
    client.get(reverse("posts:my_shares"))  # the session's first request records the session
    with django_assert_max_num_queries(12):
        response = client.get(reverse("posts:my_shares"))
    assert response.status_code == 200
