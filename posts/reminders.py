"""What the library has to say: the weekly digest, gentle nudges, new featured items and
the team channels' weekly summary — and the digest's two-click share links.

Sources are registered in ``PostsConfig.ready`` and run by the accounts tick. People are
found by selectors and handled in batches of ``BATCH``: each batch costs the same few
queries whatever its size, and the library itself is read once per run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import AuditAction
from accounts.models import (
    DigestFrequency,
    Notification,
    NotificationKind,
    SocialProfile,
    Team,
    TeamMembership,
    TeamWebhook,
    User,
    WebhookMessage,
)
from accounts.notifications import (
    TEST_SUBJECT,
    Draft,
    EmailTemplate,
    PreviewLine,
    ReminderSource,
    absolute_url,
    draft_for,
    in_language_of,
    notifications_create,
    path_with_token,
    reminder_schedule,
    with_delivery,
    zone,
)
from accounts.selectors import team_descendant_ids
from accounts.services import audit_record
from accounts.webhooks import Payload, messages_create
from ambassador import translated
from ambassador.networks import Network
from posts.models import Caption, ContentItem, FeaturedAnnouncement, Share

BATCH = 500
DIGEST_MAX_ITEMS = 6
NUDGE_QUIET_FOR = dt.timedelta(days=30)
SHARE_LINK_SALT = "posts.reminders.digest-share"
# Webhook messages only: people never get this kind.
TEAM_SUMMARY = "TEAM_SUMMARY"


class ReminderError(Exception):
    """An expected failure; the message is for people."""


# --- When the digest goes out ----------------------------------------------------------------


def digest_slot(
    *, now: dt.datetime, time_zone: str | None, weekday: int, at: dt.time
) -> dt.datetime:
    """The latest digest time at or before ``now``: ``weekday`` at ``at`` in ``time_zone``."""
    tz = zone(time_zone)
    local = now.astimezone(tz)
    day = local.date() - dt.timedelta(days=(local.weekday() - weekday) % 7)
    slot = dt.datetime.combine(day, at, tzinfo=tz)
    if slot > now:
        slot = dt.datetime.combine(day - dt.timedelta(days=7), at, tzinfo=tz)
    return slot


def digest_slot_after(slot: dt.datetime) -> dt.datetime:
    """The next week's slot, the same wall-clock time even across a daylight-saving change."""
    return dt.datetime.combine(
        slot.date() + dt.timedelta(days=7), slot.timetz().replace(tzinfo=None), tzinfo=slot.tzinfo
    )


def digest_period(slot: dt.datetime) -> str:
    return slot.date().isoformat()


# --- The library as a run sees it ---------------------------------------------------------------


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


class TeamTree:
    """Team parents, read once: a person sees items for their teams and every team above."""

    def __init__(self):
        self.parent = dict(Team.objects.values_list("pk", "parent_id"))
        self._above: dict[int, frozenset[int]] = {}

    def with_ancestors(self, team_id: int) -> frozenset[int]:
        if team_id not in self._above:
            seen, current = set(), team_id
            while current is not None and current not in seen:
                seen.add(current)
                current = self.parent.get(current)
            self._above[team_id] = frozenset(seen)
        return self._above[team_id]

    def audience(self, team_ids: set[int]) -> set[int]:
        found: set[int] = set()
        for team_id in team_ids:
            found |= self.with_ancestors(team_id)
        return found


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
    audience: set[int],
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


def _batches(people: QuerySet[User]) -> Iterator[list[User]]:
    """``people`` ordered by id, read ``BATCH`` at a time with keyset pagination."""
    last = 0
    while True:
        batch = list(people.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        yield batch


# --- The weekly digest ----------------------------------------------------------------------


def _real_digests():
    """Digests that reached the person (not "nothing new" marks, not admins' tests)."""
    return (
        Notification.objects.filter(kind=NotificationKind.DIGEST)
        .exclude(subject=TEST_SUBJECT)
        .exclude(in_app=False, email_state=Notification.EmailState.NONE)
    )


def digest_candidates(*, time_zone: str, slot: dt.datetime) -> QuerySet[User]:
    """People in ``time_zone`` whose digest for ``slot`` has not been decided yet: active,
    there before the slot, digest not off, and (every two weeks) no digest in the last 13
    days. Annotated with ``last_digest_at``."""
    period = digest_period(slot)
    decided = Notification.objects.filter(
        recipient=OuterRef("pk"), kind=NotificationKind.DIGEST, period=period
    )
    last = _real_digests().filter(recipient=OuterRef("pk")).order_by("-created_at")
    return (
        with_delivery(
            User.objects.active().filter(time_zone=time_zone, date_joined__lte=slot),
            kind=NotificationKind.DIGEST,
        )
        .exclude(digest_frequency=DigestFrequency.OFF)
        .exclude(Exists(decided))
        .annotate(last_digest_at=Subquery(last.values("created_at")[:1]))
        .filter(
            Q(digest_frequency=DigestFrequency.WEEKLY)
            | Q(last_digest_at__isnull=True)
            | Q(last_digest_at__lte=slot - dt.timedelta(days=13))
        )
    )


def _digest_since(person: User, slot: dt.datetime) -> dt.datetime:
    if person.last_digest_at is not None:
        return person.last_digest_at
    weeks = 2 if person.digest_frequency == DigestFrequency.BIWEEKLY else 1
    return slot - dt.timedelta(weeks=weeks)


def digest_draft(
    person: User, *, chosen: list[LiveItem], slot: dt.datetime, now: dt.datetime
) -> Draft:
    """The digest of ``person``; with nothing chosen, a mark that the week was decided
    (shown nowhere, sent to nobody)."""
    period = digest_period(slot)
    expires = digest_slot_after(slot)
    if not chosen:
        return Draft(person.pk, NotificationKind.DIGEST, "", period, "", in_app=False, email=False)
    with in_language_of(person):
        title = ngettext(
            "Your digest: %(count)d new thing to share",
            "Your digest: %(count)d new things to share",
            len(chosen),
        ) % {"count": len(chosen)}
        body = "\n".join(item.title_for(person.language) for item in chosen)
    return draft_for(
        person,
        kind=NotificationKind.DIGEST,
        subject="",
        period=period,
        title=title,
        body=body,
        url=reverse("posts:feed"),
        data={"items": [item.pk for item in chosen]},
        expires_at=expires,
        now=now,
    )


def digest_collect(*, now: dt.datetime) -> int:
    """Decide this week's digest for everyone due, time zone by time zone."""
    schedule = reminder_schedule()
    zones = list(User.objects.active().order_by().values_list("time_zone", flat=True).distinct())
    items: list[LiveItem] | None = None
    tree: TeamTree | None = None
    offered = 0
    for time_zone in zones:
        slot = digest_slot(
            now=now, time_zone=time_zone, weekday=schedule.digest_weekday, at=schedule.digest_time
        )
        for batch in _batches(digest_candidates(time_zone=time_zone, slot=slot)):
            if items is None:
                items, tree = live_items(now=now), TeamTree()
            ids = [person.pk for person in batch]
            teams = teams_of(ids)
            shared = shared_by(ids, [item.pk for item in items])
            drafts = [
                digest_draft(
                    person,
                    chosen=items_for(
                        items=items,
                        audience=tree.audience(teams.get(person.pk, set())),
                        since=_digest_since(person, slot),
                        shared=shared.get(person.pk, set()),
                    ),
                    slot=slot,
                    now=now,
                )
                for person in batch
            ]
            offered += notifications_create(drafts=drafts, now=now)
    return offered


def digest_preview(*, now: dt.datetime) -> list[PreviewLine]:
    """The next digest run in the site's time zone, and how many people it may reach
    (those who have nothing new then get none)."""
    schedule = reminder_schedule()
    slot = digest_slot(
        now=now, time_zone=None, weekday=schedule.digest_weekday, at=schedule.digest_time
    )
    upcoming = digest_slot_after(slot)
    people = (
        with_delivery(User.objects.active(), kind=NotificationKind.DIGEST)
        .exclude(digest_frequency=DigestFrequency.OFF)
        .count()
    )
    return [
        PreviewLine(
            kind=NotificationKind.DIGEST,
            when=upcoming,
            people=people,
            note=_("At most; people with nothing new get no digest. Each in their own time zone."),
        )
    ]


# --- The digest's email and its two-click share links -------------------------------------------


def share_link_token(*, user_id: int, item_id: int, network: str) -> str:
    return signing.TimestampSigner(salt=SHARE_LINK_SALT).sign_object(
        {"u": user_id, "i": item_id, "n": network}
    )


@dataclass(frozen=True)
class ShareLink:
    user_id: int
    item_id: int
    network: str


class ShareLinkExpired(ReminderError):
    pass


def share_link_read(*, token: str) -> ShareLink | None:
    """The share link's content; None when forged. Raises ``ShareLinkExpired``."""
    max_age = dt.timedelta(days=settings.DIGEST_SHARE_LINK_MAX_AGE_DAYS)
    try:
        payload = signing.TimestampSigner(salt=SHARE_LINK_SALT).unsign_object(
            token, max_age=max_age
        )
    except signing.SignatureExpired as exc:
        raise ShareLinkExpired(_("This share link has expired.")) from exc
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("n") not in Network.values:
        return None
    try:
        return ShareLink(int(payload["u"]), int(payload["i"]), payload["n"])
    except (KeyError, TypeError, ValueError):
        return None


def share_link_url(*, user_id: int, item_id: int, network: str) -> str:
    token = share_link_token(user_id=user_id, item_id=item_id, network=network)
    return absolute_url(path_with_token("posts:digest_share", token))


def primary_networks(user_ids: list[int]) -> dict[int, str]:
    """Each person's network for the digest's share links: LinkedIn when they are on it,
    else the first network of their profile; LinkedIn for people with none (one query)."""
    networks: dict[int, list[str]] = defaultdict(list)
    for user_id, network in (
        SocialProfile.objects.filter(user_id__in=user_ids)
        .order_by("user_id", "pk")
        .values_list("user_id", "network")
    ):
        networks[user_id].append(network)
    chosen = {}
    for user_id in user_ids:
        found = networks.get(user_id, [])
        chosen[user_id] = found[0] if found and Network.LINKEDIN not in found else Network.LINKEDIN
    return chosen


def _caption_for(captions: list[Caption], *, network: str, language: str) -> str:
    for match in (
        lambda c: c.network == network and c.language == language,
        lambda c: c.network == network,
        lambda c: c.language == language,
    ):
        found = next((c for c in captions if match(c)), None)
        if found:
            return found.text
    return captions[0].text if captions else ""


@dataclass(frozen=True)
class DigestEntry:
    item: ContentItem
    caption: str
    item_url: str
    share_url: str


def digest_email_contexts(rows: list[Notification]) -> list[dict]:
    """The digest emails of a batch: items (still live) with their captions, and share
    links in each person's network and language. Four queries for the whole batch."""
    now = timezone.now()
    wanted = {pk for row in rows for pk in row.data.get("items", [])}
    items = {
        item.pk: item
        for item in ContentItem.objects.live(now).filter(pk__in=wanted).prefetch_related("captions")
    }
    networks = primary_networks(list({row.recipient_id for row in rows}))
    item_urls = {pk: absolute_url(reverse("posts:item_detail", args=[pk])) for pk in items}
    feed_url = absolute_url(reverse("posts:feed"))
    contexts = []
    for row in rows:
        network = networks.get(row.recipient_id, Network.LINKEDIN)
        language = row.recipient.language or settings.LANGUAGE_CODE
        entries = [
            DigestEntry(
                item=items[pk],
                caption=_caption_for(
                    list(items[pk].captions.all()), network=network, language=language
                ),
                item_url=item_urls[pk],
                share_url=share_link_url(user_id=row.recipient_id, item_id=pk, network=network),
            )
            for pk in row.data.get("items", [])
            if pk in items
        ]
        contexts.append(
            {
                "entries": entries,
                "network_label": Network(network).label,
                "feed_url": feed_url,
            }
        )
    return contexts


DIGEST_EMAIL = EmailTemplate("posts/email/digest", context=digest_email_contexts)


def digest_sample(*, user: User, now: dt.datetime) -> Draft:
    """``user``'s digest as it would be now, ignoring what they already received (the
    admin's preview and test). Sample items when nothing is live for them."""
    items = live_items(now=now)
    tree = TeamTree()
    audience = tree.audience(teams_of([user.pk]).get(user.pk, set()))
    chosen = items_for(items=items, audience=audience, since=None, shared=set())
    if not chosen:
        chosen = items[:DIGEST_MAX_ITEMS]
    with in_language_of(user):
        title = ngettext(
            "Your digest: %(count)d new thing to share",
            "Your digest: %(count)d new things to share",
            len(chosen),
        ) % {"count": len(chosen)}
        body = "\n".join(item.title_for(user.language) for item in chosen)
    return Draft(
        recipient_id=user.pk,
        kind=NotificationKind.DIGEST,
        subject=TEST_SUBJECT,
        period="",
        title=title,
        body=body,
        url=reverse("posts:feed"),
        data={"items": [item.pk for item in chosen]},
    )


# --- Gentle nudges ----------------------------------------------------------------------------


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
    for batch in _batches(nudge_candidates(now=now)):
        if items is None:
            items, tree = live_items(now=now), TeamTree()
        ids = [person.pk for person in batch]
        teams = teams_of(ids)
        shared = shared_by(ids, [item.pk for item in items])
        drafts = []
        for person in batch:
            since = max(filter(None, [person.last_share_at, now - NUDGE_QUIET_FOR]))
            chosen = items_for(
                items=items,
                audience=tree.audience(teams.get(person.pk, set())),
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


# --- New featured items ---------------------------------------------------------------------------


@transaction.atomic
def featured_announce_request(*, item: ContentItem, by: User) -> FeaturedAnnouncement:
    """A curator asks to tell ``item``'s audience about it; the next tick does, once."""
    if not ContentItem.objects.curatable_by(by).filter(pk=item.pk).exists():
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


def featured_audience(*, item: ContentItem) -> QuerySet[User]:
    """Everyone who sees ``item`` in their feed: its teams and every team below them."""
    people = User.objects.active()
    if item.target_everyone:
        return people
    team_ids = team_descendant_ids(team_ids=set(item.target_teams.values_list("pk", flat=True)))
    return people.filter(
        Exists(TeamMembership.objects.filter(user=OuterRef("pk"), team_id__in=team_ids))
    )


def featured_webhooks(*, item: ContentItem) -> QuerySet[TeamWebhook]:
    hooks = TeamWebhook.objects.filter(is_active=True).select_related("team")
    if item.target_everyone:
        return hooks
    team_ids = team_descendant_ids(team_ids=set(item.target_teams.values_list("pk", flat=True)))
    return hooks.filter(team_id__in=team_ids)


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
        for batch in _batches(people):
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


# --- The team channels' weekly summary ------------------------------------------------------------


def _team_summary_payload(
    webhook: TeamWebhook, *, tree: TeamTree, items: list[LiveItem], since: dt.datetime
) -> Payload:
    team = webhook.team
    audience = tree.with_ancestors(team.pk)
    new_items = [
        item
        for item in items
        if item.published_on > since and (item.target_everyone or item.team_ids & audience)
    ]
    members = team_descendant_ids(team_ids={team.pk})
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
    items, tree = live_items(now=now), TeamTree()
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


# --- What the admins' page and the tick see ----------------------------------------------------------


DIGEST_SOURCE = ReminderSource(
    name="posts.digest",
    kinds=(NotificationKind.DIGEST,),
    collect=digest_collect,
    preview=digest_preview,
)
NUDGE_SOURCE = ReminderSource(
    name="posts.nudge",
    kinds=(NotificationKind.NUDGE,),
    collect=nudge_collect,
    every=dt.timedelta(hours=1),
)
FEATURED_SOURCE = ReminderSource(
    name="posts.featured", kinds=(NotificationKind.FEATURED,), collect=featured_collect
)
TEAM_SUMMARY_SOURCE = ReminderSource(
    name="posts.team_summary", kinds=(), collect=team_summary_collect
)
