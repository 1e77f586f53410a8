"""Content items: create and edit, with their captions, targets and texts checked."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import Team, User
from accounts.selectors import access_for
from accounts.services import audit_record
from ambassador import translated
from posts.models import Caption, ContentItem, ContentStatus, Topic
from posts.selectors import caption_problems, item_is_curatable
from posts.services.content.errors import (
    ContentPermissionError,
    ContentTransitionError,
    ContentValidationError,
)
from posts.tracked_links import tracked_links_forget
from posts.validators import content_url_problem, image_extension, image_problem, window_problem


# --- Helpers the other entities of posts use too --------------------------------------------------
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


# --- Checks ---------------------------------------------------------------------------------------
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


# --- Content items --------------------------------------------------------------------------------
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
