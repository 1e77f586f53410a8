"""The review workflow of content items: submit, approve, reject, request changes, archive,
and the bulk actions of the review queue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import AuditAction
from accounts.models import User
from accounts.notifications import in_language_of, notification_deliver
from accounts.services import audit_record
from posts.models import ContentItem, ContentStatus
from posts.selectors import approval_needs_another, items_curatable
from posts.services.content.errors import (
    ContentError,
    ContentPermissionError,
    ContentTransitionError,
    ContentValidationError,
)
from posts.services.content.items import curator_require


def _notify_outcome(item: ContentItem, *, title, body="") -> None:
    """Tell the suggester (or the author, when someone else decided) what happened.

    ``title`` is a (lazy) message with a ``%(title)s`` placeholder and ``body`` a lazy
    message or someone's own words; both are rendered in the recipient's language.
    """
    recipient = item.suggested_by or item.created_by
    if recipient is None:
        return
    with in_language_of(recipient):
        notification_deliver(
            recipient=recipient,
            kind="content_review",
            title=str(title) % {"title": item.display_title},
            body=str(body),
            url=reverse("posts:item_detail", args=[item.pk]),
        )


def content_transition(item: ContentItem, *, allowed_from: set[str]) -> ContentItem:
    """Lock the row and check its current status; returns the fresh row."""
    locked = ContentItem.objects.select_for_update().get(pk=item.pk)
    if locked.status not in allowed_from:
        raise ContentTransitionError(
            _("This item is %(status)s and cannot be changed that way.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


@transaction.atomic
def content_submit(*, item: ContentItem, by: User) -> ContentItem:
    """Draft or "changes requested" → in review, by its author, suggester or a curator."""
    is_owner = by.pk in (item.created_by_id, item.suggested_by_id)
    if not is_owner:
        curator_require(user=by, item=item)
    item = content_transition(
        item, allowed_from={ContentStatus.DRAFT, ContentStatus.CHANGES_REQUESTED}
    )
    item.status = ContentStatus.IN_REVIEW
    item.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action=AuditAction.CONTENT_SUBMITTED, target=item)
    return item


@transaction.atomic
def content_approve(*, item: ContentItem, by: User) -> ContentItem:
    curator_require(user=by, item=item)
    item = content_transition(item, allowed_from={ContentStatus.DRAFT, ContentStatus.IN_REVIEW})
    if approval_needs_another(user=by, item=item):
        raise ContentPermissionError(
            _(
                "Two people approve: someone other than the person who created or suggested "
                "this item must approve it."
            )
        )
    if not item.title:
        raise ContentValidationError(_("Title: add a title before approving."), field="title")
    item.status = ContentStatus.APPROVED
    item.approved_by, item.approved_at = by, timezone.now()
    item.review_note = ""
    item.save(update_fields=["status", "approved_by", "approved_at", "review_note", "updated_at"])
    audit_record(actor=by, action=AuditAction.CONTENT_APPROVED, target=item)
    if item.suggested_by_id and item.suggested_by_id != by.pk:
        _notify_outcome(
            item,
            title=gettext_lazy("Your suggestion was approved: %(title)s"),
            body=gettext_lazy("Thank you — colleagues can now share it, with your name on it."),
        )
    return item


def _send_back(
    item: ContentItem,
    *,
    by: User,
    field: str,
    note: str,
    missing: str,
    allowed_from: set[str],
    status: str,
    action: str,
    title,
) -> ContentItem:
    """Reject or ask for changes: the status, the curator's note (``missing`` when there is
    none), the audit row, and the author told (unless they decided themself)."""
    curator_require(user=by, item=item)
    note = (note or "").strip()
    if not note:
        raise ContentValidationError(missing, field=field)
    item = content_transition(item, allowed_from=allowed_from)
    item.status, item.review_note = status, note
    item.save(update_fields=["status", "review_note", "updated_at"])
    audit_record(actor=by, action=action, target=item, detail={field: note})
    if (item.suggested_by_id or item.created_by_id) != by.pk:
        _notify_outcome(item, title=title, body=note)
    return item


@transaction.atomic
def content_reject(*, item: ContentItem, by: User, reason: str) -> ContentItem:
    return _send_back(
        item,
        by=by,
        field="reason",
        note=reason,
        missing=_("Reason: say why the item is rejected."),
        allowed_from={ContentStatus.DRAFT, ContentStatus.IN_REVIEW},
        status=ContentStatus.REJECTED,
        action=AuditAction.CONTENT_REJECTED,
        title=gettext_lazy("Not approved: %(title)s"),
    )


@transaction.atomic
def content_request_changes(*, item: ContentItem, by: User, note: str) -> ContentItem:
    return _send_back(
        item,
        by=by,
        field="note",
        note=note,
        missing=_("Note: say what should change."),
        allowed_from={ContentStatus.IN_REVIEW},
        status=ContentStatus.CHANGES_REQUESTED,
        action=AuditAction.CONTENT_CHANGES_REQUESTED,
        title=gettext_lazy("Changes requested: %(title)s"),
    )


@transaction.atomic
def content_archive(*, item: ContentItem, by: User | None) -> ContentItem:
    """Approved → archived: by a curator, or by the periodic expiry (``by`` None)."""
    if by is not None:
        curator_require(user=by, item=item)
    item = content_transition(item, allowed_from={ContentStatus.APPROVED})
    item.status = ContentStatus.ARCHIVED
    item.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        action=AuditAction.CONTENT_ARCHIVED,
        target=item,
        detail={} if by else {"reason": "expired"},
    )
    return item


def content_archive_expired(*, now: datetime | None = None) -> int:
    """Archive every approved item past its expire-at; returns how many."""
    now = now or timezone.now()
    ids = list(
        ContentItem.objects.approved()
        .filter(expire_at__isnull=False, expire_at__lte=now)
        .values_list("pk", flat=True)
    )
    archived = 0
    for item_id in ids:
        with transaction.atomic():
            # Claimed with a conditional UPDATE: a second worker finds nothing to do.
            claimed = ContentItem.objects.filter(
                pk=item_id, status=ContentStatus.APPROVED, expire_at__lte=now
            ).update(status=ContentStatus.ARCHIVED, updated_at=now)
            if claimed:
                item = ContentItem.objects.get(pk=item_id)
                audit_record(
                    actor=None,
                    action=AuditAction.CONTENT_ARCHIVED,
                    target=item,
                    detail={"reason": "expired"},
                )
                archived += 1
    return archived


BULK_ACTIONS = {
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "archive": gettext_lazy("Archive"),
}


def content_bulk_action(
    *, by: User, item_ids: Iterable[int], action: str, reason: str = ""
) -> tuple[int, int]:
    """Apply ``action`` to each item; returns (done, skipped). Each item is its own
    transaction, so one item that cannot move does not undo the others."""
    if action not in BULK_ACTIONS:
        raise ContentValidationError(
            _("Action: choose approve, reject or archive."), field="action"
        )
    curator_require(user=by)
    if action == "reject" and not reason.strip():
        raise ContentValidationError(_("Reason: say why the items are rejected."), field="reason")
    items = list(items_curatable(user=by).filter(pk__in=list(item_ids)))
    done = skipped = 0
    for item in items:
        try:
            if action == "approve":
                content_approve(item=item, by=by)
            elif action == "reject":
                content_reject(item=item, by=by, reason=reason)
            else:
                content_archive(item=item, by=by)
            done += 1
        except ContentError:
            skipped += 1
    return done, skipped + (len(set(item_ids)) - len(items))
