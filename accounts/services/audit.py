"""Writes of the audit log, and the one way to refuse a request ("deny and 404")."""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.http import Http404

from accounts.audit import AuditAction
from accounts.models import AuditEvent, User


def single_line(value: str, limit: int = 254) -> str:
    """Audit labels are one line: a CR/LF in a name must not forge an entry."""
    return " ".join(str(value).split())[:limit]


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    event = audit_event(actor=actor, action=action, target=target, detail=detail)
    event.save(force_insert=True)
    return event


def audit_event(
    *,
    actor: User | None,
    action: AuditAction | str,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved audit row: ``audit_record`` saves one, bulk work saves many in one query."""
    action = AuditAction(action)
    actor_label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = actor.email
    else:
        actor = None
    return AuditEvent(
        actor=actor,
        actor_label=single_line(actor_label),
        action=action.value,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=single_line(_audit_label(target)) if target is not None else "",
        detail=detail or {},
    )


def _audit_label(target: models.Model) -> str:
    # Admins read the audit log: a person without a display name is named by their
    # address there, not by the name colleagues see.
    if isinstance(target, User):
        return target.display_name or target.email
    return str(target)


def access_denied_record(
    *, actor: User | None, path: str, target: models.Model | None = None
) -> AuditEvent:
    """Someone asked for something they may not see or change: record it (the caller then
    answers 404 as if it did not exist)."""
    return audit_record(
        actor=actor, action=AuditAction.ACCESS_DENIED, target=target, detail={"path": path[:200]}
    )


def tried_email_label(value: str) -> str:
    """The address a login tried, for the audit log: kept only if it is one, since people
    type their password into the email field by mistake."""
    tried = str(value or "").strip()
    try:
        validate_email(tried)
    except ValidationError:
        return "(invalid)"
    return tried[:254]


def login_rate_limited_record(*, email: str) -> AuditEvent:
    """A login refused by the rate limit before any password was checked: record which
    account was tried (when it exists) and the address, nothing else."""
    tried = tried_email_label(email)
    account = None
    if tried != "(invalid)":
        account = User.objects.filter(email__iexact=tried).first()
    return audit_record(
        actor=None,
        action=AuditAction.LOGIN_RATE_LIMITED,
        target=account,
        detail={"email": tried},
    )


def deny_and_404(*, request, target: models.Model | None = None) -> NoReturn:
    """Refuse ``request`` as if ``target`` did not exist (404), and audit the attempt.

    The one way a view says "not yours": the audit row is written (autocommit, so it stays
    even though the request fails), then ``Http404`` is raised."""
    access_denied_record(actor=request.user, path=request.path, target=target)
    raise Http404
