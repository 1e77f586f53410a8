"""The reach calculator: the essay's 100 x 100 = 10,000, with the programme's real numbers."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import SocialProfile, User
from posts.metrics_definitions import ESSAY_AMBASSADORS, ESSAY_FOLLOWERS
from posts.models import ShareFacts, TeamNetworkDay
from posts.selectors.metrics import network_labels, period_last


@dataclass
class NetworkMedian:
    network: str
    label: str
    people: int
    median_followers: int


@dataclass
class Scenario:
    label: str
    ambassadors: int
    shares_per_month: Decimal
    followers: int

    @property
    def reach(self) -> int:
        return int(self.ambassadors * self.shares_per_month * self.followers)


@dataclass
class ReachCalculator:
    """Potential reach of a month of sharing: ambassadors, times shares each, times followers per share."""

    ambassadors: int
    shares_per_month: Decimal
    followers: int
    networks: list[NetworkMedian]
    programme: Scenario  # the programme's real numbers, whatever the inputs say

    @property
    def initial(self) -> dict:
        return {
            "ambassadors": self.ambassadors,
            "shares_per_month": self.shares_per_month,
            "followers": self.followers,
        }

    @property
    def scenarios(self) -> list[Scenario]:
        n, s, f = self.ambassadors, self.shares_per_month, self.followers
        return [
            Scenario(_("With these numbers"), n, s, f),
            Scenario(_("Twice the ambassadors"), n * 2, s, f),
            Scenario(_("Each shares twice as often"), n, s * 2, f),
            Scenario(_("Both"), n * 2, s * 2, f),
        ]

    @property
    def essay(self) -> Scenario:
        return Scenario(_("The essay's example"), ESSAY_AMBASSADORS, Decimal(1), ESSAY_FOLLOWERS)


def _median(values: list[int]) -> int:
    return int(statistics.median(values)) if values else 0


def reach_calculator(
    *,
    ambassadors: int | None = None,
    shares_per_month: Decimal | None = None,
    followers: int | None = None,
) -> ReachCalculator:
    """The programme's real numbers (active people, shares in the last 30 days each, median
    followers at share time over 90 days, else of the profiles); inputs override them."""
    people = User.objects.active().count()
    month = period_last(days=30)
    shares = TeamNetworkDay.objects.filter(day__gte=month.start, day__lte=month.end).aggregate(
        posted=Sum("shares_posted"), intent=Sum("shares_intent")
    )
    shares_total = (shares["posted"] or 0) + (shares["intent"] or 0)
    per_person = (
        (Decimal(shares_total) / people).quantize(Decimal("0.01")) if people else Decimal(0)
    )
    quarter = period_last(days=90)
    at_share = list(
        ShareFacts.objects.filter(
            shared_on__gte=quarter.start, shared_on__lte=quarter.end
        ).values_list("followers", flat=True)
    )
    profiles: dict[str, list[int]] = defaultdict(list)
    for network, count in SocialProfile.objects.filter(
        user__is_active=True, followers_count__gt=0
    ).values_list("network", "followers_count"):
        profiles[network].append(count)
    median = _median(at_share) or _median([c for counts in profiles.values() for c in counts])
    labels = network_labels()
    programme = Scenario(_("Your programme now"), people, per_person, median)
    return ReachCalculator(
        ambassadors=people if ambassadors is None else ambassadors,
        shares_per_month=per_person if shares_per_month is None else shares_per_month,
        followers=median if followers is None else followers,
        networks=[
            NetworkMedian(
                network=n, label=labels.get(n, n), people=len(c), median_followers=_median(c)
            )
            for n, c in sorted(profiles.items(), key=lambda kv: -len(kv[1]))
        ],
        programme=programme,
    )
