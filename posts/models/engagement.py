"""Engagement readings: what a network reported about one posted share, dated.

History is kept; the latest reading is the current figure. A field left empty means the
network does not report it (never zero)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EngagementReading(models.Model):
    share = models.ForeignKey(
        "posts.Share", on_delete=models.CASCADE, related_name="engagement_readings"
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)
    reactions = models.PositiveIntegerField(_("reactions"), null=True, blank=True)
    reposts = models.PositiveIntegerField(_("reposts"), null=True, blank=True)
    replies = models.PositiveIntegerField(_("replies"), null=True, blank=True)
    quotes = models.PositiveIntegerField(_("quotes"), null=True, blank=True)
    impressions = models.PositiveIntegerField(_("impressions"), null=True, blank=True)

    class Meta:
        verbose_name = _("engagement reading")
        verbose_name_plural = _("engagement readings")
        indexes = [models.Index(fields=["share", "-read_at"])]

    def __str__(self) -> str:
        return f"{self.share_id} @ {self.read_at:%Y-%m-%d %H:%M}"
