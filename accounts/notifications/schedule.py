"""The admins' side: when the weekly digest goes out, and "send me a test"."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import REMINDER_SCHEDULE_ID, Notification, ReminderSchedule, User
from accounts.notifications.kinds import KINDS, kind_label
from accounts.notifications.registry import sample_maker
from accounts.notifications.rows import TEST_SUBJECT, Draft, in_language_of
from accounts.services import audit_record


def reminder_schedule() -> ReminderSchedule:
    return ReminderSchedule.objects.filter(pk=REMINDER_SCHEDULE_ID).first() or ReminderSchedule(
        pk=REMINDER_SCHEDULE_ID
    )


@transaction.atomic
def reminder_schedule_save(*, weekday: int, at: dt.time, by: User) -> ReminderSchedule:
    schedule, _created = ReminderSchedule.objects.update_or_create(
        pk=REMINDER_SCHEDULE_ID,
        defaults={"digest_weekday": weekday, "digest_time": at, "updated_by": by},
    )
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=schedule,
        detail={"digest_weekday": weekday, "digest_time": at.strftime("%H:%M")},
    )
    return schedule


def sample_draft(*, kind: str, user: User, now: dt.datetime) -> Draft:
    """What ``kind`` looks like for ``user``: the app's own sample, or a plain notice."""
    maker = sample_maker(kind)
    if maker is not None:
        return maker(user=user, now=now)
    with in_language_of(user):
        return Draft(
            recipient_id=user.pk,
            kind=kind,
            subject=TEST_SUBJECT,
            period="",
            title=_("This is how “%(kind)s” notifications look") % {"kind": kind_label(kind)},
            body=_("Nothing happened: an admin asked for a test message."),
            url=reverse("accounts:notifications"),
        )


@transaction.atomic
def notification_send_test(
    *, kind: str, user: User, now: dt.datetime | None = None
) -> Notification:
    """An admin's "send me a test": a real row for themself, by email at once (no quiet
    hours, no preferences) and in the inbox."""
    if kind not in KINDS:
        raise ValueError(kind)
    now = now or timezone.now()
    draft = sample_draft(kind=kind, user=user, now=now)
    draft.subject = TEST_SUBJECT
    draft.period = now.isoformat()
    draft.in_app = True
    draft.email = True
    draft.email_due_at = now
    draft.email_expires_at = None
    row = draft.to_row(now=now)
    row.save()
    return row
