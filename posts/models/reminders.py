"""A curator's request to tell an item's audience about it now."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeaturedAnnouncement(models.Model):
    """Tell the audience of a featured item about it: in the app, by email per their
    preferences (quiet hours apply) and in their teams' channels. Announced once: the
    reminders tick claims ``announced_at`` with a conditional UPDATE."""

    item = models.OneToOneField(
        "posts.ContentItem", on_delete=models.CASCADE, related_name="featured_announcement"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("featured item announcement")
        verbose_name_plural = _("featured item announcements")

    def __str__(self) -> str:
        return f"{self.item_id} announced {self.announced_at or '-'}"
