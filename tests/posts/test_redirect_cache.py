"""tracked_links_forget: an item's edited URL reaches its tracked links at once."""

import pytest

from posts.services.content import content_update
from posts.tracked_links import tracked_links_forget
from tests.posts.factories import BROWSER_UA, ShareFactory

pytestmark = pytest.mark.django_db


def _location(client, share) -> str:
    return client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)["Location"]


def _edit_url(item, url: str) -> None:
    item.url = url
    item.save(update_fields=["url"])


def test_forget_after_url_change_redirects_to_new_url(client, django_capture_on_commit_callbacks):
    share = ShareFactory(item__url="https://www.example.com/old")
    _location(client, share)  # cached with the old URL
    with django_capture_on_commit_callbacks(execute=True):
        _edit_url(share.item, "https://www.example.com/new")
        tracked_links_forget(item_id=share.item_id)
    assert _location(client, share).startswith("https://www.example.com/new?")


def test_without_forget_cached_link_keeps_old_url(client):
    share = ShareFactory(item__url="https://www.example.com/old")
    _location(client, share)
    _edit_url(share.item, "https://www.example.com/new")
    assert _location(client, share).startswith("https://www.example.com/old?")


def test_forget_covers_every_share_of_the_item(client, django_capture_on_commit_callbacks):
    first = ShareFactory(item__url="https://www.example.com/old")
    second = ShareFactory(item=first.item)
    for share in (first, second):
        _location(client, share)
    with django_capture_on_commit_callbacks(execute=True):
        _edit_url(first.item, "https://www.example.com/new")
        tracked_links_forget(item_id=first.item_id)
    assert [_location(client, s).split("?")[0] for s in (first, second)] == [
        "https://www.example.com/new",
        "https://www.example.com/new",
    ]


def test_forget_leaves_other_items_links_cached(client, django_capture_on_commit_callbacks):
    edited = ShareFactory(item__url="https://www.example.com/edited")
    other = ShareFactory(item__url="https://www.example.com/other-old")
    for share in (edited, other):
        _location(client, share)
    with django_capture_on_commit_callbacks(execute=True):
        _edit_url(other.item, "https://www.example.com/other-new")
        tracked_links_forget(item_id=edited.item_id)
    assert _location(client, other).startswith("https://www.example.com/other-old?")


def test_forget_waits_for_the_commit(client, django_capture_on_commit_callbacks):
    share = ShareFactory(item__url="https://www.example.com/old")
    _location(client, share)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tracked_links_forget(item_id=share.item_id)
    assert len(callbacks) == 1
    assert _location(client, share).startswith("https://www.example.com/old?")


def test_forget_without_redis_clears_the_django_cache(
    client, settings, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = ""
    share = ShareFactory(item__url="https://www.example.com/old")
    _location(client, share)
    with django_capture_on_commit_callbacks(execute=True):
        _edit_url(share.item, "https://www.example.com/new")
        tracked_links_forget(item_id=share.item_id)
    assert _location(client, share).startswith("https://www.example.com/new?")


def test_forget_item_without_shares_does_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert tracked_links_forget(item_id=999_999) is None


def test_curator_url_edit_reaches_tracked_links(
    client, personas, django_capture_on_commit_callbacks
):
    share = ShareFactory(item__url="https://www.example.com/old", item__created_by=personas.admin)
    _location(client, share)  # cached with the old URL
    item = share.item
    with django_capture_on_commit_callbacks(execute=True):
        content_update(
            item=item, by=personas.admin, url="https://www.example.com/new", title=item.title
        )
    assert _location(client, share).startswith("https://www.example.com/new?")


def test_curator_edit_without_url_change_keeps_cached_link(
    client, personas, django_assert_num_queries
):
    share = ShareFactory(item__url="https://www.example.com/same", item__created_by=personas.admin)
    _location(client, share)
    item = share.item
    content_update(item=item, by=personas.admin, url=item.url, title="A new title")
    with django_assert_num_queries(0):
        assert _location(client, share).startswith("https://www.example.com/same?")
