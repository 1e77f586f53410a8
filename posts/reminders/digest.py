"""The weekly digest: when it goes out in each person's time zone, who gets it, what it
holds, and its email with two-click share links."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import DigestFrequency, Notification, NotificationKind, SocialProfile, User
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
    reminder_schedule,
    with_delivery,
    zone,
)
from accounts.selectors import TeamTree
from ambassador.networks import Network
from posts.models import Caption, ContentItem
from posts.reminders.base import (
    DIGEST_MAX_ITEMS,
    ItemChooser,
    LiveItem,
    items_for,
    live_items,
    people_batches,
    shared_by,
    teams_of,
)
from posts.reminders.share_links import share_link_signer, share_link_url


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


def _digest_title(count: int) -> str:
    return ngettext(
        "Your digest: %(count)d new thing to share",
        "Your digest: %(count)d new things to share",
        count,
    ) % {"count": count}


@functools.cache
def _feed_path() -> str:
    return reverse("posts:feed")


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
        title = _digest_title(len(chosen))
    body = "\n".join(item.title_for(person.language) for item in chosen)
    return draft_for(
        person,
        kind=NotificationKind.DIGEST,
        subject="",
        period=period,
        title=title,
        body=body,
        url=_feed_path(),
        data={"items": [item.pk for item in chosen]},
        expires_at=expires,
        now=now,
    )


def digest_collect(*, now: dt.datetime) -> int:
    """Decide this week's digest for everyone due, time zone by time zone."""
    schedule = reminder_schedule()
    zones = list(User.objects.active().order_by().values_list("time_zone", flat=True).distinct())
    chooser: ItemChooser | None = None
    tree: TeamTree | None = None
    offered = 0
    for time_zone in zones:
        slot = digest_slot(
            now=now, time_zone=time_zone, weekday=schedule.digest_weekday, at=schedule.digest_time
        )
        for batch in people_batches(digest_candidates(time_zone=time_zone, slot=slot)):
            if chooser is None:
                chooser, tree = ItemChooser(live_items(now=now)), TeamTree.load()
            ids = [person.pk for person in batch]
            teams = teams_of(ids)
            shared = shared_by(ids, chooser.item_ids)
            drafts = [
                digest_draft(
                    person,
                    chosen=chooser.choose(
                        audience=tree.ancestors(teams.get(person.pk, set())),
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
    item_id: int
    caption: str
    item_url: str
    share_url: str
    html: str  # the item's card, ready to place in the email
    text: str


# Stands for the share link in a card rendered once for everyone with the same network and
# language; each person's own signed link replaces it.
_SHARE_URL_MARK = "digest-share-url-4b1f9c"


@dataclass(frozen=True)
class _Card:
    caption: str
    html: str
    text: str


def _card(item: ContentItem, *, network: str, language: str, item_url: str) -> _Card:
    """An item's card in the digest for readers of ``language`` on ``network``."""
    caption = _caption_for(list(item.captions.all()), network=network, language=language)
    with translation.override(language):
        title, summary = item.display_title, item.summary
    html, text = _card_render(language, network, item.featured, title, summary, caption, item_url)
    return _Card(caption=caption, html=html, text=text)


@functools.lru_cache(maxsize=4096)
def _card_render(
    language: str,
    network: str,
    featured: bool,
    title: str,
    summary: str,
    caption: str,
    item_url: str,
) -> tuple[str, str]:
    """A card's HTML and text. Thousands of digests hold the same few hundred cards, so each
    is rendered once per worker; the key is everything shown, so an edited item is a new
    card, never a stale one."""
    with translation.override(language):
        context = {
            "featured": featured,
            "title": title,
            "summary": Truncator(summary).chars(300),
            "caption": Truncator(caption).chars(280),
            "item_url": item_url,
            "share_url": _SHARE_URL_MARK,
            "network_label": str(Network(network).label),
        }
        html = render_to_string("posts/email/digest_entry.html", context)
        text = render_to_string("posts/email/digest_entry.txt", context)
    return html, text


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
    feed_url = absolute_url(_feed_path())
    cards: dict[tuple[int, str, str], _Card] = {}
    signer = share_link_signer()
    contexts = []
    for row in rows:
        network = networks.get(row.recipient_id, Network.LINKEDIN)
        language = row.recipient.language or settings.LANGUAGE_CODE
        entries = []
        for pk in row.data.get("items", []):
            if pk not in items:
                continue
            key = (pk, network, language)
            card = cards.get(key)
            if card is None:
                card = cards[key] = _card(
                    items[pk], network=network, language=language, item_url=item_urls[pk]
                )
            share_url = share_link_url(
                user_id=row.recipient_id, item_id=pk, network=network, signer=signer
            )
            entries.append(
                DigestEntry(
                    item_id=pk,
                    caption=card.caption,
                    item_url=item_urls[pk],
                    share_url=share_url,
                    html=mark_safe(card.html.replace(_SHARE_URL_MARK, escape(share_url))),  # noqa: S308 — a card we rendered, the link escaped
                    text=card.text.replace(_SHARE_URL_MARK, share_url),
                )
            )
        contexts.append(
            {
                "has_entries": bool(entries),
                "entries_html": mark_safe("".join(entry.html for entry in entries)),  # noqa: S308 — cards we rendered
                "entries_text": "".join(f"\n{entry.text}" for entry in entries),
                "feed_url": feed_url,
            }
        )
    return contexts


DIGEST_EMAIL = EmailTemplate(
    "posts/email/digest",
    context=digest_email_contexts,
    blanks=("title", "unsubscribe_url", "entries_html", "entries_text"),
)


def digest_sample(*, user: User, now: dt.datetime) -> Draft:
    """``user``'s digest as it would be now, ignoring what they already received (the
    admin's preview and test). Sample items when nothing is live for them."""
    items = live_items(now=now)
    tree = TeamTree.load()
    audience = tree.ancestors(teams_of([user.pk]).get(user.pk, set()))
    chosen = items_for(items=items, audience=audience, since=None, shared=set())
    if not chosen:
        chosen = items[:DIGEST_MAX_ITEMS]
    with in_language_of(user):
        title = _digest_title(len(chosen))
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


DIGEST_SOURCE = ReminderSource(
    name="posts.digest",
    kinds=(NotificationKind.DIGEST,),
    collect=digest_collect,
    preview=digest_preview,
)
