"""Notifications, exactly once: rows, preferences, quiet hours, the email channel.

One module per entity: ``kinds`` (what a notification is about, default channels),
``registry`` (what each app registers: reminder sources, email templates, samples),
``preferences`` (channels, digest frequency, quiet hours), ``links`` (absolute and
unsubscribe links), ``rows`` (drafts and rows), ``email`` (the email channel), ``tick``
(the beat's tick) and ``schedule`` (the admins' digest schedule and test sends). The pages
are ``views``, ``forms`` and ``selectors``, as in every app.

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

from accounts.notifications.email import (
    EMAIL_BATCH_SIZE,
    MAX_EMAIL_ATTEMPTS,
    SendResult,
    email_backoff,
    email_contexts,
    email_render,
    emails_drop_expired,
    emails_queue_due,
    emails_reclaim,
    emails_send,
)
from accounts.notifications.kinds import (
    KINDS,
    Email,
    InApp,
    KindInfo,
    channel_default,
    kind_label,
)
from accounts.notifications.links import (
    UNSUBSCRIBE_SALT,
    absolute_url,
    path_with_token,
    unsubscribe,
    unsubscribe_read,
    unsubscribe_token,
    unsubscribe_url,
)
from accounts.notifications.preferences import (
    Preferences,
    channel_on,
    in_quiet_hours,
    next_send_time,
    preference_set,
    preferences_of,
    preferences_save,
    quiet_hours_of,
    with_delivery,
    zone,
)
from accounts.notifications.registry import (
    GENERIC_TEMPLATE,
    EmailRenderer,
    EmailTemplate,
    PreviewLine,
    ReminderSource,
    SampleMaker,
    email_template,
    register_email,
    register_sample,
    register_source,
    sample_maker,
    sources,
)
from accounts.notifications.rows import (
    TEST_SUBJECT,
    Draft,
    draft_for,
    in_language_of,
    notification_deliver,
    notifications_create,
    notifications_mark_read,
)
from accounts.notifications.schedule import (
    notification_send_test,
    reminder_schedule,
    reminder_schedule_save,
    sample_draft,
)
from accounts.notifications.tick import (
    TickResult,
    reminders_collect,
    reminders_tick,
)

__all__ = [
    "EMAIL_BATCH_SIZE",
    "MAX_EMAIL_ATTEMPTS",
    "SendResult",
    "email_backoff",
    "email_contexts",
    "email_render",
    "emails_drop_expired",
    "emails_queue_due",
    "emails_reclaim",
    "emails_send",
    "KINDS",
    "Email",
    "InApp",
    "KindInfo",
    "channel_default",
    "kind_label",
    "UNSUBSCRIBE_SALT",
    "absolute_url",
    "path_with_token",
    "unsubscribe",
    "unsubscribe_read",
    "unsubscribe_token",
    "unsubscribe_url",
    "Preferences",
    "channel_on",
    "in_quiet_hours",
    "next_send_time",
    "preference_set",
    "preferences_of",
    "preferences_save",
    "quiet_hours_of",
    "with_delivery",
    "zone",
    "GENERIC_TEMPLATE",
    "EmailRenderer",
    "EmailTemplate",
    "PreviewLine",
    "ReminderSource",
    "SampleMaker",
    "email_template",
    "register_email",
    "register_sample",
    "register_source",
    "sample_maker",
    "sources",
    "TEST_SUBJECT",
    "Draft",
    "draft_for",
    "in_language_of",
    "notification_deliver",
    "notifications_create",
    "notifications_mark_read",
    "notification_send_test",
    "reminder_schedule",
    "reminder_schedule_save",
    "sample_draft",
    "TickResult",
    "reminders_collect",
    "reminders_tick",
]
