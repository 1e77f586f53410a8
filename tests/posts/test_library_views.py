"""Feed, item pages, curation and comments through HTTP, with the personas."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.audit import AuditAction
from accounts.models import AuditEvent
from ambassador.networks import Network
from posts.forms import ContentItemForm
from posts.models import Comment, ContentItem, ContentStatus, Share
from posts.services.feeds import feed_fetch
from posts.views import content as content_views
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.posts.conftest import make_png
from tests.posts.factories import (
    CaptionFactory,
    CommentFactory,
    ContentItemFactory,
    FeedFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

FEED = reverse("posts:feed")


def detail(item):
    return reverse("posts:item_detail", args=[item.pk])


def feed_titles(response):
    return [item.title for item in response.context["page"].object_list]


# --- Feed content and order ----------------------------------------------------------------


def test_feed_requires_login(client):
    response = client.get(FEED)
    assert response.status_code == 302


def test_feed_shows_featured_first_then_newest(client, personas):
    now = timezone.now()
    ContentItemFactory(title="Old", publish_at=now - timedelta(days=3))
    ContentItemFactory(title="New", publish_at=now - timedelta(days=1))
    ContentItemFactory(title="Featured", featured=True, publish_at=now - timedelta(days=9))
    client.force_login(personas.employee)
    assert feed_titles(client.get(FEED)) == ["Featured", "New", "Old"]


@pytest.mark.parametrize(
    "status",
    [
        ContentStatus.DRAFT,
        ContentStatus.IN_REVIEW,
        ContentStatus.CHANGES_REQUESTED,
        ContentStatus.REJECTED,
        ContentStatus.ARCHIVED,
    ],
)
def test_feed_hides_unapproved_item(client, personas, status):
    ContentItemFactory(title="Hidden", status=status)
    client.force_login(personas.employee)
    assert feed_titles(client.get(FEED)) == []


def test_feed_hides_future_publish_at_until_due(client, personas):
    ContentItemFactory(title="Later", publish_at=timezone.now() + timedelta(hours=1))
    client.force_login(personas.employee)
    assert feed_titles(client.get(FEED)) == []


def test_feed_shows_item_once_publish_at_passed(client, personas):
    ContentItemFactory(title="Now", publish_at=timezone.now() - timedelta(minutes=1))
    client.force_login(personas.employee)
    assert feed_titles(client.get(FEED)) == ["Now"]


def test_feed_hides_expired_item(client, personas):
    past = timezone.now() - timedelta(days=2)
    ContentItemFactory(title="Gone", publish_at=past, expire_at=past + timedelta(days=1))
    client.force_login(personas.employee)
    assert feed_titles(client.get(FEED)) == []


def test_feed_filters_by_topic(client, personas):
    climate = TopicFactory(name="Climate", slug="climate")
    ContentItemFactory(title="Green", topics=[climate])
    ContentItemFactory(title="Other")
    client.force_login(personas.employee)
    assert feed_titles(client.get(FEED, {"topic": "climate"})) == ["Green"]


def test_feed_filters_by_network(client, personas):
    CaptionFactory(item=ContentItemFactory(title="Toot"), network=Network.MASTODON)
    CaptionFactory(item=ContentItemFactory(title="Post"), network=Network.LINKEDIN)
    client.force_login(personas.employee)
    assert feed_titles(client.get(FEED, {"network": "MASTODON"})) == ["Toot"]


def test_feed_searches_title_summary_and_caption(client, personas):
    ContentItemFactory(title="Quarterly results")
    ContentItemFactory(title="B", summary="We hired fifty engineers")
    CaptionFactory(item=ContentItemFactory(title="C"), text="Results are in!")
    ContentItemFactory(title="Unrelated")
    client.force_login(personas.employee)
    assert sorted(feed_titles(client.get(FEED, {"q": "results"}))) == ["C", "Quarterly results"]


def test_feed_marks_already_shared(client, personas):
    shared = ContentItemFactory(title="Shared")
    ContentItemFactory(title="Fresh")
    Share.objects.create(
        user=personas.employee, item=shared, network=Network.LINKEDIN, caption="x", code="abc"
    )
    client.force_login(personas.employee)
    response = client.get(FEED)
    flags = {item.title: item.already_shared for item in response.context["page"].object_list}
    assert flags == {"Shared": True, "Fresh": False}
    assert "You shared this" in response.content.decode()


def test_feed_empty_state_says_what_to_do(client, personas):
    client.force_login(personas.employee)
    body = client.get(FEED).content.decode()
    assert "No content to share yet" in body
    assert reverse("posts:suggest") in body


def test_feed_empty_filter_state_offers_clearing(client, personas):
    ContentItemFactory(title="Something")
    client.force_login(personas.employee)
    body = client.get(FEED, {"q": "nothing-matches-this"}).content.decode()
    assert "Nothing matches" in body


def test_feed_htmx_returns_partial(client, personas):
    ContentItemFactory(title="Partial")
    client.force_login(personas.employee)
    response = client.get(FEED, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="feed-results"' in body
    assert "<html" not in body


def test_feed_paginates(client, personas):
    ContentItemFactory.create_batch(25)
    client.force_login(personas.employee)
    response = client.get(FEED, {"page": 2})
    assert len(response.context["page"].object_list) == 5


def test_feed_query_count_constant(client, personas, django_assert_max_num_queries):
    """A page of 50 items costs no more queries than a page of 5."""
    topics = TopicFactory.create_batch(5)
    client.force_login(personas.employee)

    def load(n):
        for _ in range(n):
            item = ContentItemFactory(topics=topics, target_teams=[personas.team_a])
            CaptionFactory(item=item, network=Network.LINKEDIN)
            CaptionFactory(item=item, network=Network.X, language="nb")
            CommentFactory(item=item, author=personas.employee)
            Share.objects.create(
                user=personas.employee, item=item, network="X", caption="c", code=f"c{item.pk}"
            )

    content_views.FEED_PAGE_SIZE, original = 50, content_views.FEED_PAGE_SIZE
    try:
        load(5)
        with django_assert_max_num_queries(20) as small:
            client.get(FEED)
        load(45)
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = client.get(FEED)
        assert len(response.context["page"].object_list) == 50
    finally:
        content_views.FEED_PAGE_SIZE = original


# --- Visibility: team A's item never reaches team B ----------------------------------------


@pytest.fixture
def team_a_item(personas):
    item = ContentItemFactory(title="Only for A", target_teams=[personas.team_a])
    CommentFactory(item=item, author=personas.employee)
    return item


def test_team_item_in_feed_of_team_member(client, personas, team_a_item):
    client.force_login(personas.employee)
    assert feed_titles(client.get(FEED)) == ["Only for A"]


@pytest.mark.parametrize("persona", ["employee_b", "manager_b", "outsider"])
def test_team_item_absent_from_feed_of_others(client, personas, team_a_item, persona):
    client.force_login(getattr(personas, persona))
    assert feed_titles(client.get(FEED)) == []
    assert feed_titles(client.get(FEED, {"q": "Only for A"})) == []


@pytest.mark.parametrize("persona", ["employee_b", "manager_b", "outsider"])
def test_team_item_detail_404_for_others(client, personas, team_a_item, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(detail(team_a_item)).status_code == 404


def denied_events(user):
    return AuditEvent.objects.filter(actor=user, action=AuditAction.ACCESS_DENIED)


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("item_approve", "post", {}),
        ("item_reject", "post", {"reason": "Off-brand"}),
        ("item_request_changes", "post", {"note": "Shorter"}),
        ("item_edit", "get", {}),
        ("item_edit", "post", {"url": "https://evil.example", "title_en": "Hijacked"}),
        ("item_preview", "get", {}),
        ("item_archive", "post", {}),
        ("item_submit", "post", {}),
        ("comment_create", "post", {"body": "Sneaky"}),
        ("comment_remove", "post", {}),
    ],
)
def test_team_item_urls_refused_for_manager_b(client, personas, name, method, data):
    item = ContentItemFactory(
        title="Only for A", status=ContentStatus.IN_REVIEW, target_teams=[personas.team_a]
    )
    comment = CommentFactory(item=item, author=personas.manager_a)
    client.force_login(personas.manager_b)
    arg = comment.pk if name == "comment_remove" else item.pk
    response = getattr(client, method)(reverse(f"posts:{name}", args=[arg]), data)
    assert response.status_code == 404
    item.refresh_from_db()
    comment.refresh_from_db()
    assert (item.status, item.title, item.url) == (
        ContentStatus.IN_REVIEW,
        "Only for A",
        item.url,
    )
    assert (item.comments.count(), comment.removed_at) == (1, None)
    event = denied_events(personas.manager_b).get()
    assert (event.target_type, event.target_id) == ("posts.contentitem", str(item.pk))
    assert event.detail == {"path": reverse(f"posts:{name}", args=[arg])}


def test_unknown_item_404_without_audit(client, personas):
    client.force_login(personas.manager_b)
    assert client.post(reverse("posts:item_approve", args=[999999])).status_code == 404
    assert not denied_events(personas.manager_b).exists()


def test_team_item_comment_edit_404_for_other_team(client, personas, team_a_item):
    comment = team_a_item.comments.get()
    client.force_login(personas.employee_b)
    assert client.get(reverse("posts:comment_edit", args=[comment.pk])).status_code == 404


def test_team_item_not_in_review_queue_of_manager_b(client, personas):
    ContentItemFactory(
        title="A draft", status=ContentStatus.IN_REVIEW, target_teams=[personas.team_a]
    )
    client.force_login(personas.manager_b)
    response = client.get(reverse("posts:review"))
    assert list(response.context["page"].object_list) == []


def test_team_item_in_review_queue_of_manager_a(client, personas):
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW, target_teams=[personas.team_a])
    client.force_login(personas.manager_a)
    response = client.get(reverse("posts:review"))
    assert list(response.context["page"].object_list) == [item]


def test_item_detail_of_draft_404_for_employee(client, personas):
    item = ContentItemFactory(status=ContentStatus.DRAFT)
    client.force_login(personas.employee)
    assert client.get(detail(item)).status_code == 404


def test_item_detail_of_own_suggestion_opens(client, personas):
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW, suggested_by=personas.employee)
    client.force_login(personas.employee)
    assert client.get(detail(item)).status_code == 200


def test_item_detail_shows_captions_and_comments(client, personas):
    item = ContentItemFactory(title="Detail")
    CaptionFactory(item=item, text="Caption here")
    CommentFactory(item=item, body="**Great** post")
    client.force_login(personas.employee)
    body = client.get(detail(item)).content.decode()
    assert "Caption here" in body
    assert "<strong>Great</strong>" in body


# --- Curation views ------------------------------------------------------------------------


def test_review_queue_forbidden_for_employee(client, personas):
    client.force_login(personas.employee)
    assert client.get(reverse("posts:review")).status_code == 403


def test_review_queue_query_count_constant(client, personas, django_assert_max_num_queries):
    topics = TopicFactory.create_batch(3)
    ContentItemFactory.create_batch(3, status=ContentStatus.IN_REVIEW, topics=topics)
    client.force_login(personas.admin)
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("posts:review"))
    ContentItemFactory.create_batch(30, status=ContentStatus.IN_REVIEW, topics=topics)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("posts:review"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 33
    assert response.content.decode().count('name="items"') == 33


def test_item_create_view_saves_and_submits(client, personas):
    topic = TopicFactory(name="News", slug="news")
    client.force_login(personas.manager_a)
    response = client.post(
        reverse("posts:item_create"),
        {
            "url": "https://example.com/launch",
            "title_en": "Launch",
            "topics": [topic.pk],
            "target_teams": [personas.team_a.pk],
            "caption_editable": "on",
            "caption_linkedin_en": "We launched!",
            "caption_x_nb": "Vi lanserte!",
            "submit": "1",
        },
    )
    item = ContentItem.objects.get()
    assert response.status_code == 302
    assert item.status == ContentStatus.IN_REVIEW
    assert sorted(item.captions.values_list("language", flat=True)) == ["en", "nb"]


def test_item_create_view_ignores_extra_status_field(client, personas):
    client.force_login(personas.manager_a)
    client.post(
        reverse("posts:item_create"),
        {
            "url": "https://example.com/x",
            "title_en": "X",
            "target_teams": [personas.team_a.pk],
            "status": "APPROVED",
            "approved_by": personas.admin.pk,
        },
    )
    item = ContentItem.objects.get()
    assert (item.status, item.approved_by) == (ContentStatus.DRAFT, None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "javascript:alert(1)"}, "url", "URL: enter a web address"),
        ({"url": "data:text/html;base64,PHNjcmlwdD4="}, "url", "URL: enter a web address"),
        (
            {"caption_x_en": "x" * 281},
            "caption_x_en",
            "X caption (English): The caption is 305 characters; X allows 280.",
        ),
        (
            # 301 + 2 + the tracked link's 36 characters (http://127.0.0.1:8000/r/ + 12).
            {"caption_bluesky_nb": "x" * 301},
            "caption_bluesky_nb",
            "Bluesky caption (Norwegian Bokmål): The caption is 339 characters; Bluesky allows 300.",
        ),
        (
            {"publish_at": "2026-05-02T10:00", "expire_at": "2026-05-01T10:00"},
            "expire_at",
            "Expire at: must be later than publish at.",
        ),
        ({"target_everyone": ""}, "target_teams", "Target teams: choose at least one team"),
    ],
)
def test_item_create_view_bad_input(client, personas, data, field, message):
    client.force_login(personas.admin)
    payload = {"url": "https://example.com/x", "title_en": "X", "target_everyone": "on", **data}
    response = client.post(reverse("posts:item_create"), payload)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert ContentItem.objects.count() == 0


def test_item_create_view_rejects_fake_image(client, personas):
    client.force_login(personas.manager_a)
    upload = SimpleUploadedFile("cat.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(
        reverse("posts:item_create"),
        {
            "url": "https://example.com/x",
            "title_en": "X",
            "target_teams": [personas.team_a.pk],
            "image": upload,
        },
    )
    assert (
        "Image: the file is not a JPEG, PNG, GIF or WebP image."
        in response.context["form"].errors["image"]
    )
    assert ContentItem.objects.count() == 0


def test_item_create_view_rejects_large_image(client, personas, settings):
    client.force_login(personas.manager_a)
    upload = SimpleUploadedFile(
        "big.png", make_png() + b"\0" * (5 * 1024 * 1024), content_type="image/png"
    )
    response = client.post(
        reverse("posts:item_create"),
        {"url": "https://example.com/x", "title_en": "X", "target_everyone": "on", "image": upload},
    )
    assert "Image: the file is larger than 5 MB." in response.context["form"].errors["image"]
    assert ContentItem.objects.count() == 0


def test_item_form_refuses_large_upload_before_reading_it(personas):
    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("the upload was read")

    upload = Unreadable("big.png", b"tiny", content_type="image/png")
    upload.size = 5 * 1024 * 1024 + 1
    form = ContentItemForm(
        {"url": "https://example.com/x", "title_en": "X", "target_everyone": "on"},
        {"image": upload},
        user=personas.manager_a,
    )
    assert not form.is_valid()
    assert form.errors["image"] == ["Image: the file is larger than 5 MB."]


def test_item_create_view_accepts_real_image(client, personas):
    client.force_login(personas.manager_a)
    upload = SimpleUploadedFile("pic.png", make_png(), content_type="image/png")
    client.post(
        reverse("posts:item_create"),
        {
            "url": "https://example.com/x",
            "title_en": "X",
            "target_teams": [personas.team_a.pk],
            "image": upload,
        },
    )
    assert ContentItem.objects.get().image.name.endswith(".png")


def test_item_approve_view_by_manager(client, personas):
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW, target_teams=[personas.team_a])
    client.force_login(personas.manager_a)
    client.post(reverse("posts:item_approve", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED


def test_item_approve_view_get_not_allowed(client, personas):
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW)
    client.force_login(personas.manager_a)
    assert client.get(reverse("posts:item_approve", args=[item.pk])).status_code == 405
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW


def test_item_approve_view_by_employee_forbidden(client, personas):
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW)
    client.force_login(personas.employee)
    assert client.post(reverse("posts:item_approve", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW


def test_item_reject_view_needs_reason(client, personas):
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW, target_teams=[personas.team_a])
    client.force_login(personas.manager_a)
    response = client.post(
        reverse("posts:item_reject", args=[item.pk]), {"reason": ""}, follow=True
    )
    assert "Reason: say why the item is rejected." in response.content.decode()
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW


def test_item_request_changes_view(client, personas):
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW, target_teams=[personas.team_a])
    client.force_login(personas.manager_a)
    client.post(reverse("posts:item_request_changes", args=[item.pk]), {"note": "Shorter"})
    item.refresh_from_db()
    assert (item.status, item.review_note) == (ContentStatus.CHANGES_REQUESTED, "Shorter")


def test_review_bulk_reject(client, personas):
    items = ContentItemFactory.create_batch(3, status=ContentStatus.IN_REVIEW)
    client.force_login(personas.admin)
    client.post(
        reverse("posts:review_bulk"),
        {"action": "reject", "reason": "Duplicate", "items": [i.pk for i in items[:2]]},
    )
    statuses = sorted(ContentItem.objects.values_list("status", flat=True))
    assert statuses == ["IN_REVIEW", "REJECTED", "REJECTED"]


def test_item_edit_view_changes_title(client, personas):
    item = ContentItemFactory(title="Before", target_teams=[personas.team_a])
    client.force_login(personas.manager_a)
    client.post(
        reverse("posts:item_edit", args=[item.pk]),
        {"url": item.url, "title_en": "After", "target_teams": [personas.team_a.pk]},
    )
    item.refresh_from_db()
    assert item.title == "After"


def test_item_preview_shows_draft_as_card(client, personas):
    item = ContentItemFactory(
        title="Draft card", status=ContentStatus.DRAFT, target_teams=[personas.team_a]
    )
    client.force_login(personas.manager_a)
    response = client.get(reverse("posts:item_preview", args=[item.pk]))
    assert "Draft card" in response.content.decode()


# --- Suggestions ---------------------------------------------------------------------------


def test_suggest_view_creates_suggestion(client, personas):
    client.force_login(personas.employee)
    response = client.post(
        reverse("posts:suggest"),
        {
            "url": "https://example.com/idea",
            "reason": "Relevant",
            "network": "LINKEDIN",
            "caption": "",
        },
    )
    assert response.status_code == 302
    item = ContentItem.objects.get()
    assert (item.status, item.suggested_by) == (ContentStatus.IN_REVIEW, personas.employee)


def test_suggest_view_refuses_javascript_url(client, personas):
    client.force_login(personas.employee)
    response = client.post(
        reverse("posts:suggest"), {"url": "javascript:alert(1)", "reason": "x", "network": "X"}
    )
    assert "URL: enter a web address" in response.context["form"].errors["url"][0]
    assert ContentItem.objects.count() == 0


def test_suggest_view_ignores_status_field(client, personas):
    client.force_login(personas.employee)
    client.post(
        reverse("posts:suggest"),
        {
            "url": "https://example.com/i",
            "reason": "x",
            "network": "X",
            "status": "APPROVED",
            "featured": "on",
        },
    )
    item = ContentItem.objects.get()
    assert (item.status, item.featured) == (ContentStatus.IN_REVIEW, False)


def test_my_suggestions_query_count_constant(client, personas, django_assert_max_num_queries):
    def suggest(n):
        for _ in range(n):
            item = ContentItemFactory(
                suggested_by=personas.employee, status=ContentStatus.IN_REVIEW
            )
            CaptionFactory(item=item)

    suggest(2)
    client.force_login(personas.employee)
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("posts:my_suggestions"))
    suggest(18)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("posts:my_suggestions"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20


def test_my_suggestions_lists_only_mine(client, personas):
    ContentItemFactory(title="Mine", suggested_by=personas.employee)
    ContentItemFactory(title="Theirs", suggested_by=personas.employee_b)
    client.force_login(personas.employee)
    response = client.get(reverse("posts:my_suggestions"))
    assert [i.title for i in response.context["page"].object_list] == ["Mine"]


# --- Comments ------------------------------------------------------------------------------


def test_comment_create_view(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    client.post(reverse("posts:comment_create", args=[item.pk]), {"body": "Question?"})
    assert Comment.objects.get().body == "Question?"


@pytest.mark.parametrize(
    "payload",
    [
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(x)">styled</p>',
    ],
)
def test_comment_markdown_renders_inert(client, personas, payload):
    item = ContentItemFactory()
    CommentFactory(item=item, body=payload)
    client.force_login(personas.employee)
    body = client.get(detail(item)).content.decode()
    section = body[body.index('id="comments"') :]
    for bad in ("onerror", "javascript:", "<script", "<iframe", "style="):
        assert bad not in section.lower()


def test_comment_removed_shows_placeholder(client, personas):
    item = ContentItemFactory()
    CommentFactory(item=item, body="Rude words")
    client.force_login(personas.manager_a)
    client.post(reverse("posts:comment_remove", args=[item.comments.get().pk]))
    body = client.get(detail(item)).content.decode()
    assert "Rude words" not in body
    assert "This comment was removed by a curator." in body


def test_comment_remove_view_by_employee_forbidden(client, personas):
    comment = CommentFactory(item=ContentItemFactory())
    client.force_login(personas.employee)
    assert client.post(reverse("posts:comment_remove", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert comment.removed_at is None


def test_comment_edit_view_by_author(client, personas):
    comment = CommentFactory(item=ContentItemFactory(), author=personas.employee)
    client.force_login(personas.employee)
    client.post(reverse("posts:comment_edit", args=[comment.pk]), {"body": "Better words"})
    comment.refresh_from_db()
    assert comment.body == "Better words"


def test_comment_edit_view_by_other_404(client, personas):
    comment = CommentFactory(item=ContentItemFactory(), author=personas.employee)
    client.force_login(personas.manager_a)
    assert client.get(reverse("posts:comment_edit", args=[comment.pk])).status_code == 404
    assert denied_events(personas.manager_a).get().target_type == "posts.comment"


def test_item_detail_comments_paginated_newest_last(client, personas):
    item = ContentItemFactory()
    comments = [CommentFactory(item=item, body=f"Comment {n}") for n in range(5)]
    client.force_login(personas.employee)
    content_views.COMMENT_PAGE_SIZE, original = 2, content_views.COMMENT_PAGE_SIZE
    try:
        last = client.get(detail(item))
        first = client.get(detail(item), {"comments": 1})
    finally:
        content_views.COMMENT_PAGE_SIZE = original
    assert list(last.context["comments_page"].object_list) == comments[4:]
    assert list(first.context["comments_page"].object_list) == comments[:2]
    assert 'href="?comments=2#comments"' in last.content.decode()


def test_item_detail_query_count_constant_with_comments(
    client, personas, django_assert_max_num_queries
):
    item = ContentItemFactory()
    CommentFactory.create_batch(3, item=item)
    client.force_login(personas.employee)
    with django_assert_max_num_queries(30) as small:
        client.get(detail(item))
    CommentFactory.create_batch(60, item=item)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(detail(item))
    assert len(response.context["comments_page"].object_list) == 13


# --- Feeds page ----------------------------------------------------------------------------


def test_feeds_page_admin_only(client, personas):
    client.force_login(personas.manager_a)
    assert client.get(reverse("posts:feeds")).status_code == 403


def test_feeds_page_shows_failing_reason(client, personas):
    FeedFactory(name="Blog", status="FAILING", last_error="Feed URL: the server took too long.")
    client.force_login(personas.admin)
    body = client.get(reverse("posts:feeds")).content.decode()
    assert "Feed URL: the server took too long." in body


def test_feeds_page_query_count_constant(client, personas, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            feed = FeedFactory(status="FAILING", last_error_code="HTTP_STATUS")
            ContentItemFactory(feed=feed)

    add(2)
    client.force_login(personas.admin)
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("posts:feeds"))
    add(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("posts:feeds"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 32


def test_feeds_page_shows_failure_in_viewer_language(client, personas):
    feed = FeedFactory(url="http://127.0.0.1:9/feed.xml")
    with translation.override("en"):
        feed_fetch(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.last_error == "Feed URL: The address points to a private or reserved network."
    personas.admin.language = "nb"
    personas.admin.save(update_fields=["language"])
    client.force_login(personas.admin)
    body = client.get(reverse("posts:feeds"), headers={"accept-language": "nb"}).content.decode()
    assert "Feed URL: The address points" not in body
    assert "Strømmens URL: Adressen peker til et privat eller reservert nettverk." in body


def test_feed_in_norwegian(client, personas):
    personas.employee.language = "nb"
    personas.employee.save(update_fields=["language"])
    client.force_login(personas.employee)
    body = client.get(FEED, headers={"accept-language": "nb"}).content.decode()
    assert "<h1>Bibliotek</h1>" in body
    assert "Ikke noe innhold å dele ennå" in body


# --- The "Share" link ------------------------------------------------------------------------


def test_feed_links_share_page(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    body = client.get(FEED).content.decode()
    assert f'href="/library/items/{item.pk}/share/"' in body


def test_item_detail_links_share_page(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    body = client.get(f"/library/items/{item.pk}/").content.decode()
    assert f'href="/library/items/{item.pk}/share/"' in body


def test_item_for_parent_team_reaches_sub_team_member(client, personas):
    platform = TeamFactory(name="Platform", parent=personas.team_a)
    member = UserFactory()
    MembershipFactory(team=platform, user=member)
    ContentItemFactory(title="For A and below", target_teams=[personas.team_a])
    client.force_login(member)
    assert feed_titles(client.get(FEED)) == ["For A and below"]


def test_item_for_sub_team_not_shown_to_parent_team_member(client, personas):
    platform = TeamFactory(name="Platform", parent=personas.team_a)
    ContentItemFactory(title="Platform only", target_teams=[platform])
    client.force_login(personas.employee)
    assert feed_titles(client.get(FEED)) == []
