"""The team channels' weekly summary: what is new to share and what the team shared."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import TeamWebhook, User, WebhookMessage
from accounts.notifications import ReminderSource, absolute_url, in_language_of, reminder_schedule
from accounts.selectors import TeamTree
from accounts.webhooks import Payload, messages_create
from posts.models import Share
from posts.reminders.base import LiveItem, live_items
from posts.reminders.digest import digest_period, digest_slot, digest_slot_after

# Webhook messages only: people never get this kind.
TEAM_SUMMARY = "TEAM_SUMMARY"


def _team_summary_payload(
    webhook: TeamWebhook, *, tree: TeamTree, items: list[LiveItem], since: dt.datetime
) -> Payload:
    team = webhook.team
    audience = tree.ancestors({team.pk})
    new_items = [
        item
        for item in items
        if item.published_on > since and (item.target_everyone or item.team_ids & audience)
    ]
    members = tree.descendants({team.pk})
    shares = Share.objects.filter(
        created_at__gt=since, user__memberships__team_id__in=members
    ).distinct()
    share_count = shares.count()
    top = (
        shares.order_by()
        .values("item_id", "item__title")
        .annotate(n=Count("pk"))
        .order_by("-n", "item_id")
        .first()
    )
    with in_language_of(User(language=webhook.language)):
        facts = [
            (_("New to share"), str(len(new_items))),
            (_("Shares by the team"), str(share_count)),
        ]
        if top:
            facts.append((_("Most shared"), top["item__title"]))
        return Payload(
            title=_("This week in Ambassador: %(team)s") % {"team": team.name},
            text=_("What is new to share, and what the team shared in the last seven days."),
            url=absolute_url(reverse("posts:feed")),
            link_label=_("Open the library"),
            facts=tuple(facts),
        )


def team_summary_collect(*, now: dt.datetime) -> int:
    """One summary per active webhook per week, at the digest time in the site's time zone;
    a week that passed while nothing ran is not summarised late."""
    schedule = reminder_schedule()
    slot = digest_slot(
        now=now, time_zone=None, weekday=schedule.digest_weekday, at=schedule.digest_time
    )
    period = digest_period(slot)
    summarised = WebhookMessage.objects.filter(
        webhook=OuterRef("pk"), kind=TEAM_SUMMARY, period=period
    )
    hooks = list(
        TeamWebhook.objects.filter(is_active=True, created_at__lte=slot)
        .exclude(Exists(summarised))
        .select_related("team")
    )
    if not hooks:
        return 0
    items, tree = live_items(now=now), TeamTree.load()
    since = slot - dt.timedelta(days=7)
    return messages_create(
        webhooks=hooks,
        kind=TEAM_SUMMARY,
        subject="",
        period=period,
        payloads={
            hook.pk: _team_summary_payload(hook, tree=tree, items=items, since=since)
            for hook in hooks
        },
        now=now,
        expires_at=digest_slot_after(slot),
    )


TEAM_SUMMARY_SOURCE = ReminderSource(
    name="posts.team_summary", kinds=(), collect=team_summary_collect
)
