"""Shares: one employee sharing one item to one network, with its own tracked link."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassador.networks import Network

# "Copy link and caption" for any network Ambassador has no share intent for: the Share is
# recorded with this value, the caption follows the guidelines without a network's limit.
OTHER_NETWORK = "OTHER"
SHARE_NETWORK_CHOICES = [*Network.choices, (OTHER_NETWORK, _("Another network"))]


class ShareStatus(models.TextChoices):
    # The share intent was opened; whether the person posted is unknown until they paste
    # the post's address.
    INTENT_OPENED = "INTENT_OPENED", _("intent opened")
    SCHEDULED = "SCHEDULED", _("scheduled")
    # Claimed by a worker; the network may or may not have the post yet.
    SENDING = "SENDING", _("sending")
    POSTED = "POSTED", _("posted")
    FAILED = "FAILED", _("failed")
    # A scheduled post the person called off before a worker claimed it.
    CANCELLED = "CANCELLED", _("cancelled")


class CollectStatus(models.TextChoices):
    NONE = "", _("not collected")
    ACTIVE = "ACTIVE", _("collecting")
    DONE = "DONE", _("done")
    NOT_REPORTED = "NOT_REPORTED", _("not reported by the network")
    FAILED = "FAILED", _("failed")


class Share(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shares"
    )
    item = models.ForeignKey("posts.ContentItem", on_delete=models.PROTECT, related_name="shares")
    network = models.CharField(_("network"), max_length=16, choices=SHARE_NETWORK_CHOICES)
    caption = models.TextField(_("caption"))
    # The sharing account's followers at share time: the basis of potential reach.
    followers_at_share = models.PositiveIntegerField(_("followers at share time"), default=0)
    # The tracked link is /r/<code>: short, unguessable, URL-safe.
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    # --- Publishing through a connected account (or a pasted post address) ---
    status = models.CharField(
        _("status"), max_length=16, choices=ShareStatus.choices, default=ShareStatus.INTENT_OPENED
    )
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    # When a worker last claimed it for sending; a claim older than the lease is taken over.
    sending_at = models.DateTimeField(null=True, blank=True)
    publish_attempts = models.PositiveSmallIntegerField(default=0)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    post_id = models.CharField(_("post id"), max_length=300, blank=True)
    post_url = models.URLField(_("post address"), max_length=500, blank=True)
    publish_error = models.CharField(max_length=300, blank=True)
    # --- Engagement collection: due rows are claimed by a beat tick ---
    collect_status = models.CharField(
        max_length=16, choices=CollectStatus.choices, default=CollectStatus.NONE, blank=True
    )
    next_collect_at = models.DateTimeField(null=True, blank=True)
    collect_failures = models.PositiveSmallIntegerField(default=0)
    collect_error = models.CharField(max_length=300, blank=True)
    # When publishing or collection last gave up (the admins' list of failures).
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            # One post on a network is one share: a pasted address cannot claim another's.
            models.UniqueConstraint(
                fields=["network", "post_url"],
                condition=~models.Q(post_url=""),
                name="posts_share_post_url_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(
                fields=["scheduled_at"],
                condition=models.Q(status__in=["SCHEDULED", "SENDING"]),
                name="posts_share_publish_due",
            ),
            models.Index(
                fields=["next_collect_at"],
                condition=models.Q(collect_status="ACTIVE"),
                name="posts_share_collect_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.get_network_display()}: {self.item}"
