"""Reads of the posts app. Each returns a QuerySet already joined, so a page costs the same
number of queries whatever the number of items, topics or teams."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import SocialProfile, User
from accounts.selectors import Access, access_for
from ambassador import translated
from ambassador.networks import CAPTION_LIMITS, Network
from posts.models import (
    Caption,
    Comment,
    ContentItem,
    ContentStatus,
    Feed,
    Share,
    ShareDailyClicks,
    Topic,
)
from posts.models.content import curatable_q, live_q, targeted_q
from posts.models.shares import OTHER_NETWORK, SHARE_NETWORK_CHOICES
from posts.tracked_links import tracked_link_shaped
from training.selectors import caption_length_violation, caption_text_limit, programme_get

# A sharer whose language has no caption for a network is offered this language's.
FALLBACK_LANGUAGE = "en"

# --- Content ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemAccess:
    """One item, ready to display, and what one person may do with it (``item_access``)."""

    item: ContentItem
    # Open its page, read and write comments: whoever gets an ``ItemAccess`` at all.
    view: bool
    comment: bool
    # Live and aimed at them (or everyone): share it.
    share: bool
    # Edit, preview, reject, ask for changes, archive.
    curate: bool
    # Curate, and not their own item while the programme has two people approve.
    approve: bool
    # Remove comments: curators, and any manager under content aimed at everyone.
    moderate: bool


def user_can_curate(*, user: User) -> bool:
    """Admins and managers curate (which items: ``items_curatable``)."""
    return access_for(user=user).may_curate


def items_curatable(*, user: User) -> QuerySet[ContentItem]:
    """Items ``user`` may review and edit: admins all; managers those aimed at a team they
    manage, or created or suggested by them, and those aimed at everyone only when an admin
    named them company-wide curators."""
    access = access_for(user=user)
    if access.is_admin:
        return ContentItem.objects.all()
    if not access.is_manager:
        return ContentItem.objects.none()
    return ContentItem.objects.curatable(
        user_id=user.pk,
        managed_team_ids=access.managed_team_ids,
        everyone=access.may_curate_everyone,
    )


def items_shareable(*, user: User) -> QuerySet[ContentItem]:
    """What ``user`` may see in the feed and share: live items for everyone or aimed at
    one of their teams or a team above them."""
    return ContentItem.objects.for_audience(access_for(user=user).audience_team_ids)


def _curatable_expression(*, user: User, access: Access):
    if access.is_admin:
        return Value(True)
    if not access.is_manager:
        return Value(False)
    return ExpressionWrapper(
        curatable_q(
            user_id=user.pk,
            managed_team_ids=access.managed_team_ids,
            everyone=access.may_curate_everyone,
        ),
        output_field=BooleanField(),
    )


def approval_needs_another(*, user: User, item: ContentItem) -> bool:
    """Whether ``user`` may not approve ``item`` because they created or suggested it and
    the programme has two people approve."""
    if user.pk not in (item.created_by_id, item.suggested_by_id):
        return False
    return programme_get().two_person_approval


def item_access(*, user: User, pk: int) -> ItemAccess | None:
    """Item ``pk`` with what ``user`` may do with it, or None when they may not open it
    (live and aimed at them, one they may curate, or their own suggestion).

    One query for the item with its display data and both permissions, plus the person's
    teams and roles (read once per request) and the programme for a curator: the same
    number of queries whatever the number of teams, sub-teams or items.
    """
    access = access_for(user=user)
    if access.user_id is None:
        return None
    shareable = ExpressionWrapper(
        live_q() & targeted_q(access.audience_team_ids), output_field=BooleanField()
    )
    item = (
        _with_display(ContentItem.objects.filter(pk=pk), user=user)
        .select_related("approved_by")
        .annotate(may_share=shareable, may_curate=_curatable_expression(user=user, access=access))
        .first()
    )
    if item is None:
        return None
    share, curate = bool(item.may_share), bool(item.may_curate)
    if not (share or curate or item.suggested_by_id == user.pk):
        return None
    return ItemAccess(
        item=item,
        view=True,
        comment=True,
        share=share,
        curate=curate,
        approve=curate and not approval_needs_another(user=user, item=item),
        moderate=curate or (access.may_curate and item.target_everyone),
    )


def item_is_curatable(*, user: User, item: ContentItem) -> bool:
    return items_curatable(user=user).filter(pk=item.pk).exists()


def item_is_shareable(*, user: User, item: ContentItem) -> bool:
    return items_shareable(user=user).filter(pk=item.pk).exists()


def item_is_moderatable(*, user: User, item: ContentItem) -> bool:
    """Whether ``user`` may remove comments under ``item`` (see ``ItemAccess.moderate``)."""
    access = access_for(user=user)
    if not access.may_curate:
        return False
    return item.target_everyone or item_is_curatable(user=user, item=item)


def _with_display(qs: QuerySet[ContentItem], *, user: User) -> QuerySet[ContentItem]:
    comments = (
        Comment.objects.visible()
        .filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        qs.select_related("suggested_by")
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("name")),
            Prefetch("captions", queryset=Caption.objects.order_by("network", "language")),
        )
        .annotate(
            already_shared=Exists(Share.objects.filter(item=OuterRef("pk"), user=user)),
            comment_count=Coalesce(Subquery(comments), 0),
            published_on=Coalesce("publish_at", "approved_at", "created_at"),
        )
    )


def feed_items(
    *, user: User, topic: str = "", network: str = "", q: str = ""
) -> QuerySet[ContentItem]:
    """What ``user`` sees in the feed: live items for everyone or for one of their teams,
    featured first, then newest."""
    qs = items_shareable(user=user)
    if topic:
        qs = qs.filter(
            Exists(
                ContentItem.topics.through.objects.filter(
                    contentitem_id=OuterRef("pk"), topic__slug=topic
                )
            )
        )
    if network in Network.values:
        qs = qs.filter(Exists(Caption.objects.filter(item=OuterRef("pk"), network=network)))
    q = (q or "").strip()[:200]
    if q:
        # The reader's language and the default one: what the reader is shown.
        languages = [translated.reader_language(), translated.default_language()]
        captions = Caption.objects.filter(
            item=OuterRef("pk"), language__in=languages, text__icontains=q
        )
        qs = qs.filter(
            translated.search_q(q, ("title", "summary"), languages=languages) | Q(Exists(captions))
        )
    return _with_display(qs, user=user).order_by("-featured", "-published_on", "-pk")


def review_queue(*, user: User, status: str = ContentStatus.IN_REVIEW) -> QuerySet[ContentItem]:
    """Items waiting for ``user``'s decision (or in another status, for the curation tabs)."""
    if status not in ContentStatus.values:
        status = ContentStatus.IN_REVIEW
    return (
        items_curatable(user=user)
        .filter(status=status)
        .select_related("created_by", "suggested_by", "feed")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .annotate(caption_count=Count("captions"))
        .order_by("-updated_at", "-pk")
    )


def curation_counts(*, user: User) -> dict[str, int]:
    rows = items_curatable(user=user).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def suggestions_of(*, user: User) -> QuerySet[ContentItem]:
    return (
        ContentItem.objects.filter(suggested_by=user)
        .prefetch_related("captions")
        .order_by("-created_at", "-pk")
    )


def topics_in_use() -> QuerySet[Topic]:
    return Topic.objects.order_by("name")


def _sharer_languages(*, network: str, language: str, captions: dict) -> list[str]:
    """The languages of the people a caption may be offered to when they share: its own, and
    for the fallback language every language without a caption of its own (see
    ``caption_suggested``)."""
    if language != FALLBACK_LANGUAGE:
        return [language]
    return [language] + [
        code
        for code, _name in settings.LANGUAGES
        if code != language and not (captions.get((network, code)) or "").strip()
    ]


def caption_problems(*, captions: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """What is wrong with an item's suggested captions, keyed like ``captions`` by
    (network, language); an empty dict when every one fits.

    Each caption is measured as the share flow measures it: with the disclosure of the
    sharer's language and a tracked link appended, counted as the network counts them. So a
    caption an employee may not edit can always be shared as it is.
    """
    programme = programme_get()
    link = tracked_link_shaped()
    labels = dict(settings.LANGUAGES)
    problems: dict[tuple[str, str], str] = {}
    for (network, language), text in captions.items():
        text = (text or "").strip()
        if not text:
            continue
        for sharer_language in _sharer_languages(
            network=network, language=language, captions=captions
        ):
            violation = caption_length_violation(
                caption=text,
                network=network,
                language=sharer_language,
                link=link,
                programme=programme,
            )
            if violation is not None:
                problems[(network, language)] = _(
                    "%(network)s caption (%(language)s): %(problem)s"
                ) % {
                    "network": Network(network).label,
                    "language": labels.get(language, language),
                    "problem": violation.message,
                }
                break
    return problems


def caption_text_limits() -> dict[tuple[str, str], int]:
    """For the live counter of each caption field in curation: how long its own text may be,
    by (network, language), once the disclosure and a tracked link are added (the tightest
    of the sharer languages the caption may be offered to)."""
    programme = programme_get()
    link = tracked_link_shaped()
    languages = [code for code, _name in settings.LANGUAGES]
    limits = {}
    for network in Network:
        for language in languages:
            sharers = languages if language == FALLBACK_LANGUAGE else [language]
            limits[(network.value, language)] = min(
                caption_text_limit(network=network, language=sharer, link=link, programme=programme)
                for sharer in sharers
            )
    return limits


def pick_caption(item: ContentItem, *, network: str = "", language: str = "en") -> Caption | None:
    """The caption to show: the chosen network in the viewer's language, then any
    language, then the first. Uses the prefetched captions only (no query)."""
    captions = list(item.captions.all())
    if not captions:
        return None
    for match in (
        lambda c: c.network == network and c.language == language,
        lambda c: c.network == network,
        lambda c: c.language == language and c.network == Network.LINKEDIN,
        lambda c: c.language == language,
    ):
        found = next((c for c in captions if match(c)), None)
        if found:
            return found
    return captions[0]


# --- Comments --------------------------------------------------------------------------------


def item_comments(*, item: ContentItem) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(item=item)
        .select_related("author", "removed_by")
        .order_by("created_at", "pk")
    )


# --- Feeds -----------------------------------------------------------------------------------


def feeds_for_admin() -> QuerySet[Feed]:
    return Feed.objects.annotate(item_count=Count("items")).order_by("name")


# --- Shares ----------------------------------------------------------------------------------


def caption_suggested(*, item: ContentItem, network: str, language: str) -> str:
    """The item's caption for ``network`` in ``language``, else in English, else empty.

    For another network (copy link and caption) it is the first caption in the order of
    ``Network`` (LinkedIn first), in ``language``, else in English.
    """
    networks = list(Network.values) if network == OTHER_NETWORK else [network]
    texts = {
        (n, lang): text
        for n, lang, text in Caption.objects.filter(
            item=item, network__in=networks, language__in=[language, FALLBACK_LANGUAGE]
        ).values_list("network", "language", "text")
    }
    for lang in (language, FALLBACK_LANGUAGE):
        for n in networks:
            if texts.get((n, lang)):
                return texts[(n, lang)]
    return ""


def share_networks() -> list[tuple[str, str]]:
    """What a person can share to: the five networks, then "another network" (copy only)."""
    return [(value, str(label)) for value, label in SHARE_NETWORK_CHOICES]


def share_network_label(network: str) -> str:
    return str(dict(SHARE_NETWORK_CHOICES)[network])


def check_network_for(network: str) -> str:
    """The network whose rules the caption is checked against.

    Another network has no length limit we know; its caption still follows every guideline
    rule (phrases, hashtags, links, disclosure), under the most generous limit we know.
    """
    if network == OTHER_NETWORK:
        return max(CAPTION_LIMITS, key=CAPTION_LIMITS.__getitem__)
    return network


def mastodon_instance_of(*, user) -> str:
    """The person's Mastodon instance URL, or an empty string."""
    return (
        SocialProfile.objects.filter(user=user, network=Network.MASTODON)
        .values_list("instance_url", flat=True)
        .first()
        or ""
    )


def followers_on(*, user, network: str) -> int:
    return (
        SocialProfile.objects.filter(user=user, network=network)
        .values_list("followers_count", flat=True)
        .first()
        or 0
    )


def shares_of(*, user) -> QuerySet[Share]:
    """``user``'s shares, newest first, with the item and clicks summed from daily totals."""
    clicks = (
        ShareDailyClicks.objects.filter(share=OuterRef("pk"))
        .order_by()
        .values("share")
        .annotate(total=Sum("clicks"))
        .values("total")
    )
    return (
        Share.objects.filter(user=user)
        .select_related("item")
        .annotate(
            click_count=Coalesce(
                Subquery(clicks, output_field=IntegerField()), Value(0), output_field=IntegerField()
            )
        )
        .order_by("-created_at", "-id")
    )
