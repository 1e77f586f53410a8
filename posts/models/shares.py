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

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.get_network_display()}: {self.item}"
