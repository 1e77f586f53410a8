"""Writes of suggestions: an employee proposes a link for the library, with a reason and
perhaps a caption; it enters review with them credited, and they answer "changes requested".
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import User
from accounts.services import audit_record
from ambassador.networks import CAPTION_LIMITS
from posts.models import Caption, ContentItem, ContentStatus
from posts.selectors import caption_problems
from posts.services.content import (
    ContentPermissionError,
    ContentValidationError,
    content_preview_enqueue,
    content_slug_new,
    content_transition,
    content_url_clean,
)


def suggestion_language(user: User) -> str:
    """The language a suggested caption is stored in: the suggester's own."""
    return user.language or "en"


def _check_suggestion(
    *, url: str, reason: str, network: str, caption: str, language: str
) -> tuple[str, str, str]:
    """The cleaned URL, reason and caption of a suggestion, or ``ContentValidationError``."""
    url = content_url_clean(url)
    reason = (reason or "").strip()
    if not reason:
        raise ContentValidationError(
            _("Why share it: tell the curators why it is worth sharing."), field="reason"
        )
    caption = (caption or "").strip()
    if caption:
        if network not in CAPTION_LIMITS:
            raise ContentValidationError(_("Network: choose a network."), field="network")
        problems = caption_problems(captions={(network, language): caption})
        if problems:
            raise ContentValidationError(problems[(network, language)], field="caption")
    return url, reason, caption


@transaction.atomic
def suggestion_create(
    *, by: User, url: str, reason: str, network: str = "", caption: str = ""
) -> ContentItem:
    """An employee suggests a link; it enters review with them credited."""
    language = suggestion_language(by)
    url, reason, caption = _check_suggestion(
        url=url, reason=reason, network=network, caption=caption, language=language
    )
    item = ContentItem.objects.create(
        url=url,
        slug=content_slug_new(urlsplit(url).hostname or ""),
        status=ContentStatus.IN_REVIEW,
        created_by=by,
        suggested_by=by,
        suggestion_reason=reason,
        target_everyone=True,
    )
    if caption:
        Caption.objects.create(item=item, network=network, language=language, text=caption)
    audit_record(actor=by, action=AuditAction.CONTENT_SUGGESTED, target=item)
    content_preview_enqueue(item)
    return item


@transaction.atomic
def suggestion_update(
    *, item: ContentItem, by: User, url: str, reason: str, network: str = "", caption: str = ""
) -> ContentItem:
    """The suggester answers "changes requested" and sends the suggestion back to review."""
    if item.suggested_by_id != by.pk:
        raise ContentPermissionError(_("Only the person who suggested it can change it."))
    item = content_transition(item, allowed_from={ContentStatus.CHANGES_REQUESTED})
    language = suggestion_language(by)
    item.url, item.suggestion_reason, caption = _check_suggestion(
        url=url, reason=reason, network=network, caption=caption, language=language
    )
    if caption:
        Caption.objects.update_or_create(
            item=item, network=network, language=language, defaults={"text": caption}
        )
    item.status = ContentStatus.IN_REVIEW
    item.save(update_fields=["url", "suggestion_reason", "status", "updated_at"])
    audit_record(actor=by, action=AuditAction.CONTENT_SUBMITTED, target=item)
    return item
