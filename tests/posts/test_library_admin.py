"""The Django admin shows library items and comments but cannot change them (the workflow
services, with their validation and audit, are the only way); topics and feeds stay editable."""

import pytest
from django.urls import reverse

from posts.models import Comment, ContentItem, ContentStatus, Topic
from tests.posts.factories import CaptionFactory, CommentFactory, ContentItemFactory

pytestmark = pytest.mark.django_db


def test_admin_post_to_item_change_view_changes_nothing(client, personas):
    item = ContentItemFactory(title="Original", status=ContentStatus.IN_REVIEW)
    caption = CaptionFactory(item=item, text="Original caption")
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:posts_contentitem_change", args=[item.pk]),
        {
            "url": "javascript:alert(1)",
            "title": "Changed",
            "status": ContentStatus.APPROVED,
            "captions-TOTAL_FORMS": "1",
            "captions-INITIAL_FORMS": "1",
            "captions-0-id": str(caption.pk),
            "captions-0-item": str(item.pk),
            "captions-0-text": "Changed caption",
        },
    )
    assert response.status_code == 403
    item.refresh_from_db()
    caption.refresh_from_db()
    assert (item.title, item.status, caption.text) == (
        "Original",
        ContentStatus.IN_REVIEW,
        "Original caption",
    )


def test_admin_item_change_view_is_read_only(client, personas):
    item = ContentItemFactory(title="Original")
    client.force_login(personas.admin)
    response = client.get(reverse("admin:posts_contentitem_change", args=[item.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert not response.context["adminform"].form.fields  # every field is read-only


@pytest.mark.parametrize("url_name", ["admin:posts_contentitem_add", "admin:posts_comment_add"])
def test_admin_cannot_add_items_or_comments(client, personas, url_name):
    client.force_login(personas.admin)
    assert client.get(reverse(url_name)).status_code == 403


def test_admin_cannot_delete_item(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:posts_contentitem_delete", args=[item.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert ContentItem.objects.filter(pk=item.pk).exists()


def test_admin_post_to_comment_change_view_changes_nothing(client, personas):
    comment = CommentFactory(body="Original")
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:posts_comment_change", args=[comment.pk]),
        {"item": comment.item_id, "author": comment.author_id, "body": "Changed"},
    )
    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "Original"


def test_admin_can_still_add_topic(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("admin:posts_topic_add"), {"name": "Climate", "slug": "climate"})
    assert response.status_code == 302
    assert Topic.objects.get().slug == "climate"
