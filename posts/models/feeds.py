"""RSS/Atom feeds that bring new entries into the library."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class FeedStatus(models.TextChoices):
    NEW = "NEW", _("Not fetched yet")
    OK = "OK", _("Working")
    FAILING = "FAILING", _("Failing")


# Why a fetch failed, stored as a code (+ parameters) and translated when shown, so each
# admin reads it in their own language whatever language the worker ran in.
FEED_ERROR_MESSAGES = {
    "HTTP_STATUS": _("Feed URL: the server answered with HTTP status %(status)s."),
    "XML_ENTITIES": _("Feed URL: the feed uses XML entities, which are not allowed."),
    "NOT_A_FEED": _("Feed URL: the response is not a valid RSS or Atom feed."),
    # ``reason`` is the untranslated message of the fetcher (ambassador.fetch).
    "FETCH": _("Feed URL: %(reason)s"),
}


def feed_error_message(code: str, params: dict | None = None) -> str:
    """The message of an error code in the active language ("" for an unknown code)."""
    template = FEED_ERROR_MESSAGES.get(code)
    if template is None:
        return ""
    params = dict(params or {})
    if "reason" in params:
        params["reason"] = gettext(str(params["reason"]))
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return ""


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
    last_error_code = models.CharField(_("last error code"), max_length=32, blank=True)
    last_error_params = models.JSONField(_("last error parameters"), default=dict, blank=True)
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

    def last_error_display(self) -> str:
        """The last error in the active language (the stored text for older rows)."""
        return feed_error_message(self.last_error_code, self.last_error_params) or self.last_error
