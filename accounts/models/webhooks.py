"""Team channels: a team's Slack or Microsoft Teams webhook and the messages sent to it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.users import Team, User
from ambassador.encryption import EncryptedTextField


class TeamWebhook(models.Model):
    """A Slack or Microsoft Teams incoming webhook of one team; the URL is a secret and is
    stored encrypted."""

    class Service(models.TextChoices):
        SLACK = "SLACK", _("Slack")
        TEAMS = "TEAMS", _("Microsoft Teams")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="webhooks")
    service = models.CharField(_("service"), max_length=8, choices=Service.choices)
    url = EncryptedTextField()
    # Enough to recognise the webhook in a list, not enough to use it.
    url_hint = models.CharField(max_length=80)
    # The team channel's messages are written in this language.
    language = models.CharField(
        _("language"), max_length=8, choices=User.Language.choices, default=User.Language.EN
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_success_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("team webhook")
        verbose_name_plural = _("team webhooks")
        constraints = [
            models.UniqueConstraint(fields=["team", "service"], name="accounts_webhook_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_service_display()}"


class WebhookMessage(models.Model):
    """One message to one team webhook, unique on (webhook, kind, subject, period) and
    claimed for sending with a conditional UPDATE, like the email channel."""

    class State(models.TextChoices):
        PENDING = "PENDING", _("Waiting")
        SENDING = "SENDING", _("Sending")
        SENT = "SENT", _("Sent")
        FAILED = "FAILED", _("Failed")
        DROPPED = "DROPPED", _("Dropped, too late")

    webhook = models.ForeignKey(TeamWebhook, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=40)
    # Service-neutral: title, text, url and facts; formatted for Slack or Teams when sent.
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    due_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "kind", "subject", "period"],
                name="accounts_webhook_message_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "due_at"],
                condition=models.Q(state__in=["PENDING", "SENDING"]),
                name="accounts_webhook_msg_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.webhook}: {self.kind} {self.period}"
