"""What every reminder of the library reads: the live items with their targets, who is in
which team, what they shared, and people in batches of ``BATCH``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Set
from dataclasses import dataclass, field
from itertools import islice

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from accounts.models import TeamMembership, User
from ambassador import translated
from posts.models import ContentItem, Share

BATCH = 500
DIGEST_MAX_ITEMS = 6


class ReminderError(Exception):
    """An expected failure; the message is for people."""


@dataclass(frozen=True)
class LiveItem:
    pk: int
    title: str
    featured: bool
    published_on: dt.datetime
    target_everyone: bool
    team_ids: frozenset[int]
    titles: dict[str, str] = field(default_factory=dict, compare=False)  # language → title

    def title_for(self, language: str | None) -> str:
        """The title for a reader of ``language`` (else the default language's)."""
        for code in translated.reading_order(language or None):
            if self.titles.get(code):
                return self.titles[code]
        return self.title


def live_items(*, now: dt.datetime) -> list[LiveItem]:
    """Every live item with its targets, best first (featured, then newest): two queries."""
    title_columns = translated.localized_fields("title")
    rows = list(
        ContentItem.objects.live(now)
        .annotate(published_on=Coalesce("publish_at", "approved_at", "created_at"))
        .order_by("-featured", "-published_on", "-pk")
        .values_list("pk", "title", "featured", "published_on", "target_everyone", *title_columns)
    )
    targets: dict[int, set[int]] = defaultdict(set)
    for item_id, team_id in ContentItem.target_teams.through.objects.filter(
        contentitem_id__in=[row[0] for row in rows if not row[4]]
    ).values_list("contentitem_id", "team_id"):
        targets[item_id].add(team_id)
    languages = translated.content_languages()
    return [
        LiveItem(
            pk,
            title,
            featured,
            published_on,
            everyone,
            frozenset(targets.get(pk, ())),
            dict(zip(languages, titles, strict=True)),
        )
        for pk, title, featured, published_on, everyone, *titles in rows
    ]


def teams_of(user_ids: list[int]) -> dict[int, set[int]]:
    teams: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in TeamMembership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "team_id"
    ):
        teams[user_id].add(team_id)
    return teams


def shared_by(user_ids: list[int], item_ids: list[int]) -> dict[int, set[int]]:
    shared: dict[int, set[int]] = defaultdict(set)
    for user_id, item_id in (
        Share.objects.filter(user_id__in=user_ids, item_id__in=item_ids)
        .values_list("user_id", "item_id")
        .distinct()
    ):
        shared[user_id].add(item_id)
    return shared


def items_for(
    *,
    items: list[LiveItem],
    audience: Set[int],
    since: dt.datetime | None,
    shared: set[int],
    limit: int = DIGEST_MAX_ITEMS,
) -> list[LiveItem]:
    """The best ``limit`` items aimed at ``audience``, published after ``since`` and not
    shared yet. ``items`` come best first."""
    chosen: list[LiveItem] = []
    for item in items:
        if since is not None and item.published_on <= since:
            continue
        if item.pk in shared:
            continue
        if not item.target_everyone and not (item.team_ids & audience):
            continue
        chosen.append(item)
        if len(chosen) >= limit:
            break
    return chosen


class ItemChooser:
    """``items_for`` for thousands of people: the items a set of teams may see since a date
    are worked out once, and each person's shares are left out of that short list."""

    def __init__(self, items: list[LiveItem]):
        self.items = items
        self.item_ids = [item.pk for item in items]
        self._eligible: dict[tuple[frozenset[int], dt.datetime | None], list[LiveItem]] = {}

    def choose(
        self,
        *,
        audience: Set[int],
        since: dt.datetime | None,
        shared: set[int],
        limit: int = DIGEST_MAX_ITEMS,
    ) -> list[LiveItem]:
        key = (frozenset(audience), since)
        eligible = self._eligible.get(key)
        if eligible is None:
            eligible = self._eligible[key] = items_for(
                items=self.items,
                audience=audience,
                since=since,
                shared=set(),
                limit=len(self.items),
            )
        return list(islice((item for item in eligible if item.pk not in shared), limit))


def people_batches(people: QuerySet[User]) -> Iterator[list[User]]:
    """``people`` ordered by id, read ``BATCH`` at a time with keyset pagination."""
    last = 0
    while True:
        batch = list(people.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        yield batch
