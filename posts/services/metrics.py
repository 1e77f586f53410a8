"""Writes of reach metrics: the daily rollups, EMV rates, point weights, opt-ins, export audit.

The rollups
-----------
``metrics_rollup`` (Celery beat, every few minutes) brings the rollup tables up to date with
what changed since its last run:

1. every posted share or opened intent without ``ShareFacts`` gets them (its team at that
   moment, its day, its kind); a share whose status changed since (a scheduled post that
   went out, or failed) has its facts changed or removed;
2. the click totals updated since the watermark are copied into ``ShareDay``; the shares
   with new engagement readings get their daily engagement recomputed from all readings;
3. every (day, team), (day, person) and (day, item) those touched is recomputed from
   ``ShareFacts`` and ``ShareDay`` — deleted and written again, so a run is exact whatever
   ran before, and running twice gives the same rows.

The watermark is the start of the previous run minus an overlap: a flush that committed late
is still picked up, and picking a row up twice changes nothing. One row lock (``RollupState``)
serialises runs. ``metrics_rebuild`` recomputes any date range from scratch.
"""

from __future__ import annotations

import datetime as dt
import logging
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from accounts.audit import AuditAction
from accounts.models import TeamMembership, User
from accounts.services import audit_record
from posts.metrics_definitions import KIND_OF_STATUS, share_counted_at, share_kind
from posts.models import (
    ContentItem,
    ContentTeamDay,
    EngagementReading,
    LeaderboardOptIn,
    MetricRate,
    PersonDay,
    PointWeight,
    RollupState,
    Share,
    ShareDailyClicks,
    ShareDay,
    ShareFacts,
    ShareKind,
    TeamNetworkDay,
)
from posts.models.metrics import ROLLUP_STATE_ID
from posts.selectors.points import point_weights
from training.models import Completion, GuidelineAcknowledgement

logger = logging.getLogger(__name__)

# Rows changed this long before the previous run started are looked at again: a flush
# transaction that began before that run and committed after it is never missed.
WATERMARK_OVERLAP = dt.timedelta(minutes=10)
BATCH = 5000
ALL = None  # "every key" for a day's recomputation


class MetricsError(Exception):
    """An expected failure of a metrics action; the message is for people."""


# --- Days in the programme's time zone --------------------------------------------------------


def programme_day(moment: dt.datetime) -> dt.date:
    """The day of ``moment`` in the programme's time zone (``TIME_ZONE``)."""
    return moment.astimezone(timezone.get_default_timezone()).date()


def programme_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def primary_team_ids(*, user_ids: Iterable[int]) -> dict[int, int]:
    """Each person's team for attribution: the team they joined first (none: absent)."""
    teams: dict[int, int] = {}
    rows = (
        TeamMembership.objects.filter(user_id__in=set(user_ids))
        .order_by("user_id", "joined_at", "id")
        .values_list("user_id", "team_id")
    )
    for user_id, team_id in rows:
        teams.setdefault(user_id, team_id)
    return teams


# --- Step 1: the facts of shares ----------------------------------------------------------------


@dataclass
class FactChanges:
    """What step 1 changed: facts added, facts whose kind or day moved with the share's
    status (before, after), and facts removed (the share no longer counts)."""

    added: list[ShareFacts] = field(default_factory=list)
    changed: list[tuple[ShareFacts, ShareFacts]] = field(default_factory=list)
    removed: list[ShareFacts] = field(default_factory=list)

    def days(self) -> list[tuple[dt.date, ShareFacts]]:
        """The (day, facts) whose share counts and reach these changes alter."""
        pairs = [(f.shared_on, f) for f in self.added + self.removed]
        for before, after in self.changed:
            pairs += [(before.shared_on, before), (after.shared_on, after)]
        return pairs


def _facts_of(share: Share, team_id: int | None) -> ShareFacts:
    return ShareFacts(
        share_id=share.id,
        user_id=share.user_id,
        team_id=team_id,
        item_id=share.item_id,
        network=share.network,
        kind=share_kind(share=share),
        shared_on=programme_day(share_counted_at(share=share)),
        followers=share.followers_at_share,
    )


_SHARE_FIELDS = (
    "id",
    "user_id",
    "item_id",
    "network",
    "followers_at_share",
    "created_at",
    "status",
    "posted_at",
)


def _facts_agree() -> Q:
    """Facts whose kind is what their share's status counts as now."""
    return reduce(
        operator.or_,
        (Q(kind=kind, share__status=status) for status, kind in KIND_OF_STATUS.items()),
    )


def _facts_sync() -> FactChanges:
    """Facts for every counted share that has none; facts of shares whose status changed
    since they were written follow it (another kind or day, or removed)."""
    changes = FactChanges()
    stale = {f.share_id: f for f in ShareFacts.objects.exclude(_facts_agree())}
    if stale:
        shares = Share.objects.filter(pk__in=stale).only(*_SHARE_FIELDS)
        updated = []
        for share in shares:
            before = stale[share.id]
            if share_kind(share=share) is None:
                changes.removed.append(before)
                continue
            after = _facts_of(share, before.team_id)
            changes.changed.append((before, after))
            updated.append(after)
        ShareFacts.objects.filter(share_id__in=[f.share_id for f in changes.removed]).delete()
        ShareFacts.objects.bulk_update(updated, ["kind", "shared_on"], batch_size=BATCH)
    new = list(
        Share.objects.filter(metrics__isnull=True, status__in=list(KIND_OF_STATUS)).only(
            *_SHARE_FIELDS
        )
    )
    if new:
        teams = primary_team_ids(user_ids={s.user_id for s in new})
        changes.added = [_facts_of(s, teams.get(s.user_id)) for s in new]
        ShareFacts.objects.bulk_create(changes.added, batch_size=BATCH, ignore_conflicts=True)
    return changes


def _share_days_of(
    facts: list[ShareFacts], *, outside: tuple[dt.date, dt.date] | None = None
) -> list[tuple[dt.date, ShareFacts]]:
    """The days with clicks or engagement of these shares (only those outside a range)."""
    by_id = {f.share_id: f for f in facts}
    ids = list(by_id)
    pairs = []
    for start in range(0, len(ids), BATCH):
        rows = ShareDay.objects.filter(share_id__in=ids[start : start + BATCH])
        if outside is not None:
            rows = rows.exclude(day__gte=outside[0], day__lte=outside[1])
        pairs += [(day, by_id[share_id]) for share_id, day in rows.values_list("share_id", "day")]
    return pairs


# --- Step 2: share days -------------------------------------------------------------------------


def _engagement_by_day(readings: list[EngagementReading]) -> dict[dt.date, list[int | None]]:
    """Readings of one share (oldest first) → each day's growth of [engagement, impressions].

    A day's value is its last reading; the growth is that minus the previous day's value.
    A figure no reading reports stays None on that day ("not reported").
    """
    last: list[dict[dt.date, int]] = [{}, {}]
    for reading in readings:
        day = programme_day(reading.read_at)
        for index, value in enumerate((reading.engagement, reading.impressions)):
            if value is not None:
                last[index][day] = value
    result: dict[dt.date, list[int | None]] = defaultdict(lambda: [None, None])
    for index in (0, 1):
        previous = 0
        for day in sorted(last[index]):
            result[day][index] = last[index][day] - previous
            previous = last[index][day]
    return result


def _engagement_rows(share_ids: set[int]) -> dict[tuple[int, dt.date], list[int | None]]:
    readings: dict[int, list[EngagementReading]] = defaultdict(list)
    for reading in EngagementReading.objects.filter(share_id__in=share_ids).order_by(
        "share_id", "read_at", "id"
    ):
        readings[reading.share_id].append(reading)
    rows = {}
    for share_id, share_readings in readings.items():
        for day, values in _engagement_by_day(share_readings).items():
            rows[(share_id, day)] = values
    return rows


def _upsert_share_days(rows: list[ShareDay], fields: list[str]) -> None:
    ShareDay.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["share", "day"],
        update_fields=fields,
    )


# The click totals of share days into ``ShareDay`` (engagement columns left as they are).
_SHARE_DAYS_SQL = """
INSERT INTO {share_day} (share_id, day, clicks, unique_visitors, engagement, impressions)
SELECT c.share_id, c.day, c.clicks, c.unique_visitors, NULL, NULL
FROM {clicks} c WHERE {where}
ON CONFLICT (share_id, day) DO UPDATE
    SET clicks = excluded.clicks, unique_visitors = excluded.unique_visitors
"""


def _copy_click_totals(where: str, params: list) -> int:
    sql = _SHARE_DAYS_SQL.format(
        share_day=ShareDay._meta.db_table, clicks=ShareDailyClicks._meta.db_table, where=where
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _share_days_from_clicks(*, since: dt.datetime) -> set[tuple[int, dt.date]]:
    _copy_click_totals("c.updated_at >= %s", [since])
    return set(
        ShareDailyClicks.objects.filter(updated_at__gte=since).values_list("share_id", "day")
    )


def _share_days_from_readings(*, share_ids: set[int]) -> set[tuple[int, dt.date]]:
    """Recompute the daily engagement of ``share_ids`` from all their readings."""
    if not share_ids:
        return set()
    before = ShareDay.objects.filter(share_id__in=share_ids).filter(
        Q(engagement__isnull=False) | Q(impressions__isnull=False)
    )
    touched = set(before.values_list("share_id", "day"))
    before.update(engagement=None, impressions=None)
    rows = _engagement_rows(share_ids)
    _upsert_share_days(
        [
            ShareDay(share_id=share_id, day=day, engagement=values[0], impressions=values[1])
            for (share_id, day), values in rows.items()
        ],
        ["engagement", "impressions"],
    )
    return touched | set(rows)


# --- Step 3: the aggregates of one day ----------------------------------------------------------


def _in(column: str, keys: set | None) -> tuple[str, list]:
    """SQL for ``column`` in ``keys`` (a None key: the column is NULL); ALL: always true."""
    if keys is ALL:
        return "1 = 1", []
    present = sorted(k for k in keys if k is not None)
    parts, params = [], []
    if present:
        parts.append(f"{column} IN ({', '.join(['%s'] * len(present))})")
        params += present
    if None in keys:
        parts.append(f"{column} IS NULL")
    return ("(" + " OR ".join(parts) + ")" if parts else "1 = 0"), params


def _tables() -> dict[str, str]:
    return {
        "facts": ShareFacts._meta.db_table,
        "share_day": ShareDay._meta.db_table,
        "team_day": TeamNetworkDay._meta.db_table,
        "person_day": PersonDay._meta.db_table,
        "content_day": ContentTeamDay._meta.db_table,
        "user": User._meta.db_table,
        "completion": Completion._meta.db_table,
        "acknowledgement": GuidelineAcknowledgement._meta.db_table,
        "item": ContentItem._meta.db_table,
    }


# The figures of one day for the keys in ``{keys}`` (a share's facts and its days), grouped
# by ``{group}``: portable SQL (PostgreSQL and SQLite), run entirely in the database.
_FIGURES_SQL = """
SELECT {group}, SUM(posted), SUM(intent), SUM(reach), SUM(clicks), SUM(uniques),
       SUM(engagement), SUM(impressions)
FROM (
    SELECT {facts_group},
           CASE WHEN f.kind = %s THEN 1 ELSE 0 END AS posted,
           CASE WHEN f.kind = %s THEN 0 ELSE 1 END AS intent,
           f.followers AS reach, 0 AS clicks, 0 AS uniques,
           CAST(NULL AS INTEGER) AS engagement, CAST(NULL AS INTEGER) AS impressions
    FROM {facts} f
    WHERE f.shared_on = %s AND {keys}
    UNION ALL
    SELECT {facts_group}, 0, 0, 0, d.clicks, d.unique_visitors, d.engagement, d.impressions
    FROM {share_day} d JOIN {facts} f ON f.share_id = d.share_id
    WHERE d.day = %s AND {keys}
) figures
GROUP BY {group}
"""

FIGURE_COLUMNS = (
    "shares_posted, shares_intent, potential_reach, clicks, unique_visitors, engagement, "
    "impressions"
)


def _replace_day(table: str, key_columns: list[str], key: str, keys: set | None, day) -> None:
    """Delete the day's rows of these keys and insert them again from the shares."""
    facts_keys, params = _in(f"f.{key}", keys)
    row_keys, _ = _in(key, keys)
    figures = _FIGURES_SQL.format(
        group=", ".join(key_columns),
        facts_group=", ".join(f"f.{c} AS {c}" for c in key_columns),
        keys=facts_keys,
        **_tables(),
    )
    # Identifiers come from model metadata; every value is a parameter.
    delete = f"DELETE FROM {table} WHERE day = %s AND {row_keys}"  # noqa: S608
    insert = (
        f"INSERT INTO {table} ({', '.join(key_columns)}, {FIGURE_COLUMNS}, day) "  # noqa: S608
        f"SELECT figures_of_day.*, %s FROM ({figures}) figures_of_day"
    )
    with connection.cursor() as cursor:
        cursor.execute(delete, [day, *params])
        cursor.execute(
            insert, [day, ShareKind.POSTED, ShareKind.POSTED, day, *params, day, *params]
        )


def _recompute_teams(day: dt.date, teams: set | None) -> None:
    _replace_day(_tables()["team_day"], ["team_id", "network"], "team_id", teams, day)


def _recompute_items(day: dt.date, items: set | None) -> None:
    _replace_day(_tables()["content_day"], ["item_id", "team_id"], "item_id", items, day)


# One person's day: their shares' figures and the actions that earn points, active people only.
_PEOPLE_SQL = """
INSERT INTO {person_day} (user_id, day, {figure_columns}, modules_completed,
                          guidelines_acknowledged, suggestions_approved)
SELECT a.user_id, %s, SUM(a.posted), SUM(a.intent), SUM(a.reach), SUM(a.clicks),
       SUM(a.uniques), SUM(a.engagement), SUM(a.impressions), SUM(a.modules),
       SUM(a.acknowledged), SUM(a.suggestions)
FROM (
    SELECT f.user_id AS user_id,
           CASE WHEN f.kind = %s THEN 1 ELSE 0 END AS posted,
           CASE WHEN f.kind = %s THEN 0 ELSE 1 END AS intent,
           f.followers AS reach, 0 AS clicks, 0 AS uniques,
           CAST(NULL AS INTEGER) AS engagement, CAST(NULL AS INTEGER) AS impressions,
           0 AS modules, 0 AS acknowledged, 0 AS suggestions
    FROM {facts} f WHERE f.shared_on = %s AND {keys_f}
    UNION ALL
    SELECT f.user_id, 0, 0, 0, d.clicks, d.unique_visitors, d.engagement, d.impressions, 0, 0, 0
    FROM {share_day} d JOIN {facts} f ON f.share_id = d.share_id
    WHERE d.day = %s AND {keys_f}
    UNION ALL
    SELECT c.user_id, 0, 0, 0, 0, 0, NULL, NULL, 1, 0, 0
    FROM {completion} c WHERE c.completed_at >= %s AND c.completed_at < %s AND {keys_c}
    UNION ALL
    SELECT g.user_id, 0, 0, 0, 0, 0, NULL, NULL, 0, 1, 0
    FROM {acknowledgement} g
    WHERE g.acknowledged_at >= %s AND g.acknowledged_at < %s AND {keys_g}
    UNION ALL
    SELECT i.suggested_by_id, 0, 0, 0, 0, 0, NULL, NULL, 0, 0, 1
    FROM {item} i
    WHERE i.suggested_by_id IS NOT NULL AND i.approved_at >= %s AND i.approved_at < %s
          AND {keys_i}
) a
JOIN {user} u ON u.id = a.user_id AND u.is_active = %s
GROUP BY a.user_id
"""


def _recompute_people(day: dt.date, users: set | None) -> None:
    t = _tables()
    start, end = programme_day_bounds(day)
    keys_f, params = _in("f.user_id", users)
    keys_c, _ = _in("c.user_id", users)
    keys_g, _ = _in("g.user_id", users)
    keys_i, _ = _in("i.suggested_by_id", users)
    keys_d, _ = _in("user_id", users)
    sql = _PEOPLE_SQL.format(
        figure_columns=FIGURE_COLUMNS,
        keys_f=keys_f,
        keys_c=keys_c,
        keys_g=keys_g,
        keys_i=keys_i,
        **t,
    )
    with connection.cursor() as cursor:
        delete = f"DELETE FROM {t['person_day']} WHERE day = %s AND {keys_d}"  # noqa: S608
        cursor.execute(delete, [day, *params])
        cursor.execute(
            sql,
            [
                day,
                ShareKind.POSTED,
                ShareKind.POSTED,
                day,
                *params,
                day,
                *params,
                start,
                end,
                *params,
                start,
                end,
                *params,
                start,
                end,
                *params,
                True,
            ],
        )


def _recompute_day(day: dt.date, *, teams=ALL, users=ALL, items=ALL) -> None:
    if teams is ALL or teams:
        _recompute_teams(day, teams)
    if users is ALL or users:
        _recompute_people(day, users)
    if items is ALL or items:
        _recompute_items(day, items)


# --- The runs -------------------------------------------------------------------------------------


@dataclass
class RollupResult:
    new_shares: int = 0
    share_days: int = 0
    days: list[dt.date] = field(default_factory=list)


def _locked_state() -> RollupState:
    RollupState.objects.get_or_create(pk=ROLLUP_STATE_ID)
    return RollupState.objects.select_for_update().get(pk=ROLLUP_STATE_ID)


def _touched_activity(
    *, since: dt.datetime, until: dt.datetime | None = None
) -> set[tuple[int, dt.date]]:
    """(person, day) of every point-earning action from ``since`` (up to ``until``)."""
    pairs: set[tuple[int, dt.date]] = set()
    sources = (
        (Completion.objects, "user_id", "completed_at"),
        (GuidelineAcknowledgement.objects, "user_id", "acknowledged_at"),
        (ContentItem.objects.filter(suggested_by__isnull=False), "suggested_by_id", "approved_at"),
    )
    for manager, person, moment in sources:
        rows = manager.filter(**{f"{moment}__gte": since})
        if until is not None:
            rows = rows.filter(**{f"{moment}__lt": until})
        for user_id, at in rows.values_list(person, moment):
            pairs.add((user_id, programme_day(at)))
    return pairs


def _data_span() -> tuple[dt.date, dt.date] | None:
    """The first and last day any rollup input has, or None when there is nothing."""
    moments = [
        *Share.objects.aggregate(first=Min("created_at"), last=Max("created_at")).values(),
        Completion.objects.aggregate(first=Min("completed_at"))["first"],
        GuidelineAcknowledgement.objects.aggregate(first=Min("acknowledged_at"))["first"],
        ContentItem.objects.filter(suggested_by__isnull=False).aggregate(first=Min("approved_at"))[
            "first"
        ],
    ]
    days = [programme_day(v) for v in moments if v is not None]
    days += [
        v
        for v in ShareDailyClicks.objects.aggregate(first=Min("day"), last=Max("day")).values()
        if v is not None
    ]
    if not days:
        return None
    return min(days), max(*days, programme_day(timezone.now()))


def metrics_rollup() -> RollupResult:
    """Bring the rollups up to date with what changed since the last run (beat task)."""
    with transaction.atomic():
        state = _locked_state()
        started = timezone.now()
        if state.watermark is None:
            span = _data_span()
            result = RollupResult()
            if span is not None:
                result = _rebuild(*span)
        else:
            result = _incremental(since=state.watermark - WATERMARK_OVERLAP)
        state.watermark = started
        state.last_run_at = timezone.now()
        state.save(update_fields=["watermark", "last_run_at"])
    return result


class _Touched:
    """The (day, team), (day, person) and (day, item) keys whose aggregates need recomputing."""

    def __init__(self) -> None:
        self.by_day: dict[dt.date, dict[str, set]] = defaultdict(lambda: defaultdict(set))

    def add(self, day: dt.date, f: ShareFacts) -> None:
        keys = self.by_day[day]
        keys["teams"].add(f.team_id)
        keys["users"].add(f.user_id)
        keys["items"].add(f.item_id)

    def add_facts(self, changes: FactChanges, *, outside=None) -> None:
        """What changed facts alter: their days, and for facts added or removed every day
        with clicks or engagement of their shares, counted in no aggregate (or in one that
        must lose them)."""
        for day, f in changes.days():
            if outside is None or not outside[0] <= day <= outside[1]:
                self.add(day, f)
        for day, f in _share_days_of(changes.added + changes.removed, outside=outside):
            self.add(day, f)

    def recompute(self) -> list[dt.date]:
        for day in sorted(self.by_day):
            keys = self.by_day[day]
            _recompute_day(day, teams=keys["teams"], users=keys["users"], items=keys["items"])
        return sorted(self.by_day)


def _incremental(*, since: dt.datetime) -> RollupResult:
    PersonDay.objects.filter(user__is_active=False).delete()
    changes = _facts_sync()
    touched = _share_days_from_clicks(since=since)
    reading_shares = set(
        EngagementReading.objects.filter(recorded_at__gte=since)
        .values_list("share_id", flat=True)
        .distinct()
    )
    touched |= _share_days_from_readings(share_ids=reading_shares)

    facts = {f.share_id: f for f in changes.added}
    missing = {share_id for share_id, _day in touched} - set(facts)
    for start in range(0, len(missing), BATCH):
        chunk = list(missing)[start : start + BATCH]
        for f in ShareFacts.objects.filter(share_id__in=chunk).only(
            "share_id", "user_id", "team_id", "item_id"
        ):
            facts[f.share_id] = f

    keys = _Touched()
    keys.add_facts(changes)
    for share_id, day in touched:
        if share_id in facts:
            keys.add(day, facts[share_id])
    for user_id, day in _touched_activity(since=since):
        keys.by_day[day]["users"].add(user_id)
    days = keys.recompute()
    return RollupResult(new_shares=len(changes.added), share_days=len(touched), days=days)


def _days_with_rows(first: dt.date, last: dt.date, engagement_days: set[dt.date]) -> list[dt.date]:
    """The days of ``first``..``last`` that have any input or any rollup row: the others
    have nothing to compute and nothing to delete."""
    days = set(engagement_days)
    for queryset, name in (
        (ShareFacts.objects, "shared_on"),
        (ShareDailyClicks.objects, "day"),
        (ShareDay.objects, "day"),
        (TeamNetworkDay.objects, "day"),
        (PersonDay.objects, "day"),
        (ContentTeamDay.objects, "day"),
    ):
        rows = queryset.filter(**{f"{name}__gte": first, f"{name}__lte": last})
        days |= set(rows.order_by().values_list(name, flat=True).distinct())
    start, _ = programme_day_bounds(first)
    _, end = programme_day_bounds(last)
    days |= {day for _user, day in _touched_activity(since=start, until=end)}
    return sorted(d for d in days if first <= d <= last)


def _rebuild(first: dt.date, last: dt.date) -> RollupResult:
    PersonDay.objects.filter(user__is_active=False).delete()
    changes = _facts_sync()
    # Facts that changed also alter days outside the range: those are brought up to date too.
    outside = _Touched()
    outside.add_facts(changes, outside=(first, last))
    outside.recompute()
    start, _ = programme_day_bounds(first)
    _, end = programme_day_bounds(last)
    reading_shares = set(
        EngagementReading.objects.filter(read_at__gte=start, read_at__lt=end)
        .values_list("share_id", flat=True)
        .distinct()
    )
    engagement_by_day: dict[dt.date, dict[int, list]] = defaultdict(dict)
    for (share_id, day), values in _engagement_rows(reading_shares).items():
        if first <= day <= last:
            engagement_by_day[day][share_id] = values
    result = RollupResult(new_shares=len(changes.added))
    for day in _days_with_rows(first, last, set(engagement_by_day)):
        ShareDay.objects.filter(day=day).delete()
        result.share_days += _copy_click_totals("c.day = %s", [day])
        engaged = engagement_by_day.get(day, {})
        if engaged:
            _upsert_share_days(
                [
                    ShareDay(
                        share_id=share_id, day=day, engagement=values[0], impressions=values[1]
                    )
                    for share_id, values in engaged.items()
                ],
                ["engagement", "impressions"],
            )
        _recompute_day(day)
        result.days.append(day)
    return result


def metrics_rebuild(*, first: dt.date, last: dt.date) -> RollupResult:
    """Recompute every rollup row of the days ``first``..``last`` from the click totals and
    engagement readings. Idempotent; the incremental watermark is left where it is."""
    if last < first:
        raise MetricsError("The end of the range is before its start.")
    with transaction.atomic():
        _locked_state()
        return _rebuild(first, last)


# --- Rates, point weights, opt-ins ---------------------------------------------------------------


@transaction.atomic
def metric_rate_create(
    *,
    network: str,
    currency: str,
    cpm: Decimal,
    cpc: Decimal,
    reaction_weight: Decimal,
    effective_date: dt.date,
    by: User,
) -> MetricRate:
    """Set (or replace) the EMV rates of ``network`` in ``currency`` from ``effective_date``."""
    currency = currency.strip().upper()
    rate, created = MetricRate.objects.update_or_create(
        network=network,
        currency=currency,
        effective_date=effective_date,
        defaults={"cpm": cpm, "cpc": cpc, "reaction_weight": reaction_weight, "created_by": by},
    )
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=rate,
        detail={
            "metric_rate": "created" if created else "replaced",
            "network": network,
            "currency": currency,
            "effective_date": effective_date.isoformat(),
            "cpm": str(cpm),
            "cpc": str(cpc),
            "reaction_weight": str(reaction_weight),
        },
    )
    return rate


@transaction.atomic
def metric_rate_delete(*, rate_id: int, by: User) -> bool:
    rate = MetricRate.objects.filter(pk=rate_id).first()
    if rate is None:
        return False
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=rate,
        detail={
            "metric_rate": "deleted",
            "network": rate.network,
            "currency": rate.currency,
            "effective_date": rate.effective_date.isoformat(),
        },
    )
    rate.delete()
    return True


@transaction.atomic
def point_weights_set(*, weights: dict[str, int], by: User) -> list[PointWeight]:
    """Set the points of each action in ``weights``; only changes are stored and audited."""
    list(PointWeight.objects.select_for_update())
    current = point_weights()
    changed = {}
    saved = []
    for action, points in weights.items():
        if current.get(action) == points:
            continue
        weight, _ = PointWeight.objects.update_or_create(
            action=action,
            defaults={"points": points, "updated_by": by, "updated_at": timezone.now()},
        )
        changed[action] = {"from": current.get(action), "to": points}
        saved.append(weight)
    if changed:
        audit_record(
            actor=by, action=AuditAction.SETTINGS_CHANGED, detail={"point_weights": changed}
        )
    return saved


@transaction.atomic
def leaderboard_opt_in(*, user: User) -> LeaderboardOptIn:
    opt_in, _ = LeaderboardOptIn.objects.get_or_create(user=user)
    return opt_in


@transaction.atomic
def leaderboard_opt_out(*, user: User) -> None:
    LeaderboardOptIn.objects.filter(user=user).delete()


def metrics_export_record(*, actor: User, export: str, detail: dict) -> None:
    """Every metrics download leaves an audit row: who took which table of what scope."""
    audit_record(actor=actor, action=AuditAction.EXPORT, detail={"export": export, **detail})
