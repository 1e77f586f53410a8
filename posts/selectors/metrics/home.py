"""The home page card: the last 30 days of the viewer's teams (or programme), else their own."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts import selectors as accounts_selectors
from accounts.models import User
from posts.models import PersonDay, TeamNetworkDay
from posts.selectors.metric_scopes import dashboard_scope
from posts.selectors.metrics.dashboards import participation_counts
from posts.selectors.metrics.figures import Figures, change_percent, figure_sums
from posts.selectors.metrics.periods import Period, period_last


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
        .annotate(**figure_sums())
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
        current.sharers, before.sharers = participation_counts(scope, [period, period.previous])
        current.people = before.people = scope.people
        return HomeSummary(True, scope.label, period, current, before)
    current, before = _period_pair(PersonDay.objects.filter(user=viewer), period)
    return HomeSummary(False, _("Your reach"), period, current, before)
