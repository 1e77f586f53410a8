"""Notifications: the rows of the inbox and the email channel, what they are about, a
person's preferences and quiet hours, and the admins' digest schedule."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about; preferences are kept per kind and channel.

    The last three values predate this list: in-app notices already carried them.
    """

    DIGEST = "DIGEST", _("Weekly digest")
    TRAINING_DUE = "TRAINING_DUE", _("Training due")
    GUIDELINES = "training.guidelines_published", _("Guidelines to acknowledge")
    NUDGE = "NUDGE", _("Gentle nudges")
    FEATURED = "FEATURED", _("New featured items")
    CONNECTION = "CONNECTION", _("Connections expiring or broken")
    SCHEDULED_POST = "SCHEDULED_POST", _("Scheduled posts published or failed")
    SUGGESTION = "content_review", _("Review of your suggestions")
    THREAD_REPLY = "content_comment", _("Comments on your content")


class NotificationChannel(models.TextChoices):
    EMAIL = "EMAIL", _("Email")
    IN_APP = "IN_APP", _("In the app")


class DigestFrequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("Weekly")
    BIWEEKLY = "BIWEEKLY", _("Every two weeks")
    OFF = "OFF", _("Off")


class NotificationQuerySet(models.QuerySet):
    def inbox(self):
        """What the in-app inbox shows: a person may turn the in-app channel off per kind."""
        return self.filter(in_app=True)

    def unread(self):
        return self.inbox().filter(read_at__isnull=True)


class Notification(models.Model):
    """One notification to one person: shown in the in-app inbox and, per the person's
    preferences, sent by email.

    Reminders carry a ``subject`` (what it is about, e.g. ``training.module:3``) and a
    ``period`` (which occurrence, e.g. the digest's week): the database keeps one row per
    (recipient, kind, subject, period), so a reminder created twice exists once. The email
    channel is claimed for sending with a conditional UPDATE on ``email_state``.
    """

    class EmailState(models.TextChoices):
        NONE = "NONE", _("Not by email")
        PENDING = "PENDING", _("Waiting")
        SENDING = "SENDING", _("Sending")
        SENT = "SENT", _("Sent")
        FAILED = "FAILED", _("Failed")
        SKIPPED = "SKIPPED", _("Skipped")
        DROPPED = "DROPPED", _("Dropped, too late")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # What a kind needs to render its email later (e.g. the digest's item ids).
    data = models.JSONField(default=dict, blank=True)
    in_app = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.NONE
    )
    # Not before this (quiet hours), and not after ``email_expires_at`` (a stale digest).
    email_due_at = models.DateTimeField(null=True, blank=True)
    email_expires_at = models.DateTimeField(null=True, blank=True)
    # Handed to a worker at; a lost task (a flushed broker) is handed over again later.
    email_queued_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject", "period"],
                condition=~models.Q(period=""),
                name="accounts_notification_once_per_period",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(fields=["recipient", "kind", "-created_at"]),
            models.Index(
                fields=["email_state", "email_due_at"],
                condition=models.Q(email_state__in=["PENDING", "SENDING"]),
                name="accounts_notif_email_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# Quiet hours of a person who never chose: from the evening to the morning.
DEFAULT_QUIET_START = datetime.time(21, 0)
DEFAULT_QUIET_END = datetime.time(7, 0)


def _default_quiet_start() -> datetime.time:
    return DEFAULT_QUIET_START


def _default_quiet_end() -> datetime.time:
    return DEFAULT_QUIET_END


class NotificationSetting(models.Model):
    """A person's digest frequency and quiet hours (in their own time zone).

    No row means the defaults: a weekly digest, quiet from 21:00 to 07:00.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting"
    )
    digest_frequency = models.CharField(
        _("digest"), max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    # Both empty: no quiet hours.
    quiet_hours_start = models.TimeField(
        _("quiet from"), null=True, blank=True, default=_default_quiet_start
    )
    quiet_hours_end = models.TimeField(
        _("quiet until"), null=True, blank=True, default=_default_quiet_end
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | models.Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False),
                name="accounts_quiet_hours_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.digest_frequency}"


class NotificationPreference(models.Model):
    """A person's choice for one kind on one channel, where it differs from the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64, choices=NotificationKind.choices)
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="accounts_notification_pref_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.channel} {self.enabled}"


REMINDER_SCHEDULE_ID = 1


class ReminderSchedule(models.Model):
    """The one row (id 1) where an admin sets when the weekly digest goes out.

    The day and time are read in each person's own time zone.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    digest_weekday = models.PositiveSmallIntegerField(
        _("digest day"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_time = models.TimeField(_("digest time"), default=datetime.time(8, 0))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedule")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=REMINDER_SCHEDULE_ID),
                name="accounts_reminder_schedule_single",
            ),
            models.CheckConstraint(
                condition=models.Q(digest_weekday__lte=6), name="accounts_reminder_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Reminder schedule"))
