"""Notifications, exactly once: rows, preferences, quiet hours, the email channel.

How a reminder travels:

1. Beat runs ``accounts.notifications_tick`` every minute. The tick asks every registered
   *reminder source* (each app registers its own in ``AppConfig.ready``) to create the
   rows that are due now. A source finds its people with selectors and writes
   ``Notification`` rows in bulk; the database keeps one row per (recipient, kind,
   subject, period), so a source that runs twice (two beats, a retried tick) creates
   each reminder once.
2. A row shown in the inbox is delivered in-app the moment it exists. A row with
   ``email_state`` PENDING waits for its ``email_due_at`` (quiet hours move it to the
   morning in the person's time zone), then the tick hands it to a worker in batches,
   marking ``email_queued_at`` with a conditional UPDATE.
3. The worker claims its batch with a conditional UPDATE (PENDING → SENDING): whatever
   the number of duplicated tasks, one claimer sends. Sent rows become SENT; transient
   failures go back to PENDING with a backoff; a stale digest is DROPPED rather than
   sent late.

Nothing is lost when the broker is: a row handed over but never claimed is handed over
again after ``NOTIFICATIONS_REQUEUE_SECONDS``; a worker that died holding a claim gives
it back after ``NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS`` and the email is sent again (email
cannot be made idempotent; its Message-ID stays the same, so mail clients can tell).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import webhooks
from accounts.audit import AuditAction
from accounts.models import (
    REMINDER_SCHEDULE_ID,
    DigestFrequency,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
    NotificationSetting,
    ReminderSchedule,
    User,
)
from accounts.notification_selectors import kind_label
from accounts.services import audit_record

logger = logging.getLogger(__name__)

EMAIL_BATCH_SIZE = 200
MAX_EMAIL_ATTEMPTS = 5
# Subject of the rows an admin's "send me a test" creates.
TEST_SUBJECT = "test"
UNSUBSCRIBE_SALT = "accounts.notifications.unsubscribe"
DEFAULT_QUIET_START = dt.time(21, 0)
DEFAULT_QUIET_END = dt.time(7, 0)

Email = NotificationChannel.EMAIL
InApp = NotificationChannel.IN_APP


# --- Kinds and their defaults -----------------------------------------------------------


@dataclass(frozen=True)
class KindInfo:
    kind: str
    email: bool  # on by default by email
    in_app: bool  # on by default in the app
    help: str = ""


# A new employee gets the digest, training and guideline reminders by email, and
# everything in the app. Connection trouble stops their sharing, so it comes by email too.
KINDS: dict[str, KindInfo] = {
    info.kind: info
    for info in (
        KindInfo(NotificationKind.DIGEST, email=True, in_app=True),
        KindInfo(NotificationKind.TRAINING_DUE, email=True, in_app=True),
        KindInfo(NotificationKind.GUIDELINES, email=True, in_app=True),
        KindInfo(NotificationKind.NUDGE, email=False, in_app=True),
        KindInfo(NotificationKind.FEATURED, email=False, in_app=True),
        KindInfo(NotificationKind.CONNECTION, email=True, in_app=True),
        KindInfo(NotificationKind.SCHEDULED_POST, email=False, in_app=True),
        KindInfo(NotificationKind.SUGGESTION, email=False, in_app=True),
        KindInfo(NotificationKind.THREAD_REPLY, email=False, in_app=True),
    )
}


def channel_default(kind: str, channel: str) -> bool:
    info = KINDS.get(kind)
    if info is None:
        return channel == InApp
    return info.email if channel == Email else info.in_app


# --- What each app registers -----------------------------------------------------------


@dataclass(frozen=True)
class PreviewLine:
    """One line of the admin's "next run" preview."""

    kind: str
    when: dt.datetime | None
    people: int
    note: str = ""


@dataclass(frozen=True)
class ReminderSource:
    """What one app has to say. ``collect(now=)`` creates the rows due at ``now`` and
    returns how many it offered; ``preview(now=)`` says what the next run would send."""

    name: str
    kinds: tuple[str, ...]
    collect: Callable[..., int]
    preview: Callable[..., list[PreviewLine]] | None = None
    # Run at most once per this long (its people are re-checked, so more often buys
    # nothing); None: every tick.
    every: dt.timedelta | None = None


# An email renderer takes rows of one kind and returns one template context per row, in
# order, with constant queries for the whole list.
EmailRenderer = Callable[[list[Notification]], list[dict[str, Any]]]
SampleMaker = Callable[..., "Draft"]


@dataclass(frozen=True)
class EmailTemplate:
    template: str  # without extension: <template>.html and <template>.txt
    context: EmailRenderer | None = None


_sources: dict[str, ReminderSource] = {}
_email_templates: dict[str, EmailTemplate] = {}
_samples: dict[str, SampleMaker] = {}
GENERIC_TEMPLATE = EmailTemplate("accounts/email/notification")


def register_source(source: ReminderSource) -> None:
    _sources[source.name] = source


def register_email(kind: str, template: EmailTemplate) -> None:
    _email_templates[kind] = template


def register_sample(kind: str, maker: SampleMaker) -> None:
    """``maker(user=, now=)`` returns a Draft showing ``user`` what a ``kind`` looks like."""
    _samples[kind] = maker


def sources() -> list[ReminderSource]:
    return list(_sources.values())


# --- Time zones and quiet hours --------------------------------------------------------


def zone(name: str | None) -> ZoneInfo:
    """The person's time zone; an unknown name falls back to the site's."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def in_quiet_hours(local: dt.time, start: dt.time | None, end: dt.time | None) -> bool:
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # across midnight, e.g. 21:00-07:00


def next_send_time(
    *, now: dt.datetime, time_zone: str | None, start: dt.time | None, end: dt.time | None
) -> dt.datetime:
    """``now``, or the end of the person's quiet hours when ``now`` falls inside them."""
    tz = zone(time_zone)
    local = now.astimezone(tz)
    if not in_quiet_hours(local.time(), start, end):
        return now
    day = local.date()
    if local.time() >= end:  # the evening part of overnight quiet hours
        day += dt.timedelta(days=1)
    # A wall-clock time that does not exist (spring forward) comes out an hour later.
    morning = dt.datetime.combine(day, end, tzinfo=tz)
    return morning.astimezone(dt.UTC)


# --- Preferences ------------------------------------------------------------------------


def channel_on(kind: str, channel: str):
    """An expression for a User queryset: does this person get ``kind`` on ``channel``?"""
    default = channel_default(kind, channel)
    override = NotificationPreference.objects.filter(
        user=OuterRef("pk"), kind=kind, channel=channel, enabled=not default
    )
    return ~Exists(override) if default else Exists(override)


def with_delivery(people: QuerySet[User], *, kind: str) -> QuerySet[User]:
    """``people`` who get ``kind`` on at least one channel, annotated with what the draft
    needs: ``email_on``, ``in_app_on``, quiet hours and the digest frequency."""
    return (
        people.annotate(
            email_on=channel_on(kind, Email),
            in_app_on=channel_on(kind, InApp),
            setting_id=F("notification_setting__id"),
            quiet_start=F("notification_setting__quiet_hours_start"),
            quiet_end=F("notification_setting__quiet_hours_end"),
            digest_frequency=Coalesce(
                F("notification_setting__digest_frequency"), Value(DigestFrequency.WEEKLY)
            ),
        )
        .filter(Q(email_on=True) | Q(in_app_on=True))
        .exclude(email="")
    )


def quiet_hours_of(person) -> tuple[dt.time | None, dt.time | None]:
    """From a ``with_delivery`` row: no setting row means the default quiet hours."""
    if getattr(person, "setting_id", None) is None:
        return DEFAULT_QUIET_START, DEFAULT_QUIET_END
    return person.quiet_start, person.quiet_end


@dataclass
class Preferences:
    setting: NotificationSetting
    channels: dict[tuple[str, str], bool]

    def enabled(self, kind: str, channel: str) -> bool:
        return self.channels[(kind, channel)]


def preferences_of(*, user: User) -> Preferences:
    """Every kind and channel for ``user`` (defaults filled in), in two queries."""
    setting = NotificationSetting.objects.filter(user=user).first() or NotificationSetting(
        user=user
    )
    channels = {
        (kind, channel): channel_default(kind, channel)
        for kind in KINDS
        for channel in NotificationChannel.values
    }
    for kind, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
        "kind", "channel", "enabled"
    ):
        if (kind, channel) in channels:
            channels[(kind, channel)] = enabled
    return Preferences(setting=setting, channels=channels)


def _preference_set(*, user: User, kind: str, channel: str, enabled: bool) -> None:
    """Store only what differs from the default: the defaults can change later."""
    if enabled == channel_default(kind, channel):
        NotificationPreference.objects.filter(user=user, kind=kind, channel=channel).delete()
    else:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
        )


@transaction.atomic
def preferences_save(
    *,
    user: User,
    channels: dict[tuple[str, str], bool],
    digest_frequency: str,
    quiet_hours_start: dt.time | None,
    quiet_hours_end: dt.time | None,
) -> Preferences:
    if digest_frequency not in DigestFrequency.values:
        raise ValueError(digest_frequency)
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        raise ValueError("quiet hours need a start and an end")
    NotificationSetting.objects.update_or_create(
        user=user,
        defaults={
            "digest_frequency": digest_frequency,
            "quiet_hours_start": quiet_hours_start,
            "quiet_hours_end": quiet_hours_end,
        },
    )
    for (kind, channel), enabled in channels.items():
        if kind in KINDS and channel in NotificationChannel.values:
            _preference_set(user=user, kind=kind, channel=channel, enabled=enabled)
    return preferences_of(user=user)


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


# --- Unsubscribe links --------------------------------------------------------------------


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id, "k": kind})


def unsubscribe_read(*, token: str) -> tuple[User, str] | None:
    """The person and kind a signed unsubscribe token names, or None when forged."""
    try:
        payload = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("k") not in KINDS:
        return None
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None:
        return None
    return user, payload["k"]


_PLACEHOLDER = "__value__"


@functools.cache
def _path_around_token(name: str) -> tuple[str, str]:
    before, _token, after = reverse(name, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    return before, after


def path_with_token(name: str, token: str) -> str:
    """``reverse(name, args=[token])`` for a URL taking one string, without resolving the
    URLconf again for each of thousands of emails."""
    before, after = _path_around_token(name)
    return f"{before}{token}{after}"


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id=user_id, kind=kind)
    return settings.SITE_URL + path_with_token("accounts:unsubscribe", token)


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[User, str] | None:
    """Turn off email for the token's kind. Idempotent; None for a forged token."""
    found = unsubscribe_read(token=token)
    if found is None:
        return None
    user, kind = found
    _preference_set(user=user, kind=kind, channel=Email, enabled=False)
    return user, kind


# --- Creating rows --------------------------------------------------------------------------


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


# --- The email channel ------------------------------------------------------------------------


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


def _email_opt_outs(rows: list[Notification]) -> set[tuple[int, str]]:
    """(person, kind) pairs whose email is off now: a change since the row was made wins."""
    recipients = {row.recipient_id for row in rows}
    kinds = {row.kind for row in rows}
    prefs = NotificationPreference.objects.filter(
        user_id__in=recipients, kind__in=kinds, channel=Email
    ).values_list("user_id", "kind", "enabled")
    explicit = {(user_id, kind): enabled for user_id, kind, enabled in prefs}
    return {
        (row.recipient_id, row.kind)
        for row in rows
        if not explicit.get((row.recipient_id, row.kind), channel_default(row.kind, Email))
    }


@functools.cache
def _preferences_path() -> str:
    return reverse("accounts:notification_settings")


def absolute_url(path: str) -> str:
    if not path or urlsplit(path).scheme in ("http", "https"):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else f"/{path}")


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
        template = _email_templates.get(kind, GENERIC_TEMPLATE)
        chosen = [rows[i] for i in indexes]
        contexts = template.context(chosen) if template.context else [{} for _row in chosen]
        for i, context in zip(indexes, contexts, strict=True):
            result[i] = (template, context)
    return result


def email_render(
    row: Notification, *, template: EmailTemplate, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """The email of one row, in its recipient's language, every link absolute."""
    recipient = row.recipient
    with in_language_of(recipient):
        unsubscribe = unsubscribe_url(user_id=recipient.pk, kind=row.kind)
        full = {
            "notification": row,
            "recipient": recipient,
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
        text = render_to_string(f"{template.template}.txt", full)
        html = render_to_string(f"{template.template}.html", full)
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


def _send_all(pairs, result: SendResult) -> None:
    """Send each message on one connection, reopened once if the server hangs up."""
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
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.warning("The mail connection did not close cleanly.")


def _finish(result: SendResult, *, now: dt.datetime) -> None:
    """Record the batch's outcome: a fixed number of UPDATEs, whatever its size."""
    states = Notification.EmailState
    sending = Notification.objects.filter(email_state=states.SENDING)
    if result.sent:
        sending.filter(pk__in=result.sent).update(
            email_state=states.SENT, email_sent_at=now, email_error=""
        )
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
        Notification.objects.filter(pk__in=claimed).select_related("recipient").order_by("pk")
    )
    opted_out = _email_opt_outs([row for row in rows if row.subject != TEST_SUBJECT])
    to_send: list[Notification] = []
    for row in rows:
        if not row.recipient.is_active or not row.recipient.email:
            result.skipped.append(row.pk)
        elif row.email_expires_at is not None and row.email_expires_at <= now:
            result.dropped.append(row.pk)
        elif (row.recipient_id, row.kind) in opted_out:
            result.skipped.append(row.pk)
        else:
            to_send.append(row)
    pairs = []
    for row, (template, context) in zip(to_send, email_contexts(to_send), strict=True):
        try:
            pairs.append((row, email_render(row, template=template, context=context)))
        except Exception as exc:  # a broken template fails its row, never the batch
            logger.exception("Rendering notification %s failed", row.pk)
            result.failed[f"Could not be rendered: {type(exc).__name__}"].append(row.pk)
    if pairs:
        _send_all(pairs, result)
    _finish(result, now=now)
    return result


# --- The tick ---------------------------------------------------------------------------------


@dataclass
class TickResult:
    offered: dict[str, int]
    email_batches: list[list[int]]
    webhook_message_ids: list[int]


def _slot_is_free(source: ReminderSource, *, now: dt.datetime) -> bool:
    """True for the first run of ``source`` in its current time slot. Kept in the cache:
    losing it costs one extra run, never a reminder (the rows are the truth)."""
    slot = int(now.timestamp() // source.every.total_seconds())
    return cache.add(
        f"reminders:source:{source.name}:{slot}", 1, timeout=source.every.total_seconds() * 2
    )


def reminders_collect(*, now: dt.datetime) -> dict[str, int]:
    """Ask every source for what is due at ``now``. One failing source is logged and
    never keeps the others from running."""
    offered: dict[str, int] = {}
    for source in sources():
        if source.every is not None and not _slot_is_free(source, now=now):
            continue
        try:
            offered[source.name] = source.collect(now=now)
        except Exception:
            logger.exception("Reminder source %s failed", source.name)
            offered[source.name] = -1
    return offered


def reminders_tick(*, now: dt.datetime | None = None) -> TickResult:
    """One beat tick: give back dead claims, drop stale rows, create what is due, and
    hand over what may be sent now. The caller enqueues the batches."""
    now = now or timezone.now()
    emails_reclaim(now=now)
    emails_drop_expired(now=now)
    webhooks.messages_reclaim(now=now)
    offered = reminders_collect(now=now)
    return TickResult(
        offered=offered,
        email_batches=emails_queue_due(now=now),
        webhook_message_ids=webhooks.messages_queue_due(now=now),
    )


# --- Connections expiring or broken -------------------------------------------------------
#
# Inert until connected accounts exist. That work provides the selector
#
#     accounts.selectors.connections_needing_reminder(*, now) -> Iterable[ConnectionDue]
#
# (connections whose token expires within 12 days, and those marked "reconnect needed")
# and replaces the body of ``connections_due`` with a call to it. Nothing else changes.

CONNECTION_WARN_DAYS = (12, 5)


@dataclass(frozen=True)
class ConnectionDue:
    user_id: int
    connection_id: int
    network_label: str
    expires_at: dt.datetime | None = None  # when the token expires (LinkedIn)
    broken_at: dt.datetime | None = None  # when it was marked "reconnect needed"


def connections_due(*, now: dt.datetime) -> list[ConnectionDue]:
    return []


def _connection_period(due: ConnectionDue, *, now: dt.datetime) -> str:
    if due.broken_at is not None:
        return f"reconnect-{due.broken_at.astimezone(dt.UTC):%Y%m%dT%H%M}"
    if due.expires_at is None or due.expires_at <= now:
        return ""
    days_left = (due.expires_at - now).days
    warn = [days for days in CONNECTION_WARN_DAYS if days_left < days]
    if not warn:
        return ""
    return f"expiry-{min(warn)}d-{due.expires_at.astimezone(dt.UTC):%Y%m%d}"


def connection_reminders_create(*, due: Iterable[ConnectionDue], now: dt.datetime) -> int:
    """Reminders for connections about to expire (12 and 5 days before) or broken (at
    once), each once per connection and occasion."""
    by_user: dict[int, list[tuple[ConnectionDue, str]]] = defaultdict(list)
    for item in due:
        period = _connection_period(item, now=now)
        if period:
            by_user[item.user_id].append((item, period))
    if not by_user:
        return 0
    people = with_delivery(
        User.objects.active().filter(pk__in=list(by_user)), kind=NotificationKind.CONNECTION
    )
    drafts = []
    url = reverse("accounts:profile")
    for person in people:
        for item, period in by_user[person.pk]:
            with in_language_of(person):
                if item.broken_at is not None:
                    title = _("Reconnect %(network)s to keep sharing") % {
                        "network": item.network_label
                    }
                else:
                    title = _("Your %(network)s connection expires on %(date)s") % {
                        "network": item.network_label,
                        "date": item.expires_at.astimezone(zone(person.time_zone)).date(),
                    }
                body = _("Open your profile and connect the account again.")
            drafts.append(
                draft_for(
                    person,
                    kind=NotificationKind.CONNECTION,
                    subject=f"connection:{item.connection_id}",
                    period=period,
                    title=title,
                    body=body,
                    url=url,
                    now=now,
                )
            )
    return notifications_create(drafts=drafts, now=now)


def _connections_collect(*, now: dt.datetime) -> int:
    return connection_reminders_create(due=connections_due(now=now), now=now)


CONNECTION_SOURCE = ReminderSource(
    name="accounts.connections",
    kinds=(NotificationKind.CONNECTION,),
    collect=_connections_collect,
)


# --- Schedule and tests for admins -------------------------------------------------------------


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
    maker = _samples.get(kind)
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
