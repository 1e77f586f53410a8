"""The figures every metrics table shows, and how they add up and compare."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import get_language

from posts.models import Share

FIGURE_FIELDS = (
    "shares_posted",
    "shares_intent",
    "potential_reach",
    "clicks",
    "unique_visitors",
    "engagement",
    "impressions",
)
NULLABLE = {"engagement", "impressions"}


def translated_columns(lookup: str) -> list[str]:
    """The per-language columns of a translated field reached through a relation: ``values()``
    with a related lookup reads only the untranslated column."""
    return [f"{lookup}_{code}" for code, _name in settings.LANGUAGES]


def translated(row: dict, lookup: str) -> str:
    """The reader's language, else the fallbacks, as the models' own fields do."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for code in (language, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES):
        value = row.get(f"{lookup}_{code}")
        if value:
            return value
    return ""


def network_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Share._meta.get_field("network").choices}


@dataclass
class Figures:
    shares_posted: int = 0
    shares_intent: int = 0
    potential_reach: int = 0
    clicks: int = 0
    unique_visitors: int = 0
    engagement: int | None = None
    impressions: int | None = None
    sharers: int | None = None
    people: int | None = None
    emv: dict[str, Decimal] | None = None

    @property
    def shares(self) -> int:
        return self.shares_posted + self.shares_intent

    @property
    def participation(self) -> float | None:
        """Percent of people in scope who shared; None when nobody is in scope."""
        if not self.people or self.sharers is None:
            return None
        return 100.0 * self.sharers / self.people

    def add(self, row: dict) -> None:
        for name in FIGURE_FIELDS:
            value = row.get(name)
            if value is None:
                continue
            if name in NULLABLE:
                setattr(self, name, (getattr(self, name) or 0) + value)
            else:
                setattr(self, name, getattr(self, name) + value)

    def add_values(self, values) -> None:
        """Add one row of sums in ``FIGURE_FIELDS`` order (the dashboard's hot loop)."""
        posted, intent, reach, clicks, uniques, engagement, impressions = values
        self.shares_posted += posted or 0
        self.shares_intent += intent or 0
        self.potential_reach += reach or 0
        self.clicks += clicks or 0
        self.unique_visitors += uniques or 0
        if engagement is not None:
            self.engagement = (self.engagement or 0) + engagement
        if impressions is not None:
            self.impressions = (self.impressions or 0) + impressions


def figure_sums() -> dict:
    return {name: Sum(name) for name in FIGURE_FIELDS}


def change_percent(current, previous) -> float | None:
    """The change against the previous period in percent; None when there is no base."""
    if current is None or previous is None or not previous:
        return None
    return 100.0 * (float(current) - float(previous)) / float(previous)
