"""Periods of the metrics pages: the last 7, 30 or 90 days or a custom range, in the
programme's time zone, each compared with the period of the same length just before; and
the weeks of a period for the trend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from posts.selectors.metrics.figures import Figures

PERIOD_DAYS = (7, 30, 90)
DEFAULT_PERIOD_DAYS = 30
CUSTOM_PERIOD_MAX_DAYS = 400


def programme_today() -> dt.date:
    return timezone.now().astimezone(timezone.get_default_timezone()).date()


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    key: str = "30"  # "7", "30", "90" or "custom"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        end = self.start - dt.timedelta(days=1)
        return Period(start=end - dt.timedelta(days=self.days - 1), end=end, key=self.key)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def as_query(self) -> str:
        if self.key == "custom":
            return f"period=custom&start={self.start.isoformat()}&end={self.end.isoformat()}"
        return f"period={self.key}"


def period_last(*, days: int = DEFAULT_PERIOD_DAYS, today: dt.date | None = None) -> Period:
    today = today or programme_today()
    return Period(start=today - dt.timedelta(days=days - 1), end=today, key=str(days))


@dataclass
class WeekRow:
    start: dt.date
    end: dt.date
    figures: Figures


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weeks_of(period: Period) -> list[WeekRow]:
    weeks = []
    start = period.start
    while start <= period.end:
        end = min(_week_start(start) + dt.timedelta(days=6), period.end)
        weeks.append(WeekRow(start=start, end=end, figures=Figures()))
        start = end + dt.timedelta(days=1)
    return weeks
