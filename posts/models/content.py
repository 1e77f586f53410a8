"""The approved-content library: items, their per-network captions, and topics."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassador.networks import Network


class ContentStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    IN_REVIEW = "IN_REVIEW", _("In review")
    CHANGES_REQUESTED = "CHANGES_REQUESTED", _("Changes requested")
    APPROVED = "APPROVED", _("Approved")
    REJECTED = "REJECTED", _("Rejected")
    ARCHIVED = "ARCHIVED", _("Archived")


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


def live_q(now=None) -> Q:
    """Approved, published and not yet expired."""
    now = now or timezone.now()
    return (
        Q(status=ContentStatus.APPROVED)
        & (Q(publish_at__isnull=True) | Q(publish_at__lte=now))
        & (Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    )


def _aimed_at(team_ids) -> Exists:
    """Aimed at one of ``team_ids``: an ``Exists`` rather than a join, so no ``distinct()``
    is needed and the query stays one row per item whatever the number of teams."""
    return Exists(
        ContentItem.target_teams.through.objects.filter(
            contentitem_id=OuterRef("pk"), team_id__in=list(team_ids)
        )
    )


def targeted_q(team_ids) -> Q:
    """For everyone, or aimed at one of ``team_ids``."""
    return Q(target_everyone=True) | Q(_aimed_at(team_ids))


def curatable_q(*, user_id: int, managed_team_ids, everyone: bool) -> Q:
    """What a manager may review and edit: items aimed at a team of ``managed_team_ids``, or
    created or suggested by them (``user_id``). Items aimed at everyone only when
    ``everyone`` (a company-wide curator): their destination is behind every employee's
    tracked links. Admins curate everything; the caller decides that."""
    q = Q(_aimed_at(managed_team_ids)) | Q(created_by_id=user_id) | Q(suggested_by_id=user_id)
    if everyone:
        return Q(target_everyone=True) | q
    return Q(target_everyone=False) & q


class ContentItemQuerySet(models.QuerySet):
    """Reads of items. Who a person is (their teams, their role) is worked out by the
    selectors and passed in as ids: a QuerySet never asks."""

    def approved(self):
        return self.filter(status=ContentStatus.APPROVED)

    def live(self, now=None):
        """Approved, published and not yet expired."""
        return self.filter(live_q(now))

    def targeted_at(self, team_ids):
        """Items for everyone, or aimed at one of ``team_ids``."""
        return self.filter(targeted_q(team_ids))

    def for_audience(self, team_ids):
        """What an employee whose audience teams are ``team_ids`` may see in the feed and
        share: live, and for everyone or aimed at one of those teams."""
        return self.live().targeted_at(team_ids)

    def curatable(self, *, user_id: int, managed_team_ids, everyone: bool):
        """See ``curatable_q``."""
        return self.filter(
            curatable_q(user_id=user_id, managed_team_ids=managed_team_ids, everyone=everyone)
        )


class ContentItem(models.Model):
    """Something the company would like its ambassadors to share."""

    url = models.URLField(_("URL"), max_length=2000)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    image = models.ImageField(_("image"), upload_to="content/%Y/%m/", blank=True)
    # Where a preview image came from (OpenGraph); the file itself is stored in ``image``.
    image_source_url = models.URLField(_("image source"), max_length=2000, blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="items"
    )
    target_everyone = models.BooleanField(_("for everyone"), default=True)
    target_teams = models.ManyToManyField(
        "accounts.Team", verbose_name=_("target teams"), blank=True, related_name="content_items"
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    expire_at = models.DateTimeField(_("expire at"), null=True, blank=True)
    caption_editable = models.BooleanField(_("caption editable by employees"), default=True)
    featured = models.BooleanField(_("featured"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ContentStatus.choices, default=ContentStatus.DRAFT
    )
    review_note = models.TextField(_("review note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="content_created",
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="content_suggested",
    )
    suggestion_reason = models.TextField(_("why it is worth sharing"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="content_approved",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Imported from an RSS/Atom feed: the feed and the entry's GUID (dedupe key).
    feed = models.ForeignKey(
        "posts.Feed",
        verbose_name=_("feed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    feed_guid = models.CharField(_("feed entry ID"), max_length=500, blank=True)
    preview_fetched_at = models.DateTimeField(_("link preview fetched at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContentItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="posts_item_url_http",
            ),
            models.CheckConstraint(
                condition=Q(expire_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(expire_at__gt=models.F("publish_at")),
                name="posts_item_expire_after_publish",
            ),
            models.UniqueConstraint(
                fields=["feed", "feed_guid"],
                condition=Q(feed__isnull=False) & ~Q(feed_guid=""),
                name="posts_item_feed_guid_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-featured", "-publish_at"]),
            models.Index(fields=["url"], name="posts_item_url_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def display_title(self) -> str:
        return self.title or self.url


class Caption(models.Model):
    """The suggested caption of an item for one network, in one language."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="captions")
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("caption"))

    class Meta:
        verbose_name = _("caption")
        verbose_name_plural = _("captions")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "network", "language"], name="posts_caption_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.network}, {self.language})"
