"""Leaderboards: teams always (small ones with their parent), people only if they opted in."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum

from accounts.models import TeamMembership, User
from posts.models import LeaderboardOptIn, PersonDay
from posts.selectors.metric_scopes import scope_of
from posts.selectors.metrics import Period
from posts.selectors.points import ACTIVITY_FIELDS, point_weights, points_of


@dataclass
class BoardRow:
    rank: int
    name: str
    points: int
    shares: int
    clicks: int
    user_id: int | None = None
    merged: list[str] = field(default_factory=list)


@dataclass
class Leaderboard:
    period: Period
    people: list[BoardRow]
    teams: list[BoardRow]
    weights: dict[str, int]
    viewer_opted_in: bool
    viewer_points: int


def _ranked(rows: list[BoardRow]) -> list[BoardRow]:
    rows.sort(key=lambda r: (-r.points, r.name.lower()))
    rank, previous = 0, None
    for index, row in enumerate(rows, start=1):
        if row.points != previous:
            rank, previous = index, row.points
        row.rank = rank
    return rows


def leaderboard(*, period: Period, viewer: User) -> Leaderboard:
    """Team boards always (small teams with their parent); people only if they opted in."""
    weights = point_weights()
    count_fields = ("shares_posted", "shares_intent", "clicks", *ACTIVITY_FIELDS)
    per_user = {
        row["user_id"]: row
        for row in PersonDay.objects.filter(
            day__gte=period.start, day__lte=period.end, user__is_active=True
        )
        .values("user_id")
        .order_by()
        .annotate(**{name: Sum(name) for name in count_fields})
    }
    opted_in = {
        user_id: name or email
        for user_id, name, email in LeaderboardOptIn.objects.filter(
            user__is_active=True
        ).values_list("user_id", "user__display_name", "user__email")
    }
    people = [
        BoardRow(
            rank=0,
            name=name,
            points=points_of(per_user.get(user_id, {}), weights),
            shares=_shares(per_user.get(user_id, {})),
            clicks=per_user.get(user_id, {}).get("clicks") or 0,
            user_id=user_id,
        )
        for user_id, name in opted_in.items()
    ]
    scope = scope_of(label="", team_ids=None)
    primary: dict[int, int | None] = {}
    for user_id, team_id in (
        TeamMembership.objects.filter(user__is_active=True)
        .order_by("user_id", "joined_at", "id")
        .values_list("user_id", "team_id")
    ):
        primary.setdefault(user_id, team_id)
    teams = []
    for group in scope.groups:
        if group.team_id is None and None in group.member_team_ids:
            continue  # people in no team form no team
        row = BoardRow(rank=0, name=group.name, points=0, shares=0, clicks=0, merged=group.merged)
        for user_id, values in per_user.items():
            if primary.get(user_id) in group.member_team_ids:
                row.points += points_of(values, weights)
                row.shares += _shares(values)
                row.clicks += values.get("clicks") or 0
        teams.append(row)
    mine = per_user.get(viewer.pk, {})
    return Leaderboard(
        period=period,
        people=_ranked(people),
        teams=_ranked(teams),
        weights=weights,
        viewer_opted_in=viewer.pk in opted_in,
        viewer_points=points_of(mine, weights),
    )


def _shares(row: dict) -> int:
    return (row.get("shares_posted") or 0) + (row.get("shares_intent") or 0)


def is_opted_in(*, user: User) -> bool:
    return LeaderboardOptIn.objects.filter(user=user).exists()
