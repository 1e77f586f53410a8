"""Reads of reach metrics: periods, figures, EMV rates, dashboards, the shares behind the
figures and a person's own reach — from the rollups only.

A dashboard is a fixed number of queries whatever the number of teams, shares or clicks:
the figures are grouped queries on rollup tables, and the rest is arithmetic here.
Individual figures leave this package only for the person themself and for people who opted
in to the leaderboard; teams below ``METRICS_MIN_GROUP_SIZE`` are shown with their parent.
Every public name is importable from ``posts.selectors.metrics``.
"""

from posts.selectors.metrics.dashboards import (
    TOP_CONTENT,
    ContentRow,
    Dashboard,
    NetworkRow,
    StatusLine,
    TeamRow,
    dashboard,
)
from posts.selectors.metrics.figures import (
    FIGURE_FIELDS,
    NULLABLE,
    Figures,
    change_percent,
    network_labels,
)
from posts.selectors.metrics.home import HomeSummary, home_summary
from posts.selectors.metrics.opt_ins import PersonRow, opted_in_people, opted_in_user_ids
from posts.selectors.metrics.people import PersonReach, person_figures_visible_to, person_reach
from posts.selectors.metrics.periods import (
    CUSTOM_PERIOD_MAX_DAYS,
    DEFAULT_PERIOD_DAYS,
    PERIOD_DAYS,
    Period,
    WeekRow,
    period_last,
    programme_today,
)
from posts.selectors.metrics.rates import RateBook, emv_of, rate_book
from posts.selectors.metrics.shares import ShareLine, share_lines

__all__ = [
    "CUSTOM_PERIOD_MAX_DAYS",
    "DEFAULT_PERIOD_DAYS",
    "FIGURE_FIELDS",
    "NULLABLE",
    "PERIOD_DAYS",
    "TOP_CONTENT",
    "ContentRow",
    "Dashboard",
    "Figures",
    "HomeSummary",
    "NetworkRow",
    "Period",
    "PersonReach",
    "PersonRow",
    "RateBook",
    "ShareLine",
    "StatusLine",
    "TeamRow",
    "WeekRow",
    "change_percent",
    "dashboard",
    "emv_of",
    "home_summary",
    "network_labels",
    "opted_in_people",
    "opted_in_user_ids",
    "period_last",
    "person_figures_visible_to",
    "person_reach",
    "programme_today",
    "rate_book",
    "share_lines",
]
