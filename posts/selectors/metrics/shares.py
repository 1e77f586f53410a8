"""The shares behind the figures: one line per share in scope and period, whose columns add
up to the dashboard's figures; the person's name only where they opted in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Sum

from accounts.models import User
from posts.models import ShareDay, ShareFacts
from posts.selectors.metric_scopes import Scope
from posts.selectors.metrics.figures import network_labels, translated, translated_columns
from posts.selectors.metrics.opt_ins import opted_in_user_ids
from posts.selectors.metrics.periods import Period


@dataclass
class ShareLine:
    share_id: int
    shared_on: dt.date
    team: str
    network: str
    kind: str
    followers: int
    in_period: bool
    clicks: int
    unique_visitors: int
    engagement: int | None
    impressions: int | None
    person: str  # empty unless the person opted in (or is the viewer)
    item: str

    @property
    def potential_reach(self) -> int:
        return self.followers if self.in_period else 0


def share_lines(
    *, period: Period, scope: Scope | None = None, user: User | None = None
) -> list[ShareLine]:
    """One line per share in scope that was made in the period or had clicks or engagement
    in it; the columns add up to the dashboard's figures. ``user``: that person's own."""
    facts_q = Q(user=user) if user is not None else scope.team_q()
    # The shares' days through their facts: rollup tables only, never the shares table.
    day_q = Q(share_id__in=ShareFacts.objects.filter(facts_q).values("share_id"))
    activity = {
        row["share_id"]: row
        for row in ShareDay.objects.filter(day_q, day__gte=period.start, day__lte=period.end)
        .values("share_id")
        .order_by()
        .annotate(
            clicks=Sum("clicks"),
            unique_visitors=Sum("unique_visitors"),
            engagement=Sum("engagement"),
            impressions=Sum("impressions"),
        )
    }
    active_in_period = ShareDay.objects.filter(
        share_id=OuterRef("share_id"), day__gte=period.start, day__lte=period.end
    )
    facts = (
        ShareFacts.objects.filter(facts_q)
        .filter(
            Q(shared_on__gte=period.start, shared_on__lte=period.end) | Exists(active_in_period)
        )
        .values(
            "share_id",
            "shared_on",
            "team_id",
            *translated_columns("team__name"),
            "network",
            "kind",
            "followers",
            "user_id",
            "user__display_name",
            "user__email",
            "user__is_active",
            *translated_columns("item__title"),
        )
        .order_by("shared_on", "share_id")
    )
    facts = list(facts)
    named = opted_in_user_ids(user_ids={f["user_id"] for f in facts}) if user is None else set()
    labels = network_labels()
    lines = []
    for f in facts:
        if user is not None:
            team = translated(f, "team__name")
        else:
            group = scope.group_of(f["team_id"])
            team = group.name if group is not None else ""
        show_name = user is not None or (f["user_id"] in named and f["user__is_active"])
        day = activity.get(f["share_id"], {})
        lines.append(
            ShareLine(
                share_id=f["share_id"],
                shared_on=f["shared_on"],
                team=team,
                network=labels.get(f["network"], f["network"]),
                kind=f["kind"],
                followers=f["followers"],
                in_period=period.contains(f["shared_on"]),
                clicks=day.get("clicks") or 0,
                unique_visitors=day.get("unique_visitors") or 0,
                engagement=day.get("engagement"),
                impressions=day.get("impressions"),
                person=(f["user__display_name"] or f["user__email"]) if show_name else "",
                item=translated(f, "item__title"),
            )
        )
    return lines
