"""Step 2 of a rollup: each share's days — click totals copied from the flush's daily totals,
and the daily growth of engagement and impressions from the network readings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import Q

from posts.models import (
    EngagementReading,
    ShareDailyClicks,
    ShareDay,
)
from posts.services.metrics.facts import BATCH, programme_day


def engagement_by_day(readings: list[EngagementReading]) -> dict[dt.date, list[int | None]]:
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


def engagement_rows(share_ids: set[int]) -> dict[tuple[int, dt.date], list[int | None]]:
    readings: dict[int, list[EngagementReading]] = defaultdict(list)
    for reading in EngagementReading.objects.filter(share_id__in=share_ids).order_by(
        "share_id", "read_at", "id"
    ):
        readings[reading.share_id].append(reading)
    rows = {}
    for share_id, share_readings in readings.items():
        for day, values in engagement_by_day(share_readings).items():
            rows[(share_id, day)] = values
    return rows


def upsert_share_days(rows: list[ShareDay], fields: list[str]) -> None:
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


def copy_click_totals(where: str, params: list) -> int:
    sql = _SHARE_DAYS_SQL.format(
        share_day=ShareDay._meta.db_table, clicks=ShareDailyClicks._meta.db_table, where=where
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def share_days_from_clicks(*, since: dt.datetime) -> set[tuple[int, dt.date]]:
    copy_click_totals("c.updated_at >= %s", [since])
    return set(
        ShareDailyClicks.objects.filter(updated_at__gte=since).values_list("share_id", "day")
    )


def share_days_from_readings(*, share_ids: set[int]) -> set[tuple[int, dt.date]]:
    """Recompute the daily engagement of ``share_ids`` from all their readings."""
    if not share_ids:
        return set()
    before = ShareDay.objects.filter(share_id__in=share_ids).filter(
        Q(engagement__isnull=False) | Q(impressions__isnull=False)
    )
    touched = set(before.values_list("share_id", "day"))
    before.update(engagement=None, impressions=None)
    rows = engagement_rows(share_ids)
    upsert_share_days(
        [
            ShareDay(share_id=share_id, day=day, engagement=values[0], impressions=values[1])
            for (share_id, day), values in rows.items()
        ],
        ["engagement", "impressions"],
    )
    return touched | set(rows)
