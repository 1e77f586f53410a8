"""Every metrics download leaves an audit row."""

from __future__ import annotations

from accounts.audit import AuditAction
from accounts.models import User
from accounts.services import audit_record


def metrics_export_record(*, actor: User, export: str, detail: dict) -> None:
    """Every metrics download leaves an audit row: who took which table of what scope."""
    audit_record(actor=actor, action=AuditAction.EXPORT, detail={"export": export, **detail})
