"""Workflow services: every transition, the forbidden ones, suggestions, comments, expiry."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import AuditEvent, Notification
from ambassador.celery import app
from ambassador.networks import CAPTION_LIMITS, Network
from posts.models import ContentItem, ContentStatus
from posts.services import comments as comment_services
from posts.services import content as services
from posts.services import suggestions as suggestion_services
from tests.posts.conftest import make_png
from tests.posts.factories import CommentFactory, ContentItemFactory, FeedFactory

pytestmark = pytest.mark.django_db


def in_review(**kwargs):
    return ContentItemFactory(status=ContentStatus.IN_REVIEW, approved_at=None, **kwargs)


def company_curator(user):
    """``user`` (a manager) named a company-wide curator: content for everyone is theirs too."""
    user.company_curator = True
    user.save(update_fields=["company_curator"])
    return user


def test_content_create_draft_by_manager(personas):
    item = services.content_create(
        by=personas.manager_a,
        url="https://example.com/news",
        title="News",
        target_everyone=False,
        target_teams=[personas.team_a],
        captions={(Network.LINKEDIN, "en"): "Read this", (Network.X, "nb"): "Les dette"},
    )
    assert item.status == ContentStatus.DRAFT
    assert item.created_by == personas.manager_a
    assert sorted(item.captions.values_list("network", "language")) == [
        ("LINKEDIN", "en"),
        ("X", "nb"),
    ]


def test_content_create_submit_enters_review(personas):
    item = services.content_create(
        by=personas.admin, url="https://example.com/a", title="A", submit=True
    )
    assert item.status == ContentStatus.IN_REVIEW


def test_content_create_by_employee_forbidden(personas):
    with pytest.raises(services.ContentPermissionError):
        services.content_create(by=personas.employee, url="https://example.com/a", title="A")
    assert ContentItem.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<script>x</script>", "ftp://example.com/x", "example"],
)
def test_content_create_bad_url_refused(personas, url):
    with pytest.raises(services.ContentValidationError) as exc:
        services.content_create(by=personas.admin, url=url, title="A")
    assert exc.value.field == "url"
    assert ContentItem.objects.count() == 0


def test_content_create_caption_over_limit_refused(personas):
    text = "x" * (CAPTION_LIMITS[Network.X] + 1)
    with pytest.raises(services.ContentValidationError) as exc:
        services.content_create(
            by=personas.admin, url="https://example.com/a", captions={(Network.X, "en"): text}
        )
    assert exc.value.field == "caption_x_en"
    assert str(exc.value) == (
        "X caption (English): The caption is 305 characters; X allows 280. Shorten it by 25."
    )
    assert ContentItem.objects.count() == 0


def test_content_create_expire_before_publish_refused(personas):
    now = timezone.now()
    with pytest.raises(services.ContentValidationError) as exc:
        services.content_create(
            by=personas.admin,
            url="https://example.com/a",
            publish_at=now,
            expire_at=now - timedelta(hours=1),
        )
    assert exc.value.field == "expire_at"


def test_content_create_image_not_an_image_refused(personas):
    with pytest.raises(services.ContentValidationError) as exc:
        services.content_create(
            by=personas.admin, url="https://example.com/a", image=b"GIF89a not really"
        )
    assert exc.value.field == "image"


def test_content_create_stores_uploaded_image(personas):
    item = services.content_create(
        by=personas.admin, url="https://example.com/a", title="A", image=make_png()
    )
    assert item.image.name.endswith(".png")


def test_content_create_manager_cannot_target_other_team(personas):
    with pytest.raises(services.ContentPermissionError):
        services.content_create(
            by=personas.manager_a,
            url="https://example.com/a",
            target_everyone=False,
            target_teams=[personas.team_b],
        )


def test_content_approve_records_who_and_when(personas):
    item = in_review(target_teams=[personas.team_a])
    services.content_approve(item=item, by=personas.manager_a)
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED
    assert item.approved_by == personas.manager_a
    assert item.approved_at is not None
    event = AuditEvent.objects.get(action="CONTENT_APPROVED")
    assert (event.actor, event.target_id) == (personas.manager_a, str(item.pk))


def test_content_approve_by_employee_forbidden(personas):
    item = in_review()
    with pytest.raises(services.ContentPermissionError):
        services.content_approve(item=item, by=personas.employee)
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW


def test_content_approve_by_manager_of_other_team_forbidden(personas):
    item = in_review(target_teams=[personas.team_a])
    with pytest.raises(services.ContentPermissionError):
        services.content_approve(item=item, by=personas.manager_b)


@pytest.mark.parametrize(
    "status",
    [
        ContentStatus.REJECTED,
        ContentStatus.ARCHIVED,
        ContentStatus.APPROVED,
        ContentStatus.CHANGES_REQUESTED,
    ],
)
def test_content_approve_from_wrong_status_forbidden(personas, status):
    item = ContentItemFactory(status=status)
    with pytest.raises(services.ContentTransitionError):
        services.content_approve(item=item, by=personas.admin)


def test_content_reject_keeps_reason_and_tells_suggester(personas):
    item = in_review(suggested_by=personas.employee, created_by=personas.employee)
    services.content_reject(
        item=item, by=company_curator(personas.manager_a), reason="Off-topic for us"
    )
    item.refresh_from_db()
    assert (item.status, item.review_note) == (ContentStatus.REJECTED, "Off-topic for us")
    note = Notification.objects.get(recipient=personas.employee)
    assert note.body == "Off-topic for us"


def test_content_reject_without_reason_refused(personas):
    item = in_review()
    with pytest.raises(services.ContentValidationError) as exc:
        services.content_reject(item=item, by=personas.admin, reason="  ")
    assert exc.value.field == "reason"


def test_content_request_changes_sends_back_with_note(personas):
    item = in_review(created_by=personas.manager_a)
    services.content_request_changes(item=item, by=personas.admin, note="Add a Norwegian caption")
    item.refresh_from_db()
    assert item.status == ContentStatus.CHANGES_REQUESTED
    assert Notification.objects.get(recipient=personas.manager_a).body == "Add a Norwegian caption"


def test_content_request_changes_on_draft_forbidden(personas):
    item = ContentItemFactory(status=ContentStatus.DRAFT)
    with pytest.raises(services.ContentTransitionError):
        services.content_request_changes(item=item, by=personas.admin, note="x")


def test_content_submit_after_changes_requested(personas):
    item = ContentItemFactory(status=ContentStatus.CHANGES_REQUESTED, created_by=personas.manager_a)
    services.content_submit(item=item, by=personas.manager_a)
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW


def test_content_submit_of_approved_forbidden(personas):
    item = ContentItemFactory(created_by=personas.manager_a)
    with pytest.raises(services.ContentTransitionError):
        services.content_submit(item=item, by=personas.manager_a)


def test_content_submit_by_stranger_forbidden(personas):
    item = ContentItemFactory(status=ContentStatus.DRAFT, created_by=personas.manager_a)
    with pytest.raises(services.ContentPermissionError):
        services.content_submit(item=item, by=personas.employee_b)


def test_content_archive_approved(personas):
    item = ContentItemFactory()
    services.content_archive(item=item, by=personas.admin)
    item.refresh_from_db()
    assert item.status == ContentStatus.ARCHIVED


def test_content_archive_of_draft_forbidden(personas):
    item = ContentItemFactory(status=ContentStatus.DRAFT)
    with pytest.raises(services.ContentTransitionError):
        services.content_archive(item=item, by=personas.admin)


def test_content_archive_expired_archives_only_expired(db):
    past = timezone.now() - timedelta(days=2)
    expired = ContentItemFactory(publish_at=past, expire_at=past + timedelta(days=1))
    current = ContentItemFactory(expire_at=timezone.now() + timedelta(days=1))
    assert services.content_archive_expired() == 1
    expired.refresh_from_db()
    current.refresh_from_db()
    assert (expired.status, current.status) == (ContentStatus.ARCHIVED, ContentStatus.APPROVED)


def test_content_archive_expired_twice_archives_once(db):
    past = timezone.now() - timedelta(days=2)
    ContentItemFactory(publish_at=past, expire_at=past + timedelta(days=1))
    services.content_archive_expired()
    assert services.content_archive_expired() == 0
    assert AuditEvent.objects.filter(action="CONTENT_ARCHIVED").count() == 1


def test_content_update_keeps_status(personas):
    item = ContentItemFactory()
    services.content_update(item=item, by=personas.admin, url=item.url, title="New title")
    item.refresh_from_db()
    assert (item.title, item.status) == ("New title", ContentStatus.APPROVED)


def test_content_bulk_action_approves_and_skips(personas):
    ready = in_review()
    rejected = ContentItemFactory(status=ContentStatus.REJECTED)
    done, skipped = services.content_bulk_action(
        by=personas.admin, item_ids=[ready.pk, rejected.pk], action="approve"
    )
    assert (done, skipped) == (1, 1)
    ready.refresh_from_db()
    assert ready.status == ContentStatus.APPROVED


def test_content_bulk_action_by_employee_forbidden(personas):
    item = in_review()
    with pytest.raises(services.ContentPermissionError):
        services.content_bulk_action(by=personas.employee, item_ids=[item.pk], action="approve")


def test_suggestion_create_enters_review_with_credit(personas):
    item = suggestion_services.suggestion_create(
        by=personas.employee,
        url="https://example.com/great",
        reason="Our CTO is quoted",
        network=Network.MASTODON,
        caption="Worth a read",
    )
    assert item.status == ContentStatus.IN_REVIEW
    assert item.suggested_by == personas.employee
    assert item.captions.get().network == Network.MASTODON


def test_suggestion_create_caption_over_limit_refused(personas):
    with pytest.raises(services.ContentValidationError) as exc:
        suggestion_services.suggestion_create(
            by=personas.employee,
            url="https://example.com/great",
            reason="Good",
            network=Network.BLUESKY,
            caption="x" * 301,
        )
    assert exc.value.field == "caption"
    assert ContentItem.objects.count() == 0


def test_suggestion_approved_notifies_suggester(personas):
    item = suggestion_services.suggestion_create(
        by=personas.employee, url="https://example.com/great", reason="Good"
    )
    ContentItem.objects.filter(pk=item.pk).update(title="Great")
    item.refresh_from_db()
    services.content_approve(item=item, by=company_curator(personas.manager_a))
    note = Notification.objects.get(recipient=personas.employee)
    assert note.kind == "content_review"
    assert "Great" in note.title


def test_suggestion_update_resubmits(personas):
    item = ContentItemFactory(
        status=ContentStatus.CHANGES_REQUESTED, suggested_by=personas.employee
    )
    suggestion_services.suggestion_update(
        item=item, by=personas.employee, url="https://example.com/better", reason="Better"
    )
    item.refresh_from_db()
    assert (item.status, item.url) == (ContentStatus.IN_REVIEW, "https://example.com/better")


def test_comment_create_notifies_curator(personas):
    item = ContentItemFactory(created_by=personas.manager_a)
    comment_services.comment_create(item=item, by=personas.employee, body="How did it go?")
    note = Notification.objects.get(recipient=personas.manager_a)
    assert note.kind == "content_comment"


def test_comment_create_own_item_no_notification(personas):
    item = ContentItemFactory(created_by=personas.manager_a)
    comment_services.comment_create(item=item, by=personas.manager_a, body="Note to self")
    assert Notification.objects.count() == 0


def test_comment_create_empty_refused(personas):
    with pytest.raises(services.ContentValidationError):
        comment_services.comment_create(item=ContentItemFactory(), by=personas.employee, body="   ")


def test_comment_update_by_author(personas):
    comment = CommentFactory(author=personas.employee)
    comment_services.comment_update(comment=comment, by=personas.employee, body="Edited")
    comment.refresh_from_db()
    assert comment.body == "Edited"
    assert comment.edited_at is not None


def test_comment_update_by_other_forbidden(personas):
    comment = CommentFactory(author=personas.employee)
    with pytest.raises(services.ContentPermissionError):
        comment_services.comment_update(comment=comment, by=personas.manager_a, body="Hijack")


def test_comment_remove_by_manager(personas):
    comment = CommentFactory(author=personas.employee)
    comment_services.comment_remove(comment=comment, by=personas.manager_a)
    comment.refresh_from_db()
    assert comment.removed_by == personas.manager_a
    assert AuditEvent.objects.filter(action="COMMENT_REMOVED").count() == 1


def test_comment_remove_by_employee_forbidden(personas):
    comment = CommentFactory(author=personas.employee)
    with pytest.raises(services.ContentPermissionError):
        comment_services.comment_remove(comment=comment, by=personas.employee)


def test_content_update_by_manager_keeps_other_teams_targeting(personas):
    item = ContentItemFactory(target_teams=[personas.team_a, personas.team_b])
    services.content_update(
        item=item,
        by=personas.manager_a,
        url=item.url,
        title="Edited",
        target_everyone=False,
        target_teams=[personas.team_a],
    )
    assert set(item.target_teams.all()) == {personas.team_a, personas.team_b}


# --- Notifications in the recipient's language ---------------------------------------------


def _speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_suggestion_approved_by_norwegian_manager_notifies_in_english(personas):
    _speaks(personas.employee, "en")
    item = in_review(title="Great", suggested_by=personas.employee)
    with translation.override("nb"):
        services.content_approve(item=item, by=_speaks(company_curator(personas.manager_a), "nb"))
    note = Notification.objects.get(recipient=personas.employee)
    assert note.title == "Your suggestion was approved: Great"
    assert note.body == "Thank you — colleagues can now share it, with your name on it."


def test_suggestion_approved_by_english_manager_notifies_in_norwegian(personas):
    _speaks(personas.employee, "nb")
    item = in_review(title="Great", suggested_by=personas.employee)
    with translation.override("en"):
        services.content_approve(item=item, by=_speaks(company_curator(personas.manager_a), "en"))
    note = Notification.objects.get(recipient=personas.employee)
    assert note.title == "Forslaget ditt ble godkjent: Great"


@pytest.mark.parametrize(
    ("action", "kwargs", "english"),
    [
        ("content_reject", {"reason": "Off-brand"}, "Not approved: Great"),
        ("content_request_changes", {"note": "Shorter"}, "Changes requested: Great"),
    ],
)
def test_review_outcome_notification_in_recipient_language(personas, action, kwargs, english):
    _speaks(personas.employee, "en")
    item = in_review(title="Great", suggested_by=personas.employee)
    with translation.override("nb"):
        curator = _speaks(company_curator(personas.manager_a), "nb")
        getattr(services, action)(item=item, by=curator, **kwargs)
    note = Notification.objects.get(recipient=personas.employee)
    assert (note.title, note.body) == (english, next(iter(kwargs.values())))


def test_comment_notification_in_recipient_language(personas):
    item = ContentItemFactory(title="Great", created_by=_speaks(personas.manager_a, "en"))
    with translation.override("nb"):
        comment_services.comment_create(item=item, by=_speaks(personas.employee, "nb"), body="Hei!")
    assert Notification.objects.get(recipient=personas.manager_a).title == "New comment on Great"


# --- Who hears about a comment -------------------------------------------------------------


def test_comment_on_suggestion_notifies_suggester_and_approver(personas):
    item = ContentItemFactory(
        created_by=personas.employee,
        suggested_by=personas.employee,
        approved_by=personas.manager_a,
    )
    comment_services.comment_create(item=item, by=personas.employee_b, body="Nice find")
    assert sorted(Notification.objects.values_list("recipient__email", flat=True)) == sorted(
        [personas.employee.email, personas.manager_a.email]
    )


def test_comment_on_feed_item_notifies_approver(personas):
    item = ContentItemFactory(feed=FeedFactory(), approved_by=personas.manager_a)
    comment_services.comment_create(item=item, by=personas.employee, body="Question")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [personas.manager_a.pk]


def test_comment_on_trusted_feed_item_notifies_feed_creator(personas):
    item = ContentItemFactory(feed=FeedFactory(created_by=personas.admin), approved_by=None)
    comment_services.comment_create(item=item, by=personas.employee, body="Question")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [personas.admin.pk]


def test_comment_never_notifies_the_commenter(personas):
    item = ContentItemFactory(
        created_by=personas.manager_a,
        approved_by=personas.manager_a,
        suggested_by=personas.employee,
    )
    comment_services.comment_create(item=item, by=personas.manager_a, body="Thanks all")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [personas.employee.pk]


# --- The preview task is enqueued only on commit: a rolled-back request enqueues nothing ---


@pytest.fixture
def eager_celery():
    """Run tasks in-process when enqueued, so the test can see whether they ran."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_content_create_enqueues_preview_only_on_commit(
    personas, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = services.content_create(by=personas.admin, url="http://127.0.0.1:9/x")
    item.refresh_from_db()
    assert (len(callbacks), item.preview_fetched_at) == (1, None)
    callbacks[0]()
    item.refresh_from_db()
    assert item.preview_fetched_at is not None


def test_suggestion_create_enqueues_preview_only_on_commit(
    personas, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = suggestion_services.suggestion_create(
            by=personas.employee, url="http://127.0.0.1:9/x", reason="Good"
        )
    item.refresh_from_db()
    assert (len(callbacks), item.preview_fetched_at) == (1, None)
    callbacks[0]()
    item.refresh_from_db()
    assert item.preview_fetched_at is not None


@pytest.mark.parametrize(
    "create",
    [services.content_create, suggestion_services.suggestion_create],
    ids=lambda f: f.__name__,
)
def test_rolled_back_create_enqueues_nothing(
    personas, eager_celery, django_capture_on_commit_callbacks, create
):
    kwargs = (
        {"by": personas.admin, "url": "https://example.com/x"}
        if create is services.content_create
        else {"by": personas.employee, "url": "https://example.com/x", "reason": "Good"}
    )
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        create(**kwargs)
        raise RuntimeError("the request fails after the create")
    assert callbacks == []
    assert ContentItem.objects.count() == 0
