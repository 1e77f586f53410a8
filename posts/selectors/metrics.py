"""Reads of reach metrics: scopes, periods and every dashboard table, from the rollups only.

A dashboard is a fixed number of queries whatever the number of teams, shares or clicks:
every table is one grouped query on a rollup table, and the rest is arithmetic here.
Individual figures leave this module only for the person themself and for people who opted
in to the leaderboard; teams below ``METRICS_MIN_GROUP_SIZE`` are shown with their parent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as accounts_selectors
from accounts.models import TeamMembership, User
from posts.models import (
    ContentTeamDay,
    LeaderboardOptIn,
    MetricRate,
    PersonDay,
    RollupState,
    Share,
    ShareDay,
    ShareFacts,
    TeamNetworkDay,
)
from posts.selectors.metric_scopes import Scope, TeamGroup, dashboard_scope
from posts.selectors.points import ACTIVITY_FIELDS, point_weights, points_of
from training.models import Completion, Module
from training.selectors import guideline_current, users_without_current_acknowledgement

PERIOD_DAYS = (7, 30, 90)
DEFAULT_PERIOD_DAYS = 30
CUSTOM_PERIOD_MAX_DAYS = 400
TOP_CONTENT = 10

FIGURE_FIELDS = (
    "shares_posted",
    "shares_intent",
    "potential_reach",
    "clicks",
    "unique_visitors",
    "engagement",
    "impressions",
)
NULLABLE = {"engagement", "impressions"}


def programme_today() -> dt.date:
    return timezone.now().astimezone(timezone.get_default_timezone()).date()


def network_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Share._meta.get_field("network").choices}


# --- Periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    key: str = "30"  # "7", "30", "90" or "custom"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        end = self.start - dt.timedelta(days=1)
        return Period(start=end - dt.timedelta(days=self.days - 1), end=end, key=self.key)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def as_query(self) -> str:
        if self.key == "custom":
            return f"period=custom&start={self.start.isoformat()}&end={self.end.isoformat()}"
        return f"period={self.key}"


def period_last(*, days: int = DEFAULT_PERIOD_DAYS, today: dt.date | None = None) -> Period:
    today = today or programme_today()
    return Period(start=today - dt.timedelta(days=days - 1), end=today, key=str(days))


# --- Figures ------------------------------------------------------------------------------------


@dataclass
class Figures:
    shares_posted: int = 0
    shares_intent: int = 0
    potential_reach: int = 0
    clicks: int = 0
    unique_visitors: int = 0
    engagement: int | None = None
    impressions: int | None = None
    sharers: int | None = None
    people: int | None = None
    emv: dict[str, Decimal] | None = None

    @property
    def shares(self) -> int:
        return self.shares_posted + self.shares_intent

    @property
    def participation(self) -> float | None:
        """Percent of people in scope who shared; None when nobody is in scope."""
        if not self.people or self.sharers is None:
            return None
        return 100.0 * self.sharers / self.people

    def add(self, row: dict) -> None:
        for name in FIGURE_FIELDS:
            value = row.get(name)
            if value is None:
                continue
            if name in NULLABLE:
                setattr(self, name, (getattr(self, name) or 0) + value)
            else:
                setattr(self, name, getattr(self, name) + value)


def _sums() -> dict:
    return {name: Sum(name) for name in FIGURE_FIELDS}


def change_percent(current, previous) -> float | None:
    """The change against the previous period in percent; None when there is no base."""
    if current is None or previous is None or not previous:
        return None
    return 100.0 * (float(current) - float(previous)) / float(previous)


# --- EMV rates ----------------------------------------------------------------------------------


@dataclass
class RateBook:
    """Every EMV rate, to look up the one in effect for a (network, currency, day)."""

    rates: list[MetricRate]
    by_key: dict[tuple[str, str], list[MetricRate]] = field(default_factory=dict)

    def __post_init__(self):
        for rate in sorted(self.rates, key=lambda r: r.effective_date):
            self.by_key.setdefault((rate.network, rate.currency), []).append(rate)

    @property
    def currencies(self) -> list[str]:
        return sorted({currency for _network, currency in self.by_key})

    def rate_for(self, network: str, currency: str, day: dt.date) -> MetricRate | None:
        found = None
        for rate in self.by_key.get((network, currency), []):
            if rate.effective_date <= day:
                found = rate
        return found

    def used_in(self, period: Period) -> list[MetricRate]:
        """The rates in effect on some day of ``period``."""
        used = []
        for rates in self.by_key.values():
            for index, rate in enumerate(rates):
                following = rates[index + 1].effective_date if index + 1 < len(rates) else None
                if rate.effective_date <= period.end and (
                    following is None or following > period.start
                ):
                    used.append(rate)
        return sorted(used, key=lambda r: (r.currency, r.network, r.effective_date))


def rate_book() -> RateBook:
    return RateBook(list(MetricRate.objects.order_by("network", "currency", "effective_date")))


def emv_of(
    *, book: RateBook, network: str, day: dt.date, clicks: int, engagement, impressions
) -> dict[str, Decimal]:
    """Earned media value of one network's figures on one day, in every currency with rates."""
    values = {}
    for currency in book.currencies:
        rate = book.rate_for(network, currency, day)
        if rate is None:
            continue
        value = rate.cpm * Decimal(impressions or 0) / 1000 + rate.cpc * (
            rate.reaction_weight * Decimal(engagement or 0) + Decimal(clicks or 0)
        )
        values[currency] = value
    return values


def _add_emv(target: Figures, values: dict[str, Decimal]) -> None:
    if target.emv is None:
        target.emv = {}
    for currency, value in values.items():
        target.emv[currency] = target.emv.get(currency, Decimal(0)) + value


def _round_emv(figures: Figures) -> None:
    if figures.emv is not None:
        figures.emv = {c: v.quantize(Decimal("1")) for c, v in figures.emv.items()}


# --- The dashboard ------------------------------------------------------------------------------


@dataclass
class TeamRow:
    """A teams-table row: a team (with the small teams shown with it) and its figures."""

    group: TeamGroup
    figures: Figures = field(default_factory=Figures)

    @property
    def name(self) -> str:
        return self.group.name

    @property
    def merged(self) -> list[str]:
        return self.group.merged

    @property
    def people(self) -> int:
        return self.group.people


@dataclass
class NetworkRow:
    network: str
    label: str
    figures: Figures


@dataclass
class WeekRow:
    start: dt.date
    end: dt.date
    figures: Figures


@dataclass
class ContentRow:
    item_id: int
    title: str
    figures: Figures


@dataclass
class PersonRow:
    user_id: int
    name: str
    figures: Figures


@dataclass
class StatusLine:
    done: int
    people: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.done / self.people if self.people else None


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    current: Figures
    previous: Figures
    networks: list[NetworkRow]
    weeks: list[WeekRow]
    teams: list[TeamRow]
    content: list[ContentRow]
    people: list[PersonRow]
    rates_used: list[MetricRate]
    has_rates: bool
    unrated: list[str]  # networks with figures in the period on a day without a rate
    guidelines: StatusLine | None
    training: StatusLine | None
    updated_at: dt.datetime | None

    @property
    def changes(self) -> dict[str, float | None]:
        names = (*FIGURE_FIELDS, "shares", "participation", "sharers", "people")
        result = {
            name: change_percent(getattr(self.current, name), getattr(self.previous, name))
            for name in names
        }
        currencies = set(self.current.emv or {}) | set(self.previous.emv or {})
        for currency in currencies:
            result[f"emv_{currency}"] = change_percent(
                (self.current.emv or {}).get(currency), (self.previous.emv or {}).get(currency)
            )
        return result

    @property
    def figures_measured(self) -> dict[str, bool]:
        return {
            "clicks": True,
            "engagement": self.current.engagement is not None,
            "impressions": self.current.impressions is not None,
        }


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _weeks(period: Period) -> list[WeekRow]:
    weeks = []
    start = period.start
    while start <= period.end:
        end = min(_week_start(start) + dt.timedelta(days=6), period.end)
        weeks.append(WeekRow(start=start, end=end, figures=Figures()))
        start = end + dt.timedelta(days=1)
    return weeks


def _participation(scope: Scope, periods: list[Period]) -> list[int]:
    """People in scope who shared at least once in each period (one query)."""
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    rows = ShareFacts.objects.filter(
        shared_on__gte=first, shared_on__lte=last, user_id__in=scope.user_ids
    )
    counts = rows.aggregate(
        **{
            f"p{index}": Count(
                "user_id", distinct=True, filter=Q(shared_on__gte=p.start, shared_on__lte=p.end)
            )
            for index, p in enumerate(periods)
        }
    )
    return [counts[f"p{index}"] for index in range(len(periods))]


def _status_lines(scope: Scope) -> tuple[StatusLine | None, StatusLine | None]:
    """Guidelines acknowledged, and every required module completed, by people in scope."""
    if not scope.user_ids:
        return None, None
    guidelines = None
    if guideline_current() is not None:
        missing = users_without_current_acknowledgement().filter(id__in=scope.user_ids).count()
        guidelines = StatusLine(done=scope.people - missing, people=scope.people)
    required = list(
        Module.objects.filter(is_required=True, is_published=True).values_list("id", flat=True)
    )
    if not required:
        return guidelines, None
    complete = (
        Completion.objects.filter(user_id__in=scope.user_ids, module_id__in=required)
        .values("user_id")
        .order_by()
        .annotate(n=Count("module_id", distinct=True))
        .filter(n=len(required))
        .count()
    )
    return guidelines, StatusLine(done=complete, people=scope.people)


def dashboard(*, scope: Scope, period: Period, viewer: User) -> Dashboard:
    """Every figure of a manager's or admin's dashboard, in a fixed number of queries."""
    previous = period.previous
    book = rate_book()
    labels = network_labels()
    current, before = Figures(), Figures()
    by_network: dict[str, Figures] = {}
    unrated: set[str] = set()
    weeks = _weeks(period)
    rows = (
        TeamNetworkDay.objects.filter(scope.team_q(), day__gte=previous.start, day__lte=period.end)
        .values("network", "day")
        .order_by()
        .annotate(**_sums())
    )
    for row in rows:
        target = current if period.contains(row["day"]) else before
        target.add(row)
        emv = emv_of(
            book=book,
            network=row["network"],
            day=row["day"],
            clicks=row["clicks"],
            engagement=row["engagement"],
            impressions=row["impressions"],
        )
        if book.currencies:
            _add_emv(target, emv)
            if target is current and len(emv) < len(book.currencies):
                unrated.add(row["network"])
        if target is current:
            network = by_network.setdefault(row["network"], Figures())
            network.add(row)
            if book.currencies:
                _add_emv(network, emv)
            for week in weeks:
                if week.start <= row["day"] <= week.end:
                    week.figures.add(row)
    if book.currencies:
        for target in (current, before):
            target.emv = target.emv or dict.fromkeys(book.currencies, Decimal(0))
    for target in (current, before, *by_network.values()):
        _round_emv(target)

    current.sharers, before.sharers = _participation(scope, [period, previous])
    current.people = before.people = scope.people

    groups = [TeamRow(group=g) for g in scope.groups]
    team_rows = (
        TeamNetworkDay.objects.filter(scope.team_q(), day__gte=period.start, day__lte=period.end)
        .values("team_id")
        .order_by()
        .annotate(**_sums())
    )
    for row in team_rows:
        for group in groups:
            if row["team_id"] in group.group.member_team_ids:
                group.figures.add(row)
                break

    guidelines, training = _status_lines(scope)
    state = RollupState.objects.filter().values_list("last_run_at", flat=True).first()
    return Dashboard(
        scope=scope,
        period=period,
        current=current,
        previous=before,
        networks=[
            NetworkRow(network=n, label=labels.get(n, n), figures=f)
            for n, f in sorted(by_network.items(), key=lambda kv: -kv[1].clicks)
        ],
        weeks=weeks,
        teams=groups,
        content=top_content(scope=scope, period=period),
        people=opted_in_people(scope=scope, period=period),
        rates_used=book.used_in(period),
        has_rates=bool(book.currencies),
        unrated=sorted(labels.get(n, n) for n in unrated),
        guidelines=guidelines,
        training=training,
        updated_at=state,
    )


def top_content(*, scope: Scope, period: Period, limit: int = TOP_CONTENT) -> list[ContentRow]:
    rows = (
        ContentTeamDay.objects.filter(scope.team_q(), day__gte=period.start, day__lte=period.end)
        .values("item_id", "item__title")
        .order_by()
        .annotate(**_sums())
        .order_by("-clicks", "-potential_reach", "item_id")[:limit]
    )
    result = []
    for row in rows:
        figures = Figures()
        figures.add(row)
        result.append(ContentRow(item_id=row["item_id"], title=row["item__title"], figures=figures))
    return result


def opted_in_user_ids(*, user_ids) -> set[int]:
    return set(
        LeaderboardOptIn.objects.filter(user_id__in=user_ids, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def opted_in_people(*, scope: Scope, period: Period) -> list[PersonRow]:
    """Individual figures of the people in scope who opted in; nobody else."""
    opted_in = LeaderboardOptIn.objects.filter(
        user_id__in=scope.user_ids, user__is_active=True
    ).values("user_id")
    rows = (
        PersonDay.objects.filter(day__gte=period.start, day__lte=period.end, user_id__in=opted_in)
        .values("user_id", "user__display_name", "user__email")
        .order_by()
        .annotate(**_sums())
        .order_by("-clicks", "user_id")
    )
    result = []
    for row in rows:
        figures = Figures()
        figures.add(row)
        name = row["user__display_name"] or row["user__email"]
        result.append(PersonRow(user_id=row["user_id"], name=name, figures=figures))
    return result


# --- The home page card ----------------------------------------------------------------------


@dataclass
class HomeSummary:
    team_view: bool  # a manager's or admin's scope; else the person's own reach
    label: str
    period: Period
    current: Figures
    previous: Figures
    too_small: bool = False

    @property
    def changes(self) -> dict[str, float | None]:
        return {
            name: change_percent(getattr(self.current, name), getattr(self.previous, name))
            for name in ("shares", "potential_reach", "clicks", "participation")
        }


def _period_pair(queryset, period: Period) -> tuple[Figures, Figures]:
    previous = period.previous
    rows = (
        queryset.filter(day__gte=previous.start, day__lte=period.end)
        .values("day")
        .order_by()
        .annotate(**_sums())
    )
    current, before = Figures(), Figures()
    for row in rows:
        (current if period.contains(row["day"]) else before).add(row)
    return current, before


def home_summary(*, viewer: User) -> HomeSummary:
    """The last 30 days for the home page: the viewer's teams (or programme), else their own."""
    period = period_last()
    if accounts_selectors.access_for(user=viewer).may_curate:
        scope = dashboard_scope(viewer=viewer)
        if scope.too_small:
            return HomeSummary(True, scope.label, period, Figures(), Figures(), too_small=True)
        current, before = _period_pair(TeamNetworkDay.objects.filter(scope.team_q()), period)
        current.sharers, before.sharers = _participation(scope, [period, period.previous])
        current.people = before.people = scope.people
        return HomeSummary(True, scope.label, period, current, before)
    current, before = _period_pair(PersonDay.objects.filter(user=viewer), period)
    return HomeSummary(False, _("Your reach"), period, current, before)


# --- The shares behind the figures -------------------------------------------------------------


@dataclass
class ShareLine:
    share_id: int
    shared_on: dt.date
    team: str
    network: str
    kind: str
    followers: int
    in_period: bool
    clicks: int
    unique_visitors: int
    engagement: int | None
    impressions: int | None
    person: str  # empty unless the person opted in (or is the viewer)
    item: str

    @property
    def potential_reach(self) -> int:
        return self.followers if self.in_period else 0


def share_lines(
    *, period: Period, scope: Scope | None = None, user: User | None = None
) -> list[ShareLine]:
    """One line per share in scope that was made in the period or had clicks or engagement
    in it; the columns add up to the dashboard's figures. ``user``: that person's own."""
    facts_q = Q(user=user) if user is not None else scope.team_q()
    day_q = (
        Q(share__metrics__user=user) if user is not None else scope.team_q("share__metrics__team")
    )
    activity = {
        row["share_id"]: row
        for row in ShareDay.objects.filter(day_q, day__gte=period.start, day__lte=period.end)
        .values("share_id")
        .order_by()
        .annotate(
            clicks=Sum("clicks"),
            unique_visitors=Sum("unique_visitors"),
            engagement=Sum("engagement"),
            impressions=Sum("impressions"),
        )
    }
    active_in_period = ShareDay.objects.filter(
        share_id=OuterRef("share_id"), day__gte=period.start, day__lte=period.end
    )
    facts = (
        ShareFacts.objects.filter(facts_q)
        .filter(
            Q(shared_on__gte=period.start, shared_on__lte=period.end) | Exists(active_in_period)
        )
        .values(
            "share_id",
            "shared_on",
            "team_id",
            "team__name",
            "network",
            "kind",
            "followers",
            "user_id",
            "user__display_name",
            "user__email",
            "user__is_active",
            "item__title",
        )
        .order_by("shared_on", "share_id")
    )
    facts = list(facts)
    named = opted_in_user_ids(user_ids={f["user_id"] for f in facts}) if user is None else set()
    labels = network_labels()
    lines = []
    for f in facts:
        if user is not None:
            team = f["team__name"] or ""
        else:
            group = scope.group_of(f["team_id"])
            team = group.name if group is not None else ""
        show_name = user is not None or (f["user_id"] in named and f["user__is_active"])
        day = activity.get(f["share_id"], {})
        lines.append(
            ShareLine(
                share_id=f["share_id"],
                shared_on=f["shared_on"],
                team=team,
                network=labels.get(f["network"], f["network"]),
                kind=f["kind"],
                followers=f["followers"],
                in_period=period.contains(f["shared_on"]),
                clicks=day.get("clicks") or 0,
                unique_visitors=day.get("unique_visitors") or 0,
                engagement=day.get("engagement"),
                impressions=day.get("impressions"),
                person=(f["user__display_name"] or f["user__email"]) if show_name else "",
                item=f["item__title"],
            )
        )
    return lines


# --- A person's own reach -------------------------------------------------------------------------


@dataclass
class PersonReach:
    user: User
    period: Period
    current: Figures
    previous: Figures
    weeks: list[WeekRow]
    shares: list[ShareLine]
    points: int
    opted_in: bool

    @property
    def changes(self) -> dict[str, float | None]:
        return {
            name: change_percent(getattr(self.current, name), getattr(self.previous, name))
            for name in (*FIGURE_FIELDS, "shares")
        }


def person_reach(*, user: User, period: Period) -> PersonReach:
    """One person's own figures, with the same definitions as the dashboards."""
    previous = period.previous
    current, before = Figures(), Figures()
    weeks = _weeks(period)
    weights = point_weights()
    points = 0
    rows = (
        PersonDay.objects.filter(user=user, day__gte=previous.start, day__lte=period.end)
        .values("day", *FIGURE_FIELDS, *ACTIVITY_FIELDS)
        .order_by("day")
    )
    for row in rows:
        if period.contains(row["day"]):
            current.add(row)
            points += points_of(row, weights)
            for week in weeks:
                if week.start <= row["day"] <= week.end:
                    week.figures.add(row)
        else:
            before.add(row)
    return PersonReach(
        user=user,
        period=period,
        current=current,
        previous=before,
        weeks=weeks,
        shares=share_lines(period=period, user=user),
        points=points,
        opted_in=LeaderboardOptIn.objects.filter(user=user).exists(),
    )


def person_figures_visible_to(*, viewer: User, person: User) -> bool:
    """Individual figures: the person themself, or an opted-in person in the viewer's scope."""
    if viewer.pk == person.pk:
        return True
    access = accounts_selectors.access_for(user=viewer)
    if not person.is_active or not access.may_curate:
        return False
    if not LeaderboardOptIn.objects.filter(user=person).exists():
        return False
    if access.is_admin:
        return True
    return TeamMembership.objects.filter(user=person, team_id__in=access.managed_team_ids).exists()
