"""Writes for people, teams, audit and notifications. Keyword-only, atomic."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from accounts.audit import AuditAction
from accounts.models import AuditEvent, Notification, User


def _single_line(value: str, limit: int = 254) -> str:
    """Audit labels are one line: a CR/LF in a name must not forge an entry."""
    return " ".join(str(value).split())[:limit]


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    action = AuditAction(action)
    actor_label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = actor.email
    else:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=_single_line(actor_label),
        action=action.value,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=_single_line(str(target)) if target is not None else "",
        detail=detail or {},
    )


def notification_create(
    *, recipient: User, kind: str, title: str, body: str = "", url: str = ""
) -> Notification:
    return Notification.objects.create(
        recipient=recipient, kind=kind, title=title[:200], body=body, url=url
    )


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one notification (or all) of ``user`` read; returns how many changed."""
    from django.utils import timezone

    qs = Notification.objects.filter(recipient=user).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def user_set_language(*, user: User, language: str) -> User:
    if language not in User.Language.values:
        raise ValueError(language)
    user.language = language
    user.save(update_fields=["language"])
    return user
