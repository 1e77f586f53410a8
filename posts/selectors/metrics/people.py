"""A person's own reach, with the same definitions as the dashboards, and who may see it."""

from __future__ import annotations

from dataclasses import dataclass

from accounts import selectors as accounts_selectors
from accounts.models import TeamMembership, User
from posts.models import LeaderboardOptIn, PersonDay
from posts.selectors.metrics.figures import FIGURE_FIELDS, Figures, change_percent
from posts.selectors.metrics.periods import Period, WeekRow, weeks_of
from posts.selectors.metrics.shares import ShareLine, share_lines
from posts.selectors.points import ACTIVITY_FIELDS, point_weights, points_of


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
    weeks = weeks_of(period)
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
