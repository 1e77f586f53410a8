"""Gentle nudges: something new to share for people who have not shared in a while."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Notification, NotificationKind, User
from accounts.notifications import (
    ReminderSource,
    draft_for,
    in_language_of,
    notifications_create,
    with_delivery,
)
from accounts.selectors import TeamTree
from posts.models import Share
from posts.reminders.base import (
    LiveItem,
    items_for,
    live_items,
    people_batches,
    shared_by,
    teams_of,
)

NUDGE_QUIET_FOR = dt.timedelta(days=30)


def nudge_candidates(*, now: dt.datetime) -> QuerySet[User]:
    """People who joined over 30 days ago, shared nothing in 30 days, and had no nudge in 30
    days nor this month. Annotated with ``last_share_at``."""
    month = f"{now:%Y-%m}"
    nudged = Notification.objects.filter(recipient=OuterRef("pk"), kind=NotificationKind.NUDGE)
    last_share = Share.objects.filter(user=OuterRef("pk")).order_by("-created_at")
    return (
        with_delivery(
            User.objects.active().filter(date_joined__lte=now - NUDGE_QUIET_FOR),
            kind=NotificationKind.NUDGE,
        )
        .exclude(
            Exists(Share.objects.filter(user=OuterRef("pk"), created_at__gt=now - NUDGE_QUIET_FOR))
        )
        .exclude(Exists(nudged.filter(created_at__gt=now - NUDGE_QUIET_FOR)))
        .exclude(Exists(nudged.filter(period=month)))
        .annotate(last_share_at=Subquery(last_share.values("created_at")[:1]))
    )


def nudge_collect(*, now: dt.datetime) -> int:
    """A nudge for each candidate with something new to share since their last share."""
    items: list[LiveItem] | None = None
    tree: TeamTree | None = None
    offered = 0
    for batch in people_batches(nudge_candidates(now=now)):
        if items is None:
            items, tree = live_items(now=now), TeamTree.load()
        ids = [person.pk for person in batch]
        teams = teams_of(ids)
        shared = shared_by(ids, [item.pk for item in items])
        drafts = []
        for person in batch:
            since = max(filter(None, [person.last_share_at, now - NUDGE_QUIET_FOR]))
            chosen = items_for(
                items=items,
                audience=tree.ancestors(teams.get(person.pk, set())),
                since=since,
                shared=shared.get(person.pk, set()),
                limit=3,
            )
            if not chosen:
                continue
            with in_language_of(person):
                title = _("Something new to share: %(title)s") % {
                    "title": chosen[0].title_for(person.language)
                }
                body = _(
                    "It has been a while since your last share. Colleagues picked these for you."
                )
            drafts.append(
                draft_for(
                    person,
                    kind=NotificationKind.NUDGE,
                    subject="",
                    period=f"{now:%Y-%m}",
                    title=title,
                    body=body,
                    url=reverse("posts:item_detail", args=[chosen[0].pk]),
                    expires_at=now + dt.timedelta(days=3),
                    now=now,
                )
            )
        offered += notifications_create(drafts=drafts, now=now)
    return offered


NUDGE_SOURCE = ReminderSource(
    name="posts.nudge",
    kinds=(NotificationKind.NUDGE,),
    collect=nudge_collect,
    every=dt.timedelta(hours=1),
)
