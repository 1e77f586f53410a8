"""RSS/Atom feeds that bring new entries into the library."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeedStatus(models.TextChoices):
    NEW = "NEW", _("Not fetched yet")
    OK = "OK", _("Working")
    FAILING = "FAILING", _("Failing")


class FeedQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(is_active=True, next_fetch_at__lte=now)


class Feed(models.Model):
    """A company blog or newsroom feed an admin added; fetched periodically."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed URL"), max_length=2000, unique=True)
    trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_(
            "Entries from a trusted feed are approved at once instead of waiting for review."
        ),
    )
    daily_max = models.PositiveSmallIntegerField(
        _("new items per day at most"),
        default=5,
        help_text=_("The most entries this feed may add to the library in one day (UTC)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    topics = models.ManyToManyField(
        "posts.Topic", verbose_name=_("topics for new items"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=FeedStatus.choices, default=FeedStatus.NEW
    )
    last_error = models.TextField(_("last error"), blank=True)
    failure_count = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)
    next_fetch_at = models.DateTimeField(_("next fetch at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("RSS/Atom feed")
        verbose_name_plural = _("RSS/Atom feeds")
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="posts_feed_url_http",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "next_fetch_at"])]

    def __str__(self) -> str:
        return self.name
