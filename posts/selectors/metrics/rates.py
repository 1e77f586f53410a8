"""Earned media value: the rates an admin set, the one in effect on a day, and the value of
one network's figures on one day in every currency with rates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from posts.models import MetricRate
from posts.selectors.metrics.figures import Figures
from posts.selectors.metrics.periods import Period


@dataclass
class RateBook:
    """Every EMV rate, to look up the one in effect for a (network, currency, day)."""

    rates: list[MetricRate]
    by_key: dict[tuple[str, str], list[MetricRate]] = field(default_factory=dict)

    def __post_init__(self):
        for rate in sorted(self.rates, key=lambda r: r.effective_date):
            self.by_key.setdefault((rate.network, rate.currency), []).append(rate)

    @property
    def currencies(self) -> list[str]:
        return sorted({currency for _network, currency in self.by_key})

    def rate_for(self, network: str, currency: str, day: dt.date) -> MetricRate | None:
        found = None
        for rate in self.by_key.get((network, currency), []):
            if rate.effective_date <= day:
                found = rate
        return found

    def used_in(self, period: Period) -> list[MetricRate]:
        """The rates in effect on some day of ``period``."""
        used = []
        for rates in self.by_key.values():
            for index, rate in enumerate(rates):
                following = rates[index + 1].effective_date if index + 1 < len(rates) else None
                if rate.effective_date <= period.end and (
                    following is None or following > period.start
                ):
                    used.append(rate)
        return sorted(used, key=lambda r: (r.currency, r.network, r.effective_date))


def rate_book() -> RateBook:
    return RateBook(list(MetricRate.objects.order_by("network", "currency", "effective_date")))


def emv_of(
    *, book: RateBook, network: str, day: dt.date, clicks: int, engagement, impressions
) -> dict[str, Decimal]:
    """Earned media value of one network's figures on one day, in every currency with rates."""
    values = {}
    for currency in book.currencies:
        rate = book.rate_for(network, currency, day)
        if rate is None:
            continue
        value = rate.cpm * Decimal(impressions or 0) / 1000 + rate.cpc * (
            rate.reaction_weight * Decimal(engagement or 0) + Decimal(clicks or 0)
        )
        values[currency] = value
    return values


def add_emv(target: Figures, values: dict[str, Decimal]) -> None:
    if target.emv is None:
        target.emv = {}
    for currency, value in values.items():
        target.emv[currency] = target.emv.get(currency, Decimal(0)) + value


def round_emv(figures: Figures) -> None:
    if figures.emv is not None:
        figures.emv = {c: v.quantize(Decimal("1")) for c, v in figures.emv.items()}
