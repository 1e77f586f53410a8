"""Reach metrics: daily rollups, EMV rates, point weights, leaderboard opt-ins.

The rollup tables (``ShareFacts``, ``ShareDay``, ``TeamNetworkDay``, ``PersonDay``,
``ContentTeamDay``) are derived data: ``posts.services.metrics`` keeps them from click totals
and engagement readings (``EngagementReading``), and ``manage.py metrics_rebuild`` rebuilds
any date range. Dashboards read only these tables. What every figure means is written once,
in ``posts.metrics_definitions``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from posts.models.shares import SHARE_NETWORK_CHOICES


class ShareKind(models.TextChoices):
    POSTED = "POSTED", _("posted")
    INTENT = "INTENT", _("intent opened")


class ShareFacts(models.Model):
    """What the rollups need of one share that was posted or whose intent was opened.

    ``team`` is the sharer's team when the share is first rolled up (the team they joined
    first), so a share counts for exactly one team and later team moves do not rewrite
    history. ``kind`` and ``shared_on`` follow the share's status: a share still scheduled
    or sending, or one that failed, reached nobody and has no facts; when its status
    changes, the next rollup adds, changes or removes them.
    """

    share = models.OneToOneField(
        "posts.Share", on_delete=models.CASCADE, primary_key=True, related_name="metrics"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item = models.ForeignKey("posts.ContentItem", on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16, choices=SHARE_NETWORK_CHOICES)
    kind = models.CharField(max_length=8, choices=ShareKind.choices)
    # The day of the share in the programme's time zone: when it was posted, or when the
    # intent was opened.
    shared_on = models.DateField()
    followers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("share facts")
        verbose_name_plural = _("share facts")
        indexes = [
            models.Index(fields=["shared_on", "team"]),
            models.Index(fields=["user", "shared_on"]),
            # How many people of a scope shared an item (top content lists only items shared
            # by the minimum group size), read from the index alone.
            models.Index(fields=["item", "team", "user"], name="posts_facts_item_team_user"),
        ]

    def __str__(self) -> str:
        return f"{self.share_id} {self.shared_on}"


class ShareDay(models.Model):
    """One share on one day: clicks and unique visitors (the UTC day of the click totals),
    and the growth of its engagement and impressions that day (NULL: not reported)."""

    share = models.ForeignKey("posts.Share", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    clicks = models.PositiveIntegerField(default=0)
    unique_visitors = models.PositiveIntegerField(default=0)
    engagement = models.IntegerField(null=True, blank=True)
    impressions = models.IntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("share day")
        verbose_name_plural = _("share days")
        constraints = [
            models.UniqueConstraint(fields=["share", "day"], name="posts_shareday_unique"),
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.share_id} {self.day}"


FIGURE_COLUMNS = (
    "shares_posted",
    "shares_intent",
    "potential_reach",
    "clicks",
    "unique_visitors",
    "engagement",
    "impressions",
)


class _DailyFigures(models.Model):
    """The figures every aggregate rollup row carries."""

    day = models.DateField()
    shares_posted = models.PositiveIntegerField(default=0)
    shares_intent = models.PositiveIntegerField(default=0)
    potential_reach = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    unique_visitors = models.PositiveIntegerField(default=0)
    engagement = models.IntegerField(null=True, blank=True)
    impressions = models.BigIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


class TeamNetworkDay(_DailyFigures):
    """One team's shares on one network on one day. ``team`` NULL: people in no team."""

    # A deleted team's rows go with it (its shares' facts lose the team; a rebuild counts
    # them under no team): setting NULL here could collide with the no-team rows.
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    network = models.CharField(max_length=16, choices=SHARE_NETWORK_CHOICES)

    class Meta:
        verbose_name = _("team day")
        verbose_name_plural = _("team days")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "network", "day"],
                condition=models.Q(team__isnull=False),
                name="posts_teamnetworkday_unique",
            ),
            models.UniqueConstraint(
                fields=["network", "day"],
                condition=models.Q(team__isnull=True),
                name="posts_teamnetworkday_unique_no_team",
            ),
        ]
        indexes = [
            models.Index(fields=["day", "team"]),
            # A manager's teams over a period: the dashboard reads only this index.
            models.Index(
                fields=["team", "day"],
                include=["network", *FIGURE_COLUMNS],
                name="posts_teamday_team_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.network} {self.day}"


class PersonDay(_DailyFigures):
    """One person's day, also the actions that earn points. Only active people have rows:
    when someone leaves, their rows go (team totals stay in ``TeamNetworkDay``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    modules_completed = models.PositiveIntegerField(default=0)
    guidelines_acknowledged = models.PositiveIntegerField(default=0)
    suggestions_approved = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("person day")
        verbose_name_plural = _("person days")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="posts_personday_unique"),
        ]
        indexes = [
            models.Index(fields=["day"]),
            # The opted-in people of a dashboard over a period: read from this index alone.
            models.Index(
                fields=["user", "day"], include=FIGURE_COLUMNS, name="posts_personday_user_cover"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class ContentTeamDay(_DailyFigures):
    """One content item's shares by one team on one day (for top content)."""

    item = models.ForeignKey("posts.ContentItem", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("content day")
        verbose_name_plural = _("content days")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "team", "day"],
                condition=models.Q(team__isnull=False),
                name="posts_contentteamday_unique",
            ),
            models.UniqueConstraint(
                fields=["item", "day"],
                condition=models.Q(team__isnull=True),
                name="posts_contentteamday_unique_no_team",
            ),
        ]
        indexes = [
            models.Index(fields=["day", "team"]),
            # Top content of a manager's teams over a period: read from this index alone.
            models.Index(
                fields=["team", "day"],
                include=["item", *FIGURE_COLUMNS],
                name="posts_contentday_team_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.team_id} {self.day}"


ROLLUP_STATE_ID = 1


class RollupState(models.Model):
    """The one row (id 1) the incremental rollup locks and moves its watermark on."""

    watermark = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup state")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=ROLLUP_STATE_ID), name="posts_rollupstate_single"
            ),
        ]

    def __str__(self) -> str:
        return f"rollup @ {self.watermark}"


class MetricRate(models.Model):
    """Earned-media-value rates of one network and currency, from ``effective_date`` on."""

    network = models.CharField(_("network"), max_length=16, choices=SHARE_NETWORK_CHOICES)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    cpm = models.DecimalField(
        _("CPM (per 1,000 impressions)"), max_digits=12, decimal_places=2, default=0
    )
    cpc = models.DecimalField(_("CPC (per click)"), max_digits=12, decimal_places=2, default=0)
    reaction_weight = models.DecimalField(
        _("reaction weight"), max_digits=6, decimal_places=3, default=1
    )
    effective_date = models.DateField(_("effective from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("earned media value rate")
        verbose_name_plural = _("earned media value rates")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "currency", "effective_date"], name="posts_metricrate_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(cpm__gte=0, cpc__gte=0, reaction_weight__gte=0),
                name="posts_metricrate_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} {self.currency} from {self.effective_date}"


class PointAction(models.TextChoices):
    SHARE = "SHARE", _("share posted")
    CLICK = "CLICK", _("human click")
    MODULE_COMPLETED = "MODULE_COMPLETED", _("completed module")
    SUGGESTION_APPROVED = "SUGGESTION_APPROVED", _("approved suggestion")
    GUIDELINES_ACKNOWLEDGED = "GUIDELINES_ACKNOWLEDGED", _("acknowledged guidelines")


class PointWeight(models.Model):
    """How many points one action earns; an action without a row earns its default."""

    action = models.CharField(_("action"), max_length=32, choices=PointAction.choices, unique=True)
    points = models.PositiveIntegerField(_("points"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("point weight")
        verbose_name_plural = _("point weights")

    def __str__(self) -> str:
        return f"{self.action}: {self.points}"


class LeaderboardOptIn(models.Model):
    """The person chose to appear on leaderboards with their own figures. No row: they don't."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leaderboard_opt_in"
    )
    opted_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("leaderboard opt-in")
        verbose_name_plural = _("leaderboard opt-ins")

    def __str__(self) -> str:
        return str(self.user_id)
