"""Notification rows: drafts, created in bulk exactly once, one delivered now, marked read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import Notification, User
from accounts.notifications.preferences import next_send_time, quiet_hours_of, with_delivery

# Subject of the rows an admin's "send me a test" creates.
TEST_SUBJECT = "test"


@contextmanager
def in_language_of(person) -> Iterator[None]:
    """Texts are written in the recipient's language, never the actor's."""
    with translation.override(getattr(person, "language", "") or settings.LANGUAGE_CODE):
        yield


@dataclass
class Draft:
    """A notification about to be created (see ``notifications_create``)."""

    recipient_id: int
    kind: str
    subject: str
    period: str
    title: str
    body: str = ""
    url: str = ""
    data: dict = field(default_factory=dict)
    in_app: bool = True
    email: bool = True
    email_due_at: dt.datetime | None = None
    email_expires_at: dt.datetime | None = None

    def to_row(self, *, now: dt.datetime) -> Notification:
        return Notification(
            recipient_id=self.recipient_id,
            kind=self.kind,
            subject=self.subject[:100],
            period=self.period[:40],
            title=self.title[:200],
            body=self.body,
            url=self.url,
            data=self.data,
            in_app=self.in_app,
            created_at=now,
            email_state=Notification.EmailState.PENDING
            if self.email
            else Notification.EmailState.NONE,
            email_due_at=(self.email_due_at or now) if self.email else None,
            email_expires_at=self.email_expires_at if self.email else None,
        )


def draft_for(
    person,
    *,
    kind: str,
    subject: str,
    period: str,
    title: str,
    now: dt.datetime,
    body: str = "",
    url: str = "",
    data: dict | None = None,
    expires_at: dt.datetime | None = None,
) -> Draft:
    """A draft for a person from a ``with_delivery`` queryset: their channels and their
    quiet hours decide how and when it goes out."""
    start, end = quiet_hours_of(person)
    return Draft(
        recipient_id=person.pk,
        kind=kind,
        subject=subject,
        period=period,
        title=title,
        body=body,
        url=url,
        data=data or {},
        in_app=bool(person.in_app_on),
        email=bool(person.email_on),
        email_due_at=next_send_time(now=now, time_zone=person.time_zone, start=start, end=end),
        email_expires_at=expires_at,
    )


def notifications_create(*, drafts: Iterable[Draft], now: dt.datetime | None = None) -> int:
    """Create the rows in bulk; a row that already exists for the same (recipient, kind,
    subject, period) is left as it is. Returns how many drafts were offered."""
    now = now or timezone.now()
    rows = [draft.to_row(now=now) for draft in drafts if draft.period]
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def notification_deliver(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    subject: str = "",
    period: str = "",
    data: dict | None = None,
    now: dt.datetime | None = None,
) -> Notification:
    """One notification for one person now (an event: a comment, a review), in-app and by
    email as their preferences say. With a ``period`` it exists once: a second call returns
    the first row."""
    now = now or timezone.now()
    person = with_delivery(User.objects.filter(pk=recipient.pk), kind=kind).first()
    if person is None:  # every channel turned off: kept, but shown nowhere
        draft = Draft(recipient.pk, kind, subject, period, title, body, url, data or {})
        draft.in_app = draft.email = False
    else:
        draft = draft_for(
            person,
            kind=kind,
            subject=subject,
            period=period,
            title=title,
            body=body,
            url=url,
            data=data,
            now=now,
        )
    row = draft.to_row(now=now)
    if not period:
        row.save()
        return row
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return Notification.objects.get(
            recipient=recipient, kind=kind, subject=row.subject, period=row.period
        )
    return row


@transaction.atomic
def notifications_mark_read(
    *,
    user: User,
    notification_id: int | None = None,
    kind: str = "",
    now: dt.datetime | None = None,
) -> int:
    """Mark one of ``user``'s notifications, one kind of them, or all read."""
    qs = Notification.objects.filter(recipient=user).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.update(read_at=now or timezone.now())
