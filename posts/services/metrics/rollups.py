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
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from posts.models import (
    ContentItem,
    ContentTeamDay,
    EngagementReading,
    PersonDay,
    RollupState,
    Share,
    ShareDailyClicks,
    ShareDay,
    ShareFacts,
    TeamNetworkDay,
)
from posts.models.metrics import ROLLUP_STATE_ID
from posts.services.metrics.aggregates import recompute_day
from posts.services.metrics.facts import (
    BATCH,
    FactChanges,
    facts_sync,
    programme_day,
    programme_day_bounds,
    share_days_of,
)
from posts.services.metrics.share_days import (
    copy_click_totals,
    engagement_rows,
    share_days_from_clicks,
    share_days_from_readings,
    upsert_share_days,
)
from training.models import Completion, GuidelineAcknowledgement

# Rows changed this long before the previous run started are looked at again: a flush
# transaction that began before that run and committed after it is never missed.
WATERMARK_OVERLAP = dt.timedelta(minutes=10)


class MetricsError(Exception):
    """An expected failure of a metrics action; the message is for people."""


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
        for day, f in share_days_of(changes.added + changes.removed, outside=outside):
            self.add(day, f)

    def recompute(self) -> list[dt.date]:
        for day in sorted(self.by_day):
            keys = self.by_day[day]
            recompute_day(day, teams=keys["teams"], users=keys["users"], items=keys["items"])
        return sorted(self.by_day)


def _incremental(*, since: dt.datetime) -> RollupResult:
    PersonDay.objects.filter(user__is_active=False).delete()
    changes = facts_sync()
    touched = share_days_from_clicks(since=since)
    reading_shares = set(
        EngagementReading.objects.filter(recorded_at__gte=since)
        .values_list("share_id", flat=True)
        .distinct()
    )
    touched |= share_days_from_readings(share_ids=reading_shares)

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
    changes = facts_sync()
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
    for (share_id, day), values in engagement_rows(reading_shares).items():
        if first <= day <= last:
            engagement_by_day[day][share_id] = values
    result = RollupResult(new_shares=len(changes.added))
    for day in _days_with_rows(first, last, set(engagement_by_day)):
        ShareDay.objects.filter(day=day).delete()
        result.share_days += copy_click_totals("c.day = %s", [day])
        engaged = engagement_by_day.get(day, {})
        if engaged:
            upsert_share_days(
                [
                    ShareDay(
                        share_id=share_id, day=day, engagement=values[0], impressions=values[1]
                    )
                    for share_id, values in engaged.items()
                ],
                ["engagement", "impressions"],
            )
        recompute_day(day)
        result.days.append(day)
    return result


def metrics_rebuild(*, first: dt.date, last: dt.date) -> RollupResult:
    """Recompute every rollup row of the days ``first``..``last`` from the click totals and
    engagement readings. Idempotent; the incremental watermark is left where it is."""
    if last < first:
        raise MetricsError("The end of the range is before its start.")
    with transaction.atomic():
        state = _locked_state()
        result = _rebuild(first, last)
        # ``last_run_at`` is also the generation the dashboards cache programme figures by.
        state.last_run_at = timezone.now()
        state.save(update_fields=["last_run_at"])
        return result
