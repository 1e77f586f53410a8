"""A manager's or admin's dashboard and the home page card, from the rollups only."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q

from accounts.models import TeamMembership, User
from posts.models import (
    ContentItem,
    ContentTeamDay,
    MetricRate,
    RollupState,
    ShareFacts,
    TeamNetworkDay,
)
from posts.selectors.metric_scopes import Scope, TeamGroup, min_group_size
from posts.selectors.metrics.figures import (
    FIGURE_FIELDS,
    Figures,
    change_percent,
    network_labels,
    translated,
    translated_columns,
)
from posts.selectors.metrics.opt_ins import PersonRow, opted_in_people, people_in
from posts.selectors.metrics.periods import Period, WeekRow, weeks_of
from posts.selectors.metrics.rates import add_emv, emv_of, rate_book, round_emv
from training.models import Completion, Module
from training.selectors import guideline_current, users_without_current_acknowledgement

TOP_CONTENT = 10
# The most-clicked items looked at for the top list; of those, only items that at least the
# minimum group size of people shared are listed (counting sharers of every item is slow).
TOP_CANDIDATES = 5


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
class ContentRow:
    item_id: int
    title: str
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


def _in_list(column: str, values) -> tuple[str, list]:
    values = sorted(values)
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _scope_sql(scope: Scope) -> tuple[str, list, str, list]:
    """SQL for the scope's teams on a rollup table, and for its people (active members)."""
    users = User._meta.db_table
    if scope.team_ids is None:
        people = f"SELECT id AS user_id FROM {users} WHERE is_active = %s"  # noqa: S608
        return "1 = 1", [], people, [True]
    teams, team_params = _in_list("team_id", scope.team_ids)
    members, member_params = _in_list("m.team_id", scope.team_ids)
    people = (
        f"SELECT DISTINCT m.user_id FROM {TeamMembership._meta.db_table} m "  # noqa: S608
        f"JOIN {users} u ON u.id = m.user_id WHERE u.is_active = %s AND {members}"
    )
    return teams, team_params, people, [True, *member_params]


_SUMS = ", ".join(f"CAST(SUM({name}) AS BIGINT)" for name in FIGURE_FIELDS)
_NAMED_SUMS = ", ".join(f"CAST(SUM({name}) AS BIGINT) AS {name}" for name in FIGURE_FIELDS)

# Every figure of the dashboard but the opted-in people, in one query: the network-days of
# both periods (totals, networks, weeks, EMV), the teams of the period, the people who shared
# in each period (participation), and the top content with its titles in every language —
# only items that at least the minimum group size of people in scope shared, so that no row
# is one person's figures.
# Portable SQL (PostgreSQL and SQLite); identifiers come from model metadata, values are
# parameters.
_FIGURES_SQL = """
SELECT 'day', network, day, NULL, {sums}, {no_titles}
FROM {team_day} WHERE day >= %s AND day <= %s AND {teams}
GROUP BY network, day
UNION ALL
SELECT 'team', NULL, NULL, team_id, {sums}, {no_titles}
FROM {team_day} WHERE day >= %s AND day <= %s AND {teams}
GROUP BY team_id
UNION ALL
SELECT 'sharers', NULL, NULL, NULL,
       SUM(CASE WHEN EXISTS (
           SELECT 1 FROM {facts} f
           WHERE f.user_id = p.user_id AND f.shared_on >= %s AND f.shared_on <= %s
       ) THEN 1 ELSE 0 END),
       SUM(CASE WHEN EXISTS (
           SELECT 1 FROM {facts} f
           WHERE f.user_id = p.user_id AND f.shared_on >= %s AND f.shared_on <= %s
       ) THEN 1 ELSE 0 END), 0, 0, 0, NULL, NULL, {no_titles}
FROM ({people}) p
UNION ALL
SELECT 'content', NULL, NULL, top.item_id, {top_figures}, {titles}
FROM (
    SELECT candidate.* FROM (
        SELECT item_id, {named_sums}
        FROM {content_day} WHERE day >= %s AND day <= %s AND {teams}
        GROUP BY item_id
        ORDER BY clicks DESC, potential_reach DESC, item_id
        LIMIT %s
    ) candidate
    WHERE (
        SELECT COUNT(DISTINCT f.user_id) FROM {facts} f
        WHERE f.item_id = candidate.item_id AND f.shared_on <= %s AND {teams}
    ) >= %s
    ORDER BY clicks DESC, potential_reach DESC, item_id
    LIMIT %s
) top JOIN {item} i ON i.id = top.item_id
"""


def _as_date(value) -> dt.date:
    # SQLite hands raw dates back as text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# The programme's figures change only when a rollup runs (it is the only writer of the rollup
# tables and moves ``RollupState.last_run_at``), so they are cached per rollup generation;
# the key also holds what else they depend on: the period, the teams and the active people.
PROGRAMME_CACHE_SECONDS = 6 * 3600


def _programme_cache_key(scope: Scope, period: Period, generation) -> str | None:
    if not scope.is_programme or generation is None:
        return None
    teams = sorted(str(t) for g in scope.groups for t in g.member_team_ids)
    digest = hashlib.sha256(",".join(teams).encode()).hexdigest()[:16]
    return (
        f"metrics:programme:{generation.isoformat()}:{period.start}:{period.end}:"
        f"{scope.people}:{digest}"
    )


def _figure_rows(scope: Scope, period: Period, generation=None) -> list[tuple]:
    """(part, network, day, key, *sums in FIGURE_FIELDS order) of the dashboard's one query."""
    key = _programme_cache_key(scope, period, generation)
    if key is not None:
        rows = cache.get(key)
        if rows is None:
            rows = _figure_query(scope, period)
            cache.set(key, rows, PROGRAMME_CACHE_SECONDS)
        return rows
    return _figure_query(scope, period)


def _figure_query(scope: Scope, period: Period) -> list[tuple]:
    previous = period.previous
    teams, team_params, people, people_params = _scope_sql(scope)
    titles = translated_columns("title")
    sql = _FIGURES_SQL.format(
        sums=_SUMS,
        named_sums=_NAMED_SUMS,
        top_figures=", ".join(f"top.{name}" for name in FIGURE_FIELDS),
        titles=", ".join(f"i.{column}" for column in titles),
        no_titles=", ".join("NULL" for _column in titles),
        team_day=TeamNetworkDay._meta.db_table,
        content_day=ContentTeamDay._meta.db_table,
        item=ContentItem._meta.db_table,
        facts=ShareFacts._meta.db_table,
        teams=teams,
        people=people,
    )
    params = [
        *(previous.start, period.end, *team_params),
        *(period.start, period.end, *team_params),
        *(period.start, period.end, previous.start, previous.end, *people_params),
        *(period.start, period.end, *team_params, TOP_CONTENT * TOP_CANDIDATES),
        *(period.end, *team_params, min_group_size()),
        TOP_CONTENT,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def participation_counts(scope: Scope, periods: list[Period]) -> list[int]:
    """People in scope who shared at least once in each period (one query)."""
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    rows = ShareFacts.objects.filter(
        shared_on__gte=first, shared_on__lte=last, user_id__in=people_in(scope)
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
        missing = users_without_current_acknowledgement().filter(id__in=people_in(scope)).count()
        guidelines = StatusLine(done=scope.people - missing, people=scope.people)
    required = list(
        Module.objects.filter(is_required=True, is_published=True).values_list("id", flat=True)
    )
    if not required:
        return guidelines, None
    complete = (
        Completion.objects.filter(user_id__in=people_in(scope), module_id__in=required)
        .values("user_id")
        .order_by()
        .annotate(n=Count("module_id", distinct=True))
        .filter(n=len(required))
        .count()
    )
    return guidelines, StatusLine(done=complete, people=scope.people)


def dashboard(*, scope: Scope, period: Period, viewer: User) -> Dashboard:
    """Every figure of a manager's or admin's dashboard, in a fixed number of queries."""
    book = rate_book()
    currencies = book.currencies
    labels = network_labels()
    current, before = Figures(), Figures()
    by_network: dict[str, Figures] = {}
    unrated: set[str] = set()
    weeks = weeks_of(period)
    week_of_day = {
        week.start + dt.timedelta(days=n): week
        for week in weeks
        for n in range((week.end - week.start).days + 1)
    }
    groups = [TeamRow(group=g) for g in scope.groups]
    group_of_team: dict[int | None, TeamRow] = {}
    for row in groups:
        for team_id in row.group.member_team_ids:
            group_of_team.setdefault(team_id, row)
    state = RollupState.objects.filter().values_list("last_run_at", flat=True).first()
    content = []
    titles = translated_columns("title")
    for part, network, day, key, *values in _figure_rows(scope, period, state):
        values, names = values[: len(FIGURE_FIELDS)], values[len(FIGURE_FIELDS) :]
        if part == "content":
            figures = Figures()
            figures.add_values(values)
            title = translated(dict(zip(titles, names, strict=True)), "title")
            content.append(ContentRow(item_id=key, title=title, figures=figures))
            continue
        if part == "team":
            row = group_of_team.get(key)
            if row is not None:
                row.figures.add_values(values)
            continue
        if part == "sharers":
            current.sharers, before.sharers = values[0] or 0, values[1] or 0
            continue
        day = _as_date(day)
        week = week_of_day.get(day)
        target = current if week is not None else before
        target.add_values(values)
        emv = None
        if currencies:
            emv = emv_of(
                book=book,
                network=network,
                day=day,
                clicks=values[3],
                engagement=values[5],
                impressions=values[6],
            )
            add_emv(target, emv)
        if week is not None:
            if emv is not None and len(emv) < len(currencies):
                unrated.add(network)
            figures = by_network.get(network)
            if figures is None:
                figures = by_network[network] = Figures()
            figures.add_values(values)
            if emv is not None:
                add_emv(figures, emv)
            week.figures.add_values(values)
    if currencies:
        for target in (current, before):
            target.emv = target.emv or dict.fromkeys(currencies, Decimal(0))
    for target in (current, before, *by_network.values()):
        round_emv(target)
    current.people = before.people = scope.people

    guidelines, training = _status_lines(scope)
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
        content=sorted(
            content, key=lambda r: (-r.figures.clicks, -r.figures.potential_reach, r.item_id)
        ),
        people=opted_in_people(scope=scope, period=period),
        rates_used=book.used_in(period),
        has_rates=bool(currencies),
        unrated=sorted(labels.get(n, n) for n in unrated),
        guidelines=guidelines,
        training=training,
        updated_at=state,
    )
