"""Writes of comments: the internal discussion under each content item."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import User
from accounts.notifications import in_language_of, notification_deliver
from accounts.services import audit_record
from posts.models import Comment, ContentItem
from posts.selectors import item_is_moderatable
from posts.services.content import (
    ContentPermissionError,
    ContentTransitionError,
    ContentValidationError,
)
from posts.validators import comment_problem


def _check_comment(body: str) -> str:
    if problem := comment_problem(body):
        raise ContentValidationError(problem, field="body")
    return body.strip()


def comment_recipients(*, item: ContentItem, by: User) -> list[User]:
    """Who hears about a new comment on ``item``:

    - the curator who created it (``created_by``; for a suggestion that is the suggester);
    - the curator who approved it (``approved_by``);
    - the suggester, as its author (``suggested_by``);
    - for an item with neither creator nor approver (imported from a trusted feed), the
      admin who added the feed;
    - everyone who commented in the thread before (a reply).

    Never the commenter themself, nobody twice, nobody deactivated.
    """
    people = [item.created_by, item.approved_by, item.suggested_by]
    if item.created_by_id is None and item.approved_by_id is None and item.feed_id:
        people.append(item.feed.created_by)
    people += User.objects.filter(
        Exists(Comment.objects.visible().filter(item=item, author=OuterRef("pk")))
    ).order_by("pk")
    recipients: dict[int, User] = {}
    for person in people:
        if person is not None and person.pk != by.pk and person.is_active:
            recipients.setdefault(person.pk, person)
    return list(recipients.values())


@transaction.atomic
def comment_create(*, item: ContentItem, by: User, body: str) -> Comment:
    """``item`` must already be one ``by`` may see (the view loads it through a selector).
    The people of ``comment_recipients`` are notified, each in their own language."""
    comment = Comment.objects.create(item=item, author=by, body=_check_comment(body))
    url = reverse("posts:item_detail", args=[item.pk]) + f"#comment-{comment.pk}"
    for recipient in comment_recipients(item=item, by=by):
        with in_language_of(recipient):
            notification_deliver(
                recipient=recipient,
                kind="content_comment",
                title=_("New comment on %(title)s") % {"title": item.display_title},
                body=comment.body[:500],
                url=url,
            )
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, by: User, body: str) -> Comment:
    if comment.author_id != by.pk:
        raise ContentPermissionError(_("Only the author can edit a comment."))
    if comment.removed_at:
        raise ContentTransitionError(_("This comment was removed."))
    comment.body, comment.edited_at = _check_comment(body), timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def comment_remove(*, comment: Comment, by: User) -> Comment:
    """A curator of the item (or any manager, under content aimed at everyone) removes a
    comment; it stays in the thread as removed."""
    if not item_is_moderatable(user=by, item=comment.item):
        raise ContentPermissionError(_("You cannot remove comments under this item."))
    if comment.removed_at is None:
        comment.removed_at, comment.removed_by = timezone.now(), by
        comment.save(update_fields=["removed_at", "removed_by"])
        audit_record(
            actor=by,
            action=AuditAction.COMMENT_REMOVED,
            target=comment,
            detail={"item": comment.item_id},
        )
    return comment
