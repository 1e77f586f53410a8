"""Clicks on tracked links: raw human click events, daily per-share totals, and the daily salt.

Only counted (human) clicks become rows. No client address is ever stored: a visitor is
the hash of (today's salt, address, user agent), and the salt is deleted the next day.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Click(models.Model):
    """One counted click. ``event_id`` is created on the hot path and makes the flush idempotent."""

    event_id = models.UUIDField(unique=True, editable=False)
    share = models.ForeignKey("posts.Share", on_delete=models.CASCADE, related_name="clicks")
    clicked_at = models.DateTimeField(_("clicked at"))
    # The UTC day of the click: the salt's day and the daily total's day.
    day = models.DateField(_("day"))
    visitor_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("click")
        verbose_name_plural = _("clicks")
        indexes = [
            models.Index(fields=["share", "day"]),
            models.Index(fields=["clicked_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.share_id} @ {self.clicked_at:%Y-%m-%d %H:%M}"


class ShareDailyClicks(models.Model):
    """Counted clicks and unique visitors of one share on one UTC day, kept by the flush."""

    share = models.ForeignKey("posts.Share", on_delete=models.CASCADE, related_name="daily_clicks")
    day = models.DateField(_("day"))
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    unique_visitors = models.PositiveIntegerField(_("unique visitors"), default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("daily clicks")
        verbose_name_plural = _("daily clicks")
        constraints = [
            models.UniqueConstraint(fields=["share", "day"], name="posts_dailyclicks_unique"),
            models.CheckConstraint(
                condition=models.Q(unique_visitors__lte=models.F("clicks")),
                name="posts_dailyclicks_unique_le_clicks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.share_id} {self.day}: {self.clicks}"


class ClickSalt(models.Model):
    """The secret salt of one UTC day for visitor hashes; older salts are deleted."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("click salt")
        verbose_name_plural = _("click salts")

    def __str__(self) -> str:
        return str(self.day)
