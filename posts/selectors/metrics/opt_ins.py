"""Individual figures reach a manager only for people who opted in to the leaderboard."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import TeamMembership, User
from posts.models import LeaderboardOptIn, PersonDay
from posts.selectors.metric_scopes import Scope
from posts.selectors.metrics.figures import Figures, figure_sums
from posts.selectors.metrics.periods import Period


@dataclass
class PersonRow:
    user_id: int
    name: str
    figures: Figures


def opted_in_user_ids(*, user_ids) -> set[int]:
    return set(
        LeaderboardOptIn.objects.filter(user_id__in=user_ids, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def people_in(scope: Scope) -> QuerySet:
    """The ids of the scope's people as a subquery: the same set as ``scope.user_ids``
    (active members of its teams; everyone active for the programme) without sending
    thousands of ids back to the database."""
    if scope.team_ids is None:
        return User.objects.active().values("id")
    return TeamMembership.objects.filter(team_id__in=scope.team_ids, user__is_active=True).values(
        "user_id"
    )


def opted_in_people(*, scope: Scope, period: Period) -> list[PersonRow]:
    """Individual figures of the people in scope who opted in; nobody else."""
    opted_in = LeaderboardOptIn.objects.filter(
        user_id__in=people_in(scope), user__is_active=True
    ).values("user_id")
    rows = (
        PersonDay.objects.filter(day__gte=period.start, day__lte=period.end, user_id__in=opted_in)
        .values("user_id", "user__display_name", "user__email")
        .order_by()
        .annotate(**figure_sums())
        .order_by("-clicks", "user_id")
    )
    result = []
    for row in rows:
        figures = Figures()
        figures.add(row)
        name = row["user__display_name"] or row["user__email"]
        result.append(PersonRow(user_id=row["user_id"], name=name, figures=figures))
    return result
