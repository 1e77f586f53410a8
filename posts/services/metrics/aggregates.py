"""Step 3 of a rollup: the (day, team, network), (day, person) and (day, item, team) rows,
deleted and written again from the share facts and share days, entirely in SQL.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from accounts.models import User
from posts.models import (
    ContentItem,
    ContentTeamDay,
    PersonDay,
    ShareDay,
    ShareFacts,
    ShareKind,
    TeamNetworkDay,
)
from posts.services.metrics.facts import ALL, programme_day_bounds
from training.models import Completion, GuidelineAcknowledgement


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


def recompute_day(day: dt.date, *, teams=ALL, users=ALL, items=ALL) -> None:
    if teams is ALL or teams:
        _recompute_teams(day, teams)
    if users is ALL or users:
        _recompute_people(day, users)
    if items is ALL or items:
        _recompute_items(day, items)
