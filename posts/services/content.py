"""Writes of content items: creation and edits by curators, the approval workflow, bulk
actions, and the periodic archive of expired items (employees' suggestions: ``suggestions``).

Every function is keyword-only, atomic, and raises a ``ContentError`` subclass for an
expected failure.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import AuditAction
from accounts.models import Team, User
from accounts.notifications import in_language_of, notification_deliver
from accounts.selectors import access_for
from accounts.services import audit_record
from ambassador import translated
from posts.models import Caption, ContentItem, ContentStatus, Topic
from posts.selectors import (
    approval_needs_another,
    caption_problems,
    item_is_curatable,
    items_curatable,
)
from posts.tracked_links import tracked_links_forget
from posts.validators import (
    content_url_problem,
    image_extension,
    image_problem,
    window_problem,
)


class ContentError(Exception):
    """An expected failure in the library; the message is translated and shown."""


class ContentPermissionError(ContentError):
    pass


class ContentTransitionError(ContentError):
    pass


class ContentValidationError(ContentError):
    def __init__(self, message, *, field: str = ""):
        super().__init__(message)
        self.field = field


# --- Helpers the other entities of posts use too ----------------------------------------------


def content_url_clean(url: str) -> str:
    """``url`` without surrounding blanks, or ``ContentValidationError`` (see the validator)."""
    if problem := content_url_problem(url):
        raise ContentValidationError(problem, field="url")
    return (url or "").strip()


def content_slug_new(text: str) -> str:
    base = slugify(text)[:100] or "item"
    return f"{base}-{secrets.token_hex(4)}"


def content_image_store(item: ContentItem, data: bytes, source_url: str = "") -> None:
    """Put an image ``image_problem`` accepted on ``item`` (saved with the item)."""
    item.image.save(f"{item.slug}.{image_extension(data)}", ContentFile(data), save=False)
    item.image_source_url = source_url


def content_preview_enqueue(item: ContentItem) -> None:
    """Fetch the item's link preview once the surrounding transaction commits."""
    from posts.tasks import fetch_link_preview  # noqa: PLC0415 — posts.tasks imports the services

    item_id = item.pk
    transaction.on_commit(lambda: fetch_link_preview.delay(item_id))


def curator_require(*, user: User, item: ContentItem | None = None) -> None:
    if not access_for(user=user).may_curate:
        raise ContentPermissionError(_("Only managers and admins can curate content."))
    if item is not None and not item_is_curatable(user=user, item=item):
        raise ContentPermissionError(_("You cannot curate this item."))


# --- Checks ----------------------------------------------------------------------------------


def _check_captions(captions: dict[tuple[str, str], str]) -> None:
    problems = caption_problems(captions=captions)
    if problems:
        (network, language), problem = next(iter(problems.items()))
        raise ContentValidationError(problem, field=f"caption_{network.lower()}_{language}")


def _check_targets(*, user: User, target_everyone: bool, target_teams: list[Team]) -> None:
    if not target_everyone and not target_teams:
        raise ContentValidationError(
            _("Target teams: choose at least one team, or target everyone."), field="target_teams"
        )
    access = access_for(user=user)
    if target_everyone and not access.may_curate_everyone:
        raise ContentPermissionError(
            _(
                "For everyone: only admins and company-wide curators can aim content at "
                "everyone. Choose the teams you manage."
            )
        )
    if access.is_admin:
        return
    if any(not access.manages(team.pk) for team in target_teams):
        raise ContentPermissionError(_("Target teams: you can only target teams you manage."))


def _check_item(
    by: User,
    publish_at: datetime | None,
    expire_at: datetime | None,
    captions: dict[tuple[str, str], str],
    target_everyone: bool,
    target_teams: list[Team],
    image: bytes | None,
    /,
) -> None:
    """What a curator's create and edit both check, besides the URL."""
    if problem := window_problem(publish_at, expire_at):
        raise ContentValidationError(problem, field="expire_at")
    _check_captions(captions)
    _check_targets(user=by, target_everyone=target_everyone, target_teams=target_teams)
    if image is not None and (problem := image_problem(image)):
        raise ContentValidationError(problem, field="image")


def _set_captions(item: ContentItem, captions: dict[tuple[str, str], str]) -> None:
    for (network, language), text in captions.items():
        text = (text or "").strip()
        if text:
            Caption.objects.update_or_create(
                item=item, network=network, language=language, defaults={"text": text}
            )
        else:
            Caption.objects.filter(item=item, network=network, language=language).delete()


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


# --- Content items ---------------------------------------------------------------------------


ITEM_TEXTS = set(translated.localized_fields("title", "summary"))


def _item_texts(
    *, title: str | None, summary: str | None, texts: Mapping[str, str] | None
) -> dict[str, str]:
    """The title and summary per language column; the plain ones are the default language's
    (None: unchanged)."""
    unknown = set(texts or {}) - ITEM_TEXTS
    if unknown:
        raise ValueError(f"Unknown item texts: {sorted(unknown)}")
    default = translated.default_language()
    result = {}
    if title is not None:
        result[translated.localized("title", default)] = title
    if summary is not None:
        result[translated.localized("summary", default)] = summary
    result.update(texts or {})
    return {name: (text or "").strip() for name, text in result.items()}


def _apply_texts(item: ContentItem, texts: Mapping[str, str]) -> None:
    for name, text in texts.items():
        setattr(item, name, text)


def _slug_source(texts: Mapping[str, str]) -> str:
    default = translated.default_language()
    names = [translated.localized("title", default), *translated.localized_fields("title")]
    return next((texts[name] for name in names if texts.get(name)), "")


@transaction.atomic
def content_create(
    *,
    by: User,
    url: str,
    title: str = "",
    summary: str = "",
    image: bytes | None = None,
    topics: Iterable[Topic] = (),
    target_everyone: bool = True,
    target_teams: Iterable[Team] = (),
    publish_at: datetime | None = None,
    expire_at: datetime | None = None,
    caption_editable: bool = True,
    featured: bool = False,
    captions: dict[tuple[str, str], str] | None = None,
    submit: bool = False,
    texts: Mapping[str, str] | None = None,
) -> ContentItem:
    """A curator adds an item (a draft, or straight into review with ``submit``).

    ``title`` and ``summary`` are the default language's; ``texts`` gives them per language
    (``title_nb``, ``summary_en``, …) and wins over them.
    """
    curator_require(user=by)
    texts = _item_texts(title=title, summary=summary, texts=texts)
    captions = captions or {}
    target_teams = list(target_teams)
    url = content_url_clean(url)
    _check_item(by, publish_at, expire_at, captions, target_everyone, target_teams, image)
    item = ContentItem(
        url=url,
        slug=content_slug_new(_slug_source(texts) or urlsplit(url).hostname or ""),
        target_everyone=target_everyone,
        publish_at=publish_at,
        expire_at=expire_at,
        caption_editable=caption_editable,
        featured=featured,
        status=ContentStatus.IN_REVIEW if submit else ContentStatus.DRAFT,
        created_by=by,
    )
    _apply_texts(item, texts)
    if image is not None:
        content_image_store(item, image)
    translated.save_in_default_language(item)
    item.topics.set(topics)
    item.target_teams.set([] if target_everyone else target_teams)
    _set_captions(item, captions)
    audit_record(actor=by, action=AuditAction.CONTENT_CREATED, target=item)
    if not (item.title and item.summary and item.image):
        content_preview_enqueue(item)
    return item


@transaction.atomic
def content_update(
    *,
    item: ContentItem,
    by: User,
    url: str,
    title: str | None = None,
    summary: str | None = None,
    image: bytes | None = None,
    remove_image: bool = False,
    topics: Iterable[Topic] = (),
    target_everyone: bool = True,
    target_teams: Iterable[Team] = (),
    publish_at: datetime | None = None,
    expire_at: datetime | None = None,
    caption_editable: bool = True,
    featured: bool = False,
    captions: dict[tuple[str, str], str] | None = None,
    texts: Mapping[str, str] | None = None,
) -> ContentItem:
    """A curator edits an item; the workflow status does not change.

    ``title`` and ``summary`` are the default language's; ``texts`` gives them per language
    and wins over them. A language left out of ``texts`` keeps its text.
    """
    curator_require(user=by, item=item)
    texts = _item_texts(title=title, summary=summary, texts=texts)
    if item.status == ContentStatus.ARCHIVED:
        raise ContentTransitionError(_("Archived items cannot be edited."))
    captions = captions or {}
    target_teams = list(target_teams)
    url = content_url_clean(url)
    _check_item(by, publish_at, expire_at, captions, target_everyone, target_teams, image)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    access = access_for(user=by)
    if not access.is_admin and not target_everyone:
        # A manager only sees their own teams in the form: keep the other teams' targeting.
        target_teams += list(item.target_teams.exclude(id__in=access.managed_team_ids))
    old_url, was_approved = item.url, item.status == ContentStatus.APPROVED
    url_changed = old_url != url
    item.url = url
    _apply_texts(item, texts)
    item.target_everyone, item.publish_at, item.expire_at = target_everyone, publish_at, expire_at
    item.caption_editable, item.featured = caption_editable, featured
    if image is not None:
        content_image_store(item, image)
    elif remove_image:
        item.image, item.image_source_url = "", ""
    translated.save_in_default_language(item)
    item.topics.set(topics)
    item.target_teams.set([] if target_everyone else target_teams)
    _set_captions(item, captions)
    if url_changed:
        # Tracked links resolve through a cache: send the next click to the new address.
        tracked_links_forget(item_id=item.pk)
    audit_record(actor=by, action=AuditAction.CONTENT_EDITED, target=item)
    if url_changed and was_approved:
        # Every tracked link shared for the item now leads somewhere else: say where from.
        audit_record(
            actor=by,
            action=AuditAction.CONTENT_URL_CHANGED,
            target=item,
            detail={"old_url": old_url, "new_url": url},
        )
    return item


# --- The workflow ----------------------------------------------------------------------------


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
