"""Writes for the library area of posts: content items and their workflow, suggestions,
comments, RSS/Atom import and link previews.

Every function is keyword-only, atomic, and raises a ``ContentError`` subclass for an
expected failure. Network fetches happen OUTSIDE transactions (through
``ambassador.fetch``); only the writes that follow are atomic.
"""

from __future__ import annotations

import html
import io
import logging
import random
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import AuditAction
from accounts.models import Team, User
from accounts.selectors import teams_managed_by, user_is_manager
from accounts.services import audit_record, notification_create
from ambassador import fetch as safe_fetch
from posts.models import Caption, Comment, ContentItem, ContentStatus, Feed, FeedStatus, Topic
from posts.models.feeds import feed_error_message
from posts.networks import CAPTION_LIMITS, Network, caption_length
from posts.services.sharing import tracked_links_forget

logger = logging.getLogger(__name__)

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
FEED_BACKOFF_BASE = timedelta(minutes=15)
FEED_BACKOFF_MAX = timedelta(hours=24)
FEED_INTERVAL = timedelta(hours=1)
# How long a claimed feed fetch keeps other workers away (longer than a fetch can take).
FEED_CLAIM_LEASE = timedelta(minutes=10)


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


class FeedError(ContentError):
    """A feed cannot be read. ``code`` and ``params`` (see ``FEED_ERROR_MESSAGES``) are
    stored on the feed, so the reason can be shown in each reader's language."""

    def __init__(self, code: str, params: dict | None = None):
        self.code, self.params = code, dict(params or {})
        super().__init__(feed_error_message(code, self.params))


# --- Validation shared by forms and services ------------------------------------------------


def validate_content_url(url: str) -> str:
    """http(s) only: ``javascript:``, ``data:`` and everything else are refused."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ContentValidationError(
            _("URL: enter a web address that starts with https:// or http://."), field="url"
        )
    return url


def caption_limit_error(*, network: str, text: str) -> str | None:
    limit = CAPTION_LIMITS[network]
    count = caption_length(network, text)
    if count > limit:
        return _("%(network)s caption: at most %(limit)s characters (this one has %(count)s).") % {
            "network": Network(network).label,
            "limit": limit,
            "count": count,
        }
    return None


def image_problem(data: bytes) -> str | None:
    """Why ``data`` is not an acceptable image, or None."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > IMAGE_MAX_BYTES:
        return _("Image: the file is larger than %(size)s MB.") % {
            "size": IMAGE_MAX_BYTES // (1024 * 1024)
        }
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
            kind = img.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return _("Image: the file is not a JPEG, PNG, GIF or WebP image.")
    if kind not in IMAGE_FORMATS:
        return _("Image: the file is not a JPEG, PNG, GIF or WebP image.")
    return None


def _image_extension(data: bytes) -> str:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        return IMAGE_FORMATS[img.format]


def _check_window(publish_at: datetime | None, expire_at: datetime | None) -> None:
    if publish_at and expire_at and expire_at <= publish_at:
        raise ContentValidationError(
            _("Expire at: must be later than publish at."), field="expire_at"
        )


def _check_captions(captions: dict[tuple[str, str], str]) -> None:
    for (network, _language), text in captions.items():
        problem = caption_limit_error(network=network, text=text)
        if problem:
            raise ContentValidationError(problem, field=f"caption_{network}")


def _unique_slug(text: str) -> str:
    base = slugify(text)[:100] or "item"
    return f"{base}-{secrets.token_hex(4)}"


# --- Roles -----------------------------------------------------------------------------------


def user_can_curate(*, user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_admin or user_is_manager(user=user)


def _require_curator(*, user: User, item: ContentItem | None = None) -> None:
    if not user_can_curate(user=user):
        raise ContentPermissionError(_("Only managers and admins can curate content."))
    if item is not None and not ContentItem.objects.curatable_by(user).filter(pk=item.pk).exists():
        raise ContentPermissionError(_("You cannot curate this item."))


def _check_targets(*, user: User, target_everyone: bool, target_teams: Iterable[Team]) -> None:
    teams = list(target_teams)
    if not target_everyone and not teams:
        raise ContentValidationError(
            _("Target teams: choose at least one team, or target everyone."), field="target_teams"
        )
    if user.is_admin:
        return
    managed = set(teams_managed_by(user=user).values_list("id", flat=True))
    if any(team.pk not in managed for team in teams):
        raise ContentPermissionError(_("Target teams: you can only target teams you manage."))


# --- Content items ---------------------------------------------------------------------------


def _set_captions(item: ContentItem, captions: dict[tuple[str, str], str]) -> None:
    for (network, language), text in captions.items():
        text = (text or "").strip()
        if text:
            Caption.objects.update_or_create(
                item=item, network=network, language=language, defaults={"text": text}
            )
        else:
            Caption.objects.filter(item=item, network=network, language=language).delete()


def _store_image(item: ContentItem, data: bytes, source_url: str = "") -> None:
    item.image.save(f"{item.slug}.{_image_extension(data)}", ContentFile(data), save=False)
    item.image_source_url = source_url


def _enqueue_preview(item: ContentItem) -> None:
    from posts.tasks.library import fetch_link_preview

    item_id = item.pk
    transaction.on_commit(lambda: fetch_link_preview.delay(item_id))


def _recipient_language(user: User):
    """Notifications are written in the recipient's language, not the actor's."""
    return translation.override(user.language or settings.LANGUAGE_CODE)


def _notify_outcome(item: ContentItem, *, title, body="") -> None:
    """Tell the suggester (or the author, when someone else decided) what happened.

    ``title`` is a (lazy) message with a ``%(title)s`` placeholder and ``body`` a lazy
    message or someone's own words; both are rendered in the recipient's language.
    """
    recipient = item.suggested_by or item.created_by
    if recipient is None:
        return
    with _recipient_language(recipient):
        notification_create(
            recipient=recipient,
            kind="content_review",
            title=str(title) % {"title": item.display_title},
            body=str(body),
            url=reverse("posts:item_detail", args=[item.pk]),
        )


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
) -> ContentItem:
    """A curator adds an item (a draft, or straight into review with ``submit``)."""
    _require_curator(user=by)
    url = validate_content_url(url)
    captions = captions or {}
    _check_window(publish_at, expire_at)
    _check_captions(captions)
    target_teams = list(target_teams)
    _check_targets(user=by, target_everyone=target_everyone, target_teams=target_teams)
    if image is not None and (problem := image_problem(image)):
        raise ContentValidationError(problem, field="image")
    item = ContentItem(
        url=url,
        slug=_unique_slug(title or urlsplit(url).hostname or ""),
        title=title.strip(),
        summary=summary.strip(),
        target_everyone=target_everyone,
        publish_at=publish_at,
        expire_at=expire_at,
        caption_editable=caption_editable,
        featured=featured,
        status=ContentStatus.IN_REVIEW if submit else ContentStatus.DRAFT,
        created_by=by,
    )
    if image is not None:
        _store_image(item, image)
    item.save()
    item.topics.set(topics)
    item.target_teams.set([] if target_everyone else target_teams)
    _set_captions(item, captions)
    audit_record(actor=by, action=AuditAction.CONTENT_CREATED, target=item)
    if not (item.title and item.summary and item.image):
        _enqueue_preview(item)
    return item


@transaction.atomic
def content_update(
    *,
    item: ContentItem,
    by: User,
    url: str,
    title: str,
    summary: str = "",
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
) -> ContentItem:
    """A curator edits an item; the workflow status does not change."""
    _require_curator(user=by, item=item)
    if item.status == ContentStatus.ARCHIVED:
        raise ContentTransitionError(_("Archived items cannot be edited."))
    url = validate_content_url(url)
    captions = captions or {}
    _check_window(publish_at, expire_at)
    _check_captions(captions)
    target_teams = list(target_teams)
    _check_targets(user=by, target_everyone=target_everyone, target_teams=target_teams)
    if image is not None and (problem := image_problem(image)):
        raise ContentValidationError(problem, field="image")
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if not by.is_admin and not target_everyone:
        # A manager only sees their own teams in the form: keep the other teams' targeting.
        managed = teams_managed_by(user=by).values_list("id", flat=True)
        target_teams += list(item.target_teams.exclude(id__in=managed))
    url_changed = item.url != url
    item.url, item.title, item.summary = url, title.strip(), summary.strip()
    item.target_everyone, item.publish_at, item.expire_at = target_everyone, publish_at, expire_at
    item.caption_editable, item.featured = caption_editable, featured
    if image is not None:
        _store_image(item, image)
    elif remove_image:
        item.image, item.image_source_url = "", ""
    item.save()
    item.topics.set(topics)
    item.target_teams.set([] if target_everyone else target_teams)
    _set_captions(item, captions)
    if url_changed:
        # Tracked links resolve through a cache: send the next click to the new address.
        tracked_links_forget(item_id=item.pk)
    audit_record(actor=by, action=AuditAction.CONTENT_EDITED, target=item)
    return item


def _transition(item: ContentItem, *, allowed_from: set[str]) -> ContentItem:
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
        _require_curator(user=by, item=item)
    item = _transition(item, allowed_from={ContentStatus.DRAFT, ContentStatus.CHANGES_REQUESTED})
    item.status = ContentStatus.IN_REVIEW
    item.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action=AuditAction.CONTENT_SUBMITTED, target=item)
    return item


@transaction.atomic
def content_approve(*, item: ContentItem, by: User) -> ContentItem:
    _require_curator(user=by, item=item)
    item = _transition(item, allowed_from={ContentStatus.DRAFT, ContentStatus.IN_REVIEW})
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


@transaction.atomic
def content_reject(*, item: ContentItem, by: User, reason: str) -> ContentItem:
    _require_curator(user=by, item=item)
    reason = (reason or "").strip()
    if not reason:
        raise ContentValidationError(_("Reason: say why the item is rejected."), field="reason")
    item = _transition(item, allowed_from={ContentStatus.DRAFT, ContentStatus.IN_REVIEW})
    item.status, item.review_note = ContentStatus.REJECTED, reason
    item.save(update_fields=["status", "review_note", "updated_at"])
    audit_record(
        actor=by, action=AuditAction.CONTENT_REJECTED, target=item, detail={"reason": reason}
    )
    if (item.suggested_by_id or item.created_by_id) != by.pk:
        _notify_outcome(
            item,
            title=gettext_lazy("Not approved: %(title)s"),
            body=reason,
        )
    return item


@transaction.atomic
def content_request_changes(*, item: ContentItem, by: User, note: str) -> ContentItem:
    _require_curator(user=by, item=item)
    note = (note or "").strip()
    if not note:
        raise ContentValidationError(_("Note: say what should change."), field="note")
    item = _transition(item, allowed_from={ContentStatus.IN_REVIEW})
    item.status, item.review_note = ContentStatus.CHANGES_REQUESTED, note
    item.save(update_fields=["status", "review_note", "updated_at"])
    audit_record(
        actor=by, action=AuditAction.CONTENT_CHANGES_REQUESTED, target=item, detail={"note": note}
    )
    if (item.suggested_by_id or item.created_by_id) != by.pk:
        _notify_outcome(
            item,
            title=gettext_lazy("Changes requested: %(title)s"),
            body=note,
        )
    return item


@transaction.atomic
def content_archive(*, item: ContentItem, by: User | None) -> ContentItem:
    """Approved → archived: by a curator, or by the periodic expiry (``by`` None)."""
    if by is not None:
        _require_curator(user=by, item=item)
    item = _transition(item, allowed_from={ContentStatus.APPROVED})
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
    _require_curator(user=by)
    if action == "reject" and not reason.strip():
        raise ContentValidationError(_("Reason: say why the items are rejected."), field="reason")
    items = list(ContentItem.objects.curatable_by(by).filter(pk__in=list(item_ids)))
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


# --- Suggestions -----------------------------------------------------------------------------


@transaction.atomic
def suggestion_create(
    *, by: User, url: str, reason: str, network: str = "", caption: str = ""
) -> ContentItem:
    """An employee suggests a link; it enters review with them credited."""
    url = validate_content_url(url)
    reason = (reason or "").strip()
    if not reason:
        raise ContentValidationError(
            _("Why share it: tell the curators why it is worth sharing."), field="reason"
        )
    caption = (caption or "").strip()
    if caption:
        if network not in CAPTION_LIMITS:
            raise ContentValidationError(_("Network: choose a network."), field="network")
        if problem := caption_limit_error(network=network, text=caption):
            raise ContentValidationError(problem, field="caption")
    item = ContentItem.objects.create(
        url=url,
        slug=_unique_slug(urlsplit(url).hostname or ""),
        status=ContentStatus.IN_REVIEW,
        created_by=by,
        suggested_by=by,
        suggestion_reason=reason,
        target_everyone=True,
    )
    if caption:
        Caption.objects.create(
            item=item, network=network, language=by.language or "en", text=caption
        )
    audit_record(actor=by, action=AuditAction.CONTENT_SUGGESTED, target=item)
    _enqueue_preview(item)
    return item


@transaction.atomic
def suggestion_update(
    *, item: ContentItem, by: User, url: str, reason: str, network: str = "", caption: str = ""
) -> ContentItem:
    """The suggester answers "changes requested" and sends the suggestion back to review."""
    if item.suggested_by_id != by.pk:
        raise ContentPermissionError(_("Only the person who suggested it can change it."))
    item = _transition(item, allowed_from={ContentStatus.CHANGES_REQUESTED})
    item.url = validate_content_url(url)
    item.suggestion_reason = (reason or "").strip()
    if not item.suggestion_reason:
        raise ContentValidationError(
            _("Why share it: tell the curators why it is worth sharing."), field="reason"
        )
    caption = (caption or "").strip()
    if caption:
        if network not in CAPTION_LIMITS:
            raise ContentValidationError(_("Network: choose a network."), field="network")
        if problem := caption_limit_error(network=network, text=caption):
            raise ContentValidationError(problem, field="caption")
        Caption.objects.update_or_create(
            item=item, network=network, language=by.language or "en", defaults={"text": caption}
        )
    item.status = ContentStatus.IN_REVIEW
    item.save(update_fields=["url", "suggestion_reason", "status", "updated_at"])
    audit_record(actor=by, action=AuditAction.CONTENT_SUBMITTED, target=item)
    return item


# --- Comments --------------------------------------------------------------------------------


def _check_comment(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ContentValidationError(_("Comment: write something first."), field="body")
    if len(body) > 5000:
        raise ContentValidationError(_("Comment: at most 5,000 characters."), field="body")
    return body


def comment_recipients(*, item: ContentItem, by: User) -> list[User]:
    """Who hears about a new comment on ``item``:

    - the curator who created it (``created_by``; for a suggestion that is the suggester);
    - the curator who approved it (``approved_by``);
    - the suggester, as its author (``suggested_by``);
    - for an item with neither creator nor approver (imported from a trusted feed), the
      admin who added the feed.

    Never the commenter themself, nobody twice, nobody deactivated.
    """
    people = [item.created_by, item.approved_by, item.suggested_by]
    if item.created_by_id is None and item.approved_by_id is None and item.feed_id:
        people.append(item.feed.created_by)
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
        with _recipient_language(recipient):
            notification_create(
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
    _require_curator(user=by, item=comment.item)
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


# --- Link previews ---------------------------------------------------------------------------


class _MetaTags(HTMLParser):
    """Collects <title> and the OpenGraph / Twitter-card / description meta tags."""

    WANTED = {
        "og:title",
        "og:description",
        "og:image",
        "og:image:url",
        "og:image:secure_url",
        "twitter:title",
        "twitter:description",
        "twitter:image",
        "twitter:image:src",
        "description",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
            if key in self.WANTED and key not in self.meta and attrs.get("content"):
                self.meta[key] = attrs["content"].strip()
        elif tag == "title" and not self.title:
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse_link_preview(html: str, *, base_url: str) -> dict[str, str]:
    """title, summary and image URL from a page's meta tags (first found wins)."""
    parser = _MetaTags()
    try:
        parser.feed(html)
        parser.close()
    except Exception:
        logger.info("link preview: unparsable HTML at %s", base_url)
    meta = parser.meta

    def first(*keys):
        return next((meta[k] for k in keys if meta.get(k)), "")

    image = first(
        "og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"
    )
    return {
        "title": (first("og:title", "twitter:title") or " ".join(parser.title.split()))[:300],
        "summary": first("og:description", "twitter:description", "description")[:2000],
        "image_url": urljoin(base_url, image) if image else "",
    }


class PreviewTemporaryError(ContentError):
    """The page timed out or answered 5xx: worth another try later."""


def content_fill_preview(*, item_id: int, final_attempt: bool = True) -> ContentItem | None:
    """Fetch the item's page and fill title, summary and image where they are empty.

    A timeout or a 5xx raises ``PreviewTemporaryError`` unless ``final_attempt`` (the task
    retries with backoff); anything else (refused address, 404, not HTML) is final.
    """
    item = ContentItem.objects.filter(pk=item_id).first()
    if item is None:
        return None
    try:
        page = safe_fetch.fetch(item.url, accept="text/html,application/xhtml+xml")
        if page.status >= 500 and not final_attempt:
            raise PreviewTemporaryError(f"HTTP {page.status}")
    except safe_fetch.FetchTimeoutError as exc:
        if not final_attempt:
            raise PreviewTemporaryError(str(exc.reason)) from exc
        logger.info("link preview for item %s timed out", item_id)
        ContentItem.objects.filter(pk=item_id).update(preview_fetched_at=timezone.now())
        return item
    except safe_fetch.FetchError as exc:
        logger.info("link preview for item %s failed: %s", item_id, exc.reason)
        ContentItem.objects.filter(pk=item_id).update(preview_fetched_at=timezone.now())
        return item
    found = {"title": "", "summary": "", "image_url": ""}
    if page.status == 200 and "html" in page.content_type:
        found = parse_link_preview(
            page.content.decode(page.charset, errors="replace"), base_url=page.url
        )
    image_data, image_url = None, ""
    if found["image_url"] and not item.image:
        try:
            picture = safe_fetch.fetch(
                found["image_url"], max_bytes=IMAGE_MAX_BYTES, accept="image/*"
            )
            if picture.status == 200 and image_problem(picture.content) is None:
                image_data, image_url = picture.content, picture.url
        except safe_fetch.FetchError as exc:
            logger.info("preview image for item %s failed: %s", item_id, exc.reason)
    with transaction.atomic():
        item = ContentItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            return None
        # Only empty fields: a curator's edit made meanwhile always wins.
        if not item.title and found["title"]:
            item.title = found["title"]
        if not item.summary and found["summary"]:
            item.summary = found["summary"]
        if not item.image and image_data:
            _store_image(item, image_data, image_url)
        item.preview_fetched_at = timezone.now()
        item.save()
    return item


# --- RSS/Atom feeds --------------------------------------------------------------------------


def parse_feed(data: bytes) -> list[dict[str, str]]:
    """Entries of an RSS/Atom document. The bytes are already size-capped by the fetcher;
    defusedxml refuses entity expansion and external entities before feedparser reads it."""
    import feedparser
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError("XML_ENTITIES") from exc
    except (ParseError, ValueError) as exc:
        raise FeedError("NOT_A_FEED") from exc
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    if parsed.get("bozo") and not parsed.entries:
        raise FeedError("NOT_A_FEED")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("NOT_A_FEED")
    entries = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        guid = (entry.get("id") or link).strip()[:500]
        summary = entry.get("summary") or ""
        if summary:
            # Plain text: every tag (and script/style content) stripped.
            summary = html.unescape(nh3.clean(summary, tags=set()))
        entries.append(
            {
                "guid": guid,
                "url": link,
                "title": " ".join((entry.get("title") or "").split())[:300],
                "summary": " ".join(summary.split())[:2000],
            }
        )
    return entries


def _backoff(failures: int) -> timedelta:
    delay = min(FEED_BACKOFF_BASE * (2 ** max(failures - 1, 0)), FEED_BACKOFF_MAX)
    # Jitter so failing feeds do not all come back at the same minute.
    return delay + timedelta(seconds=random.uniform(0, delay.total_seconds() / 10))


def feed_claim(*, feed_id: int, now: datetime | None = None) -> bool:
    """Claim a due feed with a conditional UPDATE; only one worker wins."""
    now = now or timezone.now()
    return bool(
        Feed.objects.filter(pk=feed_id, is_active=True, next_fetch_at__lte=now).update(
            next_fetch_at=now + FEED_CLAIM_LEASE
        )
    )


@transaction.atomic
def _feed_failed(feed_id: int, error: FeedError) -> None:
    feed = Feed.objects.select_for_update().get(pk=feed_id)
    feed.failure_count += 1
    feed.status = FeedStatus.FAILING
    feed.last_error_code, feed.last_error_params = error.code, error.params
    # The text (for the Django admin's list) in the site language, not the worker's.
    with translation.override(settings.LANGUAGE_CODE):
        feed.last_error = feed_error_message(error.code, error.params)[:1000]
    feed.last_fetched_at = timezone.now()
    feed.next_fetch_at = feed.last_fetched_at + _backoff(feed.failure_count)
    feed.save(
        update_fields=[
            "failure_count",
            "status",
            "last_error",
            "last_error_code",
            "last_error_params",
            "last_fetched_at",
            "next_fetch_at",
        ]
    )


def feed_fetch(*, feed_id: int, claim: bool = True) -> int:
    """Fetch one feed and add its new entries; returns how many items were created.

    Failures mark the feed failing with the reason and schedule a retry with backoff;
    they never raise, so one broken feed cannot disturb the others.
    """
    if claim and not feed_claim(feed_id=feed_id):
        return 0
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return 0
    try:
        response = safe_fetch.fetch(
            feed.url,
            accept="application/rss+xml, application/atom+xml, application/xml, text/xml",
        )
        if response.status != 200:
            raise FeedError("HTTP_STATUS", {"status": response.status})
        entries = parse_feed(response.content)
    except safe_fetch.FetchError as exc:
        with translation.override(None):  # the message id, translated when shown
            reason = str(exc.reason)
        _feed_failed(feed_id, FeedError("FETCH", {"reason": reason}))
        return 0
    except FeedError as exc:
        _feed_failed(feed_id, exc)
        return 0
    return _feed_store_entries(feed_id=feed_id, entries=entries)


@transaction.atomic
def _feed_store_entries(*, feed_id: int, entries: list[dict[str, str]]) -> int:
    feed = Feed.objects.select_for_update().get(pk=feed_id)
    now = timezone.now()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    room = max(feed.daily_max - feed.items.filter(created_at__gte=day_start).count(), 0)
    candidates = []
    for entry in entries:
        try:
            entry["url"] = validate_content_url(entry["url"])
        except ContentValidationError:
            continue
        candidates.append(entry)
    guids = {e["guid"] for e in candidates}
    urls = {e["url"] for e in candidates}
    seen_guids = set(
        ContentItem.objects.filter(feed=feed, feed_guid__in=guids).values_list(
            "feed_guid", flat=True
        )
    )
    seen_urls = set(ContentItem.objects.filter(url__in=urls).values_list("url", flat=True))
    topics = list(feed.topics.all())
    created = 0
    for entry in candidates:
        if created >= room:
            break
        if entry["guid"] in seen_guids or entry["url"] in seen_urls:
            continue
        seen_guids.add(entry["guid"])
        seen_urls.add(entry["url"])
        try:
            with transaction.atomic():
                item = ContentItem.objects.create(
                    url=entry["url"],
                    slug=_unique_slug(entry["title"] or entry["url"]),
                    title=entry["title"],
                    summary=entry["summary"],
                    feed=feed,
                    feed_guid=entry["guid"],
                    status=ContentStatus.APPROVED if feed.trusted else ContentStatus.IN_REVIEW,
                    approved_at=now if feed.trusted else None,
                    target_everyone=True,
                )
        except IntegrityError:
            continue
        item.topics.set(topics)
        if feed.trusted:
            audit_record(
                actor=None,
                action=AuditAction.CONTENT_APPROVED,
                target=item,
                detail={"feed": feed.pk, "trusted": True},
            )
        else:
            audit_record(
                actor=None,
                action=AuditAction.CONTENT_CREATED,
                target=item,
                detail={"feed": feed.pk},
            )
        _enqueue_preview(item)
        created += 1
    feed.status, feed.last_error, feed.failure_count = FeedStatus.OK, "", 0
    feed.last_error_code, feed.last_error_params = "", {}
    feed.last_fetched_at = now
    feed.next_fetch_at = now + FEED_INTERVAL
    feed.save(
        update_fields=[
            "status",
            "last_error",
            "last_error_code",
            "last_error_params",
            "failure_count",
            "last_fetched_at",
            "next_fetch_at",
        ]
    )
    return created


def feeds_due_ids(*, now: datetime | None = None) -> list[int]:
    return list(Feed.objects.due(now).values_list("pk", flat=True))
