"""The email channel: due rows handed to workers in batches, claimed with a conditional
UPDATE, rendered in the recipient's language and sent over one mail connection."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _

from accounts.models import Notification, NotificationPreference
from accounts.notifications.kinds import Email, channel_default, kind_label
from accounts.notifications.links import absolute_url, unsubscribe_url
from accounts.notifications.registry import GENERIC_TEMPLATE, EmailTemplate, email_template
from accounts.notifications.rows import TEST_SUBJECT, in_language_of

logger = logging.getLogger(__name__)

# One task, one mail connection and a fixed number of queries per batch.
EMAIL_BATCH_SIZE = 500
MAX_EMAIL_ATTEMPTS = 5


def _requeue_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_SECONDS)


def _claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS)


def email_backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try: 2, 4, 8 … minutes, at most an hour."""
    return dt.timedelta(minutes=min(60, 2**attempts))


@transaction.atomic
def emails_reclaim(*, now: dt.datetime) -> int:
    """Claims held longer than any task may run belong to a dead worker: give them back
    (sent again, never lost), or fail them after the last attempt."""
    stale = Notification.objects.filter(
        email_state=Notification.EmailState.SENDING,
        email_claimed_at__lt=now - _claim_timeout(),
    )
    failed = stale.filter(email_attempts__gte=MAX_EMAIL_ATTEMPTS).update(
        email_state=Notification.EmailState.FAILED,
        email_error="The worker stopped while sending; no attempts left.",
    )
    returned = stale.update(
        email_state=Notification.EmailState.PENDING, email_queued_at=None, email_due_at=now
    )
    return failed + returned


def emails_drop_expired(*, now: dt.datetime) -> int:
    """A digest whose week has passed is dropped, not sent stale."""
    return Notification.objects.filter(
        email_state=Notification.EmailState.PENDING, email_expires_at__lte=now
    ).update(email_state=Notification.EmailState.DROPPED)


def emails_queue_due(*, now: dt.datetime, limit: int = 50_000) -> list[list[int]]:
    """Hand over the rows due now, in batches: each batch becomes one task. A row is
    marked queued with a conditional UPDATE, so two ticks never hand over the same row."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(email_state=Notification.EmailState.PENDING, email_due_at__lte=now)
            .filter(Q(email_queued_at__isnull=True) | Q(email_queued_at__lt=now - _requeue_after()))
            .order_by("email_due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(email_queued_at=now)
    return [ids[i : i + EMAIL_BATCH_SIZE] for i in range(0, len(ids), EMAIL_BATCH_SIZE)]


def _emails_claim(*, ids: list[int], now: dt.datetime) -> list[int]:
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, email_state=Notification.EmailState.PENDING, email_due_at__lte=now)
            .values_list("pk", flat=True)
        )
        if claimed:
            Notification.objects.filter(
                pk__in=claimed, email_state=Notification.EmailState.PENDING
            ).update(
                email_state=Notification.EmailState.SENDING,
                email_claimed_at=now,
                email_attempts=F("email_attempts") + 1,
            )
    return claimed


def _with_email_choice(rows: QuerySet[Notification]) -> QuerySet[Notification]:
    """Annotate each row with its person's own choice for email of its kind (None: the
    default), read when sending: a change since the row was made wins."""
    choice = NotificationPreference.objects.filter(
        user=OuterRef("recipient_id"), kind=OuterRef("kind"), channel=Email
    )
    return rows.annotate(email_choice=Subquery(choice.values("enabled")[:1]))


def _email_off(row: Notification) -> bool:
    if row.subject == TEST_SUBJECT:  # an admin's test goes out whatever they chose
        return False
    if row.email_choice is None:
        return not channel_default(row.kind, Email)
    return not row.email_choice


@functools.cache
def _preferences_path() -> str:
    return reverse("accounts:notification_settings")


def _message_id(row: Notification) -> str:
    # The same for every attempt: a copy sent again after a crash is recognisably one.
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<notification-{row.pk}@{host}>"


def email_contexts(rows: list[Notification]) -> list[tuple[EmailTemplate, dict[str, Any]]]:
    """The template and context of each row's email (constant queries per kind)."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_kind[row.kind].append(index)
    result: list[tuple[EmailTemplate, dict[str, Any]]] = [(GENERIC_TEMPLATE, {})] * len(rows)
    for kind, indexes in by_kind.items():
        template = email_template(kind)
        chosen = [rows[i] for i in indexes]
        contexts = template.context(chosen) if template.context else [{} for _row in chosen]
        for i, context in zip(indexes, contexts, strict=True):
            result[i] = (template, context)
    return result


# Unique words no template prints on its own; escaping leaves them as they are.
def _blank_mark(name: str) -> str:
    return f"ambassador-blank-{name}-3e9d1f"


def _render_pair(
    template: EmailTemplate, full: dict[str, Any], layouts: dict | None
) -> tuple[str, str]:
    """The text and HTML bodies. A template with blanks is rendered once per batch for
    each set of its other values (``layouts``), and each row's blanks are filled in."""
    if not template.blanks or layouts is None:
        return (
            render_to_string(f"{template.template}.txt", full),
            render_to_string(f"{template.template}.html", full),
        )
    fixed = {
        key: value
        for key, value in full.items()
        if key not in template.blanks and key not in ("notification", "recipient")
    }
    key = (template.template, translation.get_language(), tuple(sorted(fixed.items())))
    layout = layouts.get(key)
    if layout is None:
        marked = {**fixed, **{name: _blank_mark(name) for name in template.blanks}}
        layout = layouts[key] = (
            render_to_string(f"{template.template}.txt", marked),
            render_to_string(f"{template.template}.html", marked),
        )
    text, html = layout
    for name in template.blanks:
        value = full.get(name, "")
        text = text.replace(_blank_mark(name), str(value))
        html = html.replace(_blank_mark(name), conditional_escape(value))
    return text, html


def email_render(
    row: Notification,
    *,
    template: EmailTemplate,
    context: dict[str, Any],
    layouts: dict | None = None,
) -> EmailMultiAlternatives:
    """The email of one row, in its recipient's language, every link absolute. Rows of one
    batch share ``layouts`` (see ``EmailTemplate.blanks``)."""
    recipient = row.recipient
    with in_language_of(recipient):
        unsubscribe = unsubscribe_url(user_id=recipient.pk, kind=row.kind)
        full = {
            "notification": row,
            "recipient": recipient,
            "title": row.title,
            "kind_label": kind_label(row.kind),
            "site_url": settings.SITE_URL,
            "action_url": absolute_url(row.url),
            "unsubscribe_url": unsubscribe,
            "preferences_url": absolute_url(_preferences_path()),
            "is_test": row.subject == TEST_SUBJECT,
            **context,
        }
        subject = " ".join(row.title.split())
        if full["is_test"]:
            subject = _("[Test] %(subject)s") % {"subject": subject}
        text, html = _render_pair(template, full, layouts)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[recipient.email],
        headers={
            "Message-ID": _message_id(row),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


@dataclass
class SendResult:
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    retry: list[Notification] = field(default_factory=list)
    failed: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[int, str] = field(default_factory=dict)


def _send_all(pairs, result: SendResult, *, now: dt.datetime) -> None:
    """Send each message on one connection, reopened once if the server hangs up.

    Sent rows are recorded every ``NOTIFICATIONS_EMAIL_CHECKPOINT`` messages: a worker killed
    mid-batch has its claim given back, and only what it sent since the last checkpoint goes
    out twice (email cannot be made idempotent), at the cost of one UPDATE per checkpoint."""
    every = max(1, settings.NOTIFICATIONS_EMAIL_CHECKPOINT)
    recorded = 0
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        for row, _message in pairs:
            result.retry.append(row)
            result.errors[row.pk] = str(exc)[:300]
        return
    try:
        for row, message in pairs:
            message.connection = connection
            try:
                try:
                    connection.send_messages([message])
                except smtplib.SMTPServerDisconnected:
                    connection.close()
                    connection.open()
                    connection.send_messages([message])
            except smtplib.SMTPRecipientsRefused as exc:
                result.failed[f"Refused by the mail server: {exc}"[:300]].append(row.pk)
            except (smtplib.SMTPException, OSError) as exc:
                result.retry.append(row)
                result.errors[row.pk] = str(exc)[:300]
            else:
                result.sent.append(row.pk)
                if len(result.sent) - recorded >= every:
                    _record_sent(result.sent[recorded:], now=now)
                    recorded = len(result.sent)
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.warning("The mail connection did not close cleanly.")


def _record_sent(ids: list[int], *, now: dt.datetime) -> None:
    Notification.objects.filter(email_state=Notification.EmailState.SENDING, pk__in=ids).update(
        email_state=Notification.EmailState.SENT, email_sent_at=now, email_error=""
    )


def _finish(result: SendResult, *, now: dt.datetime) -> None:
    """Record the batch's outcome: a fixed number of UPDATEs, whatever its size (rows
    already recorded at a checkpoint are SENT and left alone)."""
    states = Notification.EmailState
    sending = Notification.objects.filter(email_state=states.SENDING)
    if result.sent:
        _record_sent(result.sent, now=now)
    if result.skipped:
        sending.filter(pk__in=result.skipped).update(email_state=states.SKIPPED)
    if result.dropped:
        sending.filter(pk__in=result.dropped).update(email_state=states.DROPPED)
    for error, ids in result.failed.items():
        sending.filter(pk__in=ids).update(email_state=states.FAILED, email_error=error)
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for row in result.retry:
        by_attempts[row.email_attempts].append(row.pk)
    error = next(iter(result.errors.values()), "")
    for attempts, ids in by_attempts.items():
        if attempts >= MAX_EMAIL_ATTEMPTS:
            sending.filter(pk__in=ids).update(email_state=states.FAILED, email_error=error)
        else:
            sending.filter(pk__in=ids).update(
                email_state=states.PENDING,
                email_queued_at=None,
                email_due_at=now + email_backoff(attempts),
                email_error=error,
            )


def emails_send(*, notification_ids: list[int], now: dt.datetime | None = None) -> SendResult:
    """Claim and send one batch of emails through one mail connection."""
    now = now or timezone.now()
    result = SendResult()
    claimed = _emails_claim(ids=list(notification_ids), now=now)
    if not claimed:
        return result
    rows = list(
        _with_email_choice(Notification.objects.filter(pk__in=claimed))
        .select_related("recipient")
        .order_by("pk")
    )
    to_send: list[Notification] = []
    for row in rows:
        if not row.recipient.is_active or not row.recipient.email:
            result.skipped.append(row.pk)
        elif row.email_expires_at is not None and row.email_expires_at <= now:
            result.dropped.append(row.pk)
        elif _email_off(row):
            result.skipped.append(row.pk)
        else:
            to_send.append(row)
    pairs = []
    layouts: dict = {}
    for row, (template, context) in zip(to_send, email_contexts(to_send), strict=True):
        try:
            message = email_render(row, template=template, context=context, layouts=layouts)
            pairs.append((row, message))
        except Exception as exc:  # a broken template fails its row, never the batch
            logger.exception("Rendering notification %s failed", row.pk)
            result.failed[f"Could not be rendered: {type(exc).__name__}"].append(row.pk)
    if pairs:
        _send_all(pairs, result, now=now)
    _finish(result, now=now)
    return result
