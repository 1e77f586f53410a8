"""New featured items: a curator asks, and the next tick tells the item's audience once,
in the inbox, by email and in the team channels."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import NotificationKind, TeamMembership, TeamWebhook, User
from accounts.notifications import (
    ReminderSource,
    absolute_url,
    draft_for,
    in_language_of,
    notifications_create,
    with_delivery,
)
from accounts.selectors import team_descendant_ids
from accounts.services import audit_record
from accounts.webhooks import Payload, messages_create
from posts.models import ContentItem, FeaturedAnnouncement
from posts.reminders.base import ReminderError, people_batches
from posts.selectors import items_curatable


@transaction.atomic
def featured_announce_request(*, item: ContentItem, by: User) -> FeaturedAnnouncement:
    """A curator asks to tell ``item``'s audience about it; the next tick does, once."""
    if not items_curatable(user=by).filter(pk=item.pk).exists():
        raise ReminderError(_("Only curators of this item can announce it."))
    if not (item.featured and ContentItem.objects.live().filter(pk=item.pk).exists()):
        raise ReminderError(_("Only a featured item that is live can be announced."))
    announcement, created = FeaturedAnnouncement.objects.get_or_create(
        item=item, defaults={"requested_by": by}
    )
    if not created:
        raise ReminderError(_("This item has already been announced."))
    audit_record(actor=by, action=AuditAction.CONTENT_ANNOUNCED, target=item)
    return announcement


def _audience_teams(item: ContentItem) -> set[int]:
    """The item's target teams and every team below them: whose feed shows it."""
    return team_descendant_ids(team_ids=set(item.target_teams.values_list("pk", flat=True)))


def featured_audience(*, item: ContentItem) -> QuerySet[User]:
    """Everyone who sees ``item`` in their feed: its teams and every team below them."""
    people = User.objects.active()
    if item.target_everyone:
        return people
    return people.filter(
        Exists(
            TeamMembership.objects.filter(user=OuterRef("pk"), team_id__in=_audience_teams(item))
        )
    )


def featured_webhooks(*, item: ContentItem) -> QuerySet[TeamWebhook]:
    hooks = TeamWebhook.objects.filter(is_active=True).select_related("team")
    if item.target_everyone:
        return hooks
    return hooks.filter(team_id__in=_audience_teams(item))


def _featured_payload(item: ContentItem, language: str) -> Payload:
    with in_language_of(User(language=language)):
        return Payload(
            title=_("New featured: %(title)s") % {"title": item.display_title},
            text=item.summary[:300],
            url=absolute_url(reverse("posts:item_detail", args=[item.pk])),
            link_label=_("Open in Ambassador"),
        )


def _announce(announcement_id: int, *, now: dt.datetime) -> int:
    """Claim one announcement and write all its rows in the same transaction: a crash
    leaves it unclaimed for the next tick, a second tick finds it claimed."""
    with transaction.atomic():
        claimed = FeaturedAnnouncement.objects.filter(
            pk=announcement_id, announced_at__isnull=True
        ).update(announced_at=now)
        if not claimed:
            return 0
        announcement = FeaturedAnnouncement.objects.select_related("item").get(pk=announcement_id)
        item = announcement.item
        if not (item.featured and ContentItem.objects.live(now).filter(pk=item.pk).exists()):
            return 0  # withdrawn in the meantime: nothing to tell
        subject, url = f"posts.contentitem:{item.pk}", reverse("posts:item_detail", args=[item.pk])
        offered = 0
        people = with_delivery(featured_audience(item=item), kind=NotificationKind.FEATURED)
        for batch in people_batches(people):
            drafts = []
            for person in batch:
                with in_language_of(person):
                    title = _("New featured: %(title)s") % {"title": item.display_title}
                    body = item.summary[:300]  # in the person's language
                drafts.append(
                    draft_for(
                        person,
                        kind=NotificationKind.FEATURED,
                        subject=subject,
                        period="featured",
                        title=title,
                        body=body,
                        url=url,
                        expires_at=now + dt.timedelta(days=7),
                        now=now,
                    )
                )
            offered += notifications_create(drafts=drafts, now=now)
        hooks = list(featured_webhooks(item=item))
        messages_create(
            webhooks=hooks,
            kind=NotificationKind.FEATURED,
            subject=subject,
            period="featured",
            payloads={hook.pk: _featured_payload(item, hook.language) for hook in hooks},
            now=now,
            expires_at=now + dt.timedelta(days=7),
        )
        return offered


def featured_collect(*, now: dt.datetime) -> int:
    pending = FeaturedAnnouncement.objects.filter(
        announced_at__isnull=True, requested_at__lte=now
    ).values_list("pk", flat=True)
    return sum(_announce(pk, now=now) for pk in list(pending))


FEATURED_SOURCE = ReminderSource(
    name="posts.featured", kinds=(NotificationKind.FEATURED,), collect=featured_collect
)
