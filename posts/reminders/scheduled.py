"""Posts published for a person through their connected account: they hear once when a
post they scheduled for later went out, and whenever one (scheduled or "post now") failed."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Notification, NotificationKind, User
from accounts.notifications import (
    Draft,
    ReminderSource,
    draft_for,
    in_language_of,
    notifications_create,
    with_delivery,
)
from posts.models import Share, ShareStatus

# A post's outcome comes soon after its (last) scheduled time; older ones are not looked at.
OUTCOME_LOOKBACK = dt.timedelta(days=2)
# A share whose time was more than this after it was made was scheduled for later.
SCHEDULED_FOR_LATER = dt.timedelta(minutes=5)
OUTCOMES_PER_TICK = 1000
SUBJECT_PREFIX = "posts.share:"


def publish_outcomes(*, now: dt.datetime) -> QuerySet[Share]:
    """Shares whose person has not heard of their outcome yet: posted after being scheduled
    for later, or failed (one query)."""
    told = Notification.objects.filter(
        recipient=OuterRef("user_id"),
        kind=NotificationKind.SCHEDULED_POST,
        subject=Concat(Value(SUBJECT_PREFIX), Cast(OuterRef("pk"), output_field=CharField())),
        period=OuterRef("status"),
    )
    return (
        Share.objects.filter(scheduled_at__gte=now - OUTCOME_LOOKBACK)
        .filter(
            Q(status=ShareStatus.FAILED)
            | Q(status=ShareStatus.POSTED, scheduled_at__gt=F("created_at") + SCHEDULED_FOR_LATER)
        )
        .exclude(Exists(told))
        .select_related("item")
        .order_by("pk")
    )


def _texts(share: Share) -> tuple[str, str, str]:
    network = share.get_network_display()
    if share.status == ShareStatus.POSTED:
        title = _("Your scheduled post on %(network)s is published") % {"network": network}
        return title, share.item.display_title, share.post_url or reverse("posts:my_shares")
    title = _("Your post on %(network)s could not be published") % {"network": network}
    body = share.publish_error or _("The network did not accept it.")
    return title, body, reverse("posts:share_done", args=[share.pk])


def publish_outcomes_collect(*, now: dt.datetime) -> int:
    shares = list(publish_outcomes(now=now)[:OUTCOMES_PER_TICK])
    if not shares:
        return 0
    people = {
        person.pk: person
        for person in with_delivery(
            User.objects.active().filter(pk__in={share.user_id for share in shares}),
            kind=NotificationKind.SCHEDULED_POST,
        )
    }
    drafts = []
    for share in shares:
        person = people.get(share.user_id)
        if person is None:  # every channel off, or gone: decided, shown nowhere
            drafts.append(
                Draft(
                    share.user_id,
                    NotificationKind.SCHEDULED_POST,
                    f"{SUBJECT_PREFIX}{share.pk}",
                    share.status,
                    "",
                    in_app=False,
                    email=False,
                )
            )
            continue
        with in_language_of(person):
            title, body, url = _texts(share)
        drafts.append(
            draft_for(
                person,
                kind=NotificationKind.SCHEDULED_POST,
                subject=f"{SUBJECT_PREFIX}{share.pk}",
                period=share.status,
                title=title,
                body=body,
                url=url,
                now=now,
            )
        )
    return notifications_create(drafts=drafts, now=now)


SCHEDULED_POST_SOURCE = ReminderSource(
    name="posts.scheduled_posts",
    kinds=(NotificationKind.SCHEDULED_POST,),
    collect=publish_outcomes_collect,
)
