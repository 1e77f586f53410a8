"""Step 1 of a rollup: the facts of each share (its team when first rolled up, its day,
its kind), kept in step with the share's status; and the programme's days.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Q
from django.utils import timezone

from accounts.models import TeamMembership
from posts.metrics_definitions import KIND_OF_STATUS, share_counted_at, share_kind
from posts.models import (
    Share,
    ShareDay,
    ShareFacts,
)

BATCH = 5000
ALL = None  # "every key" for a day's recomputation


# --- Days in the programme's time zone --------------------------------------------------------


def programme_day(moment: dt.datetime) -> dt.date:
    """The day of ``moment`` in the programme's time zone (``TIME_ZONE``)."""
    return moment.astimezone(timezone.get_default_timezone()).date()


def programme_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def primary_team_ids(*, user_ids: Iterable[int]) -> dict[int, int]:
    """Each person's team for attribution: the team they joined first (none: absent)."""
    teams: dict[int, int] = {}
    rows = (
        TeamMembership.objects.filter(user_id__in=set(user_ids))
        .order_by("user_id", "joined_at", "id")
        .values_list("user_id", "team_id")
    )
    for user_id, team_id in rows:
        teams.setdefault(user_id, team_id)
    return teams


# --- Step 1: the facts of shares ----------------------------------------------------------------


@dataclass
class FactChanges:
    """What step 1 changed: facts added, facts whose kind or day moved with the share's
    status (before, after), and facts removed (the share no longer counts)."""

    added: list[ShareFacts] = field(default_factory=list)
    changed: list[tuple[ShareFacts, ShareFacts]] = field(default_factory=list)
    removed: list[ShareFacts] = field(default_factory=list)

    def days(self) -> list[tuple[dt.date, ShareFacts]]:
        """The (day, facts) whose share counts and reach these changes alter."""
        pairs = [(f.shared_on, f) for f in self.added + self.removed]
        for before, after in self.changed:
            pairs += [(before.shared_on, before), (after.shared_on, after)]
        return pairs


def _facts_of(share: Share, team_id: int | None) -> ShareFacts:
    return ShareFacts(
        share_id=share.id,
        user_id=share.user_id,
        team_id=team_id,
        item_id=share.item_id,
        network=share.network,
        kind=share_kind(share=share),
        shared_on=programme_day(share_counted_at(share=share)),
        followers=share.followers_at_share,
    )


_SHARE_FIELDS = (
    "id",
    "user_id",
    "item_id",
    "network",
    "followers_at_share",
    "created_at",
    "status",
    "posted_at",
)


def _facts_agree() -> Q:
    """Facts whose kind is what their share's status counts as now."""
    return reduce(
        operator.or_,
        (Q(kind=kind, share__status=status) for status, kind in KIND_OF_STATUS.items()),
    )


def facts_sync() -> FactChanges:
    """Facts for every counted share that has none; facts of shares whose status changed
    since they were written follow it (another kind or day, or removed)."""
    changes = FactChanges()
    stale = {f.share_id: f for f in ShareFacts.objects.exclude(_facts_agree())}
    if stale:
        shares = Share.objects.filter(pk__in=stale).only(*_SHARE_FIELDS)
        updated = []
        for share in shares:
            before = stale[share.id]
            if share_kind(share=share) is None:
                changes.removed.append(before)
                continue
            after = _facts_of(share, before.team_id)
            changes.changed.append((before, after))
            updated.append(after)
        ShareFacts.objects.filter(share_id__in=[f.share_id for f in changes.removed]).delete()
        ShareFacts.objects.bulk_update(updated, ["kind", "shared_on"], batch_size=BATCH)
    new = list(
        Share.objects.filter(metrics__isnull=True, status__in=list(KIND_OF_STATUS)).only(
            *_SHARE_FIELDS
        )
    )
    if new:
        teams = primary_team_ids(user_ids={s.user_id for s in new})
        changes.added = [_facts_of(s, teams.get(s.user_id)) for s in new]
        ShareFacts.objects.bulk_create(changes.added, batch_size=BATCH, ignore_conflicts=True)
    return changes


def share_days_of(
    facts: list[ShareFacts], *, outside: tuple[dt.date, dt.date] | None = None
) -> list[tuple[dt.date, ShareFacts]]:
    """The days with clicks or engagement of these shares (only those outside a range)."""
    by_id = {f.share_id: f for f in facts}
    ids = list(by_id)
    pairs = []
    for start in range(0, len(ids), BATCH):
        rows = ShareDay.objects.filter(share_id__in=ids[start : start + BATCH])
        if outside is not None:
            rows = rows.exclude(day__gte=outside[0], day__lte=outside[1])
        pairs += [(day, by_id[share_id]) for share_id, day in rows.values_list("share_id", "day")]
    return pairs
