"""Reads for the sharing area of posts: captions to suggest, tracked links, my shares."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import SocialProfile
from posts.models import Caption, ContentItem, Share, ShareDailyClicks
from posts.models.sharing import OTHER_NETWORK, SHARE_NETWORK_CHOICES
from posts.networks import CAPTION_LIMITS, Network

logger = logging.getLogger(__name__)

# Codes are what ``secrets.token_urlsafe`` makes; anything else cannot be one.
CODE_RE = re.compile(r"[A-Za-z0-9_-]{6,16}")
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")


@dataclass(frozen=True)
class TrackedLink:
    """What the redirect needs, cached by code so the hot path never waits on PostgreSQL."""

    share_id: int
    sharer_id: int
    destination: str


def caption_suggested(*, item: ContentItem, network: str, language: str) -> str:
    """The item's caption for ``network`` in ``language``, else in English, else empty.

    For another network (copy link and caption) it is the first caption in the order of
    ``Network`` (LinkedIn first), in ``language``, else in English.
    """
    networks = list(Network.values) if network == OTHER_NETWORK else [network]
    texts = {
        (n, lang): text
        for n, lang, text in Caption.objects.filter(
            item=item, network__in=networks, language__in=[language, "en"]
        ).values_list("network", "language", "text")
    }
    for lang in (language, "en"):
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


def tracked_link_url(*, code: str) -> str:
    """The absolute tracked link, on the vanity domain when one is configured."""
    return settings.SHORT_LINK_BASE_URL + reverse("tracked_link", kwargs={"code": code})


def destination_with_utm(*, url: str, network: str, campaign: str, share_id: int) -> str:
    """``url`` with our UTM parameters merged into its query string (ours replace any UTM)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in UTM_KEYS]
    query += [
        ("utm_source", network.lower()),
        ("utm_medium", "ambassador"),
        ("utm_campaign", campaign),
        ("utm_content", str(share_id)),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


_buffers: dict[str, object] = {}


def click_buffer():
    """The long-lived Redis client of the hot path (link lookups and the click buffer).

    None in the embedded default (no ``REDIS_URL``). One client per process: creating
    clients per request costs more than the round trip itself.
    """
    url = settings.REDIS_URL
    if not url:
        return None
    buffer = _buffers.get(url)
    if buffer is None:
        import redis

        buffer = _buffers[url] = redis.Redis.from_url(
            url,
            socket_timeout=settings.CLICK_BUFFER_TIMEOUT_SECONDS,
            socket_connect_timeout=settings.CLICK_BUFFER_TIMEOUT_SECONDS,
        )
    return buffer


def link_cache_key(code: str) -> str:
    return settings.TRACKED_LINK_KEY_PREFIX + code


def _link_pack(link: TrackedLink) -> str:
    return f"{link.share_id}\t{link.sharer_id}\t{link.destination}"


def link_unpack(value) -> TrackedLink:
    share_id, sharer_id, destination = (
        value.decode() if isinstance(value, bytes) else value
    ).split("\t", 2)
    return TrackedLink(int(share_id), int(sharer_id), destination)


def _link_cached(code: str) -> TrackedLink | None:
    buffer = click_buffer()
    try:
        value = buffer.get(link_cache_key(code)) if buffer else cache.get(link_cache_key(code))
    except Exception:  # Redis down: the database still answers.
        logger.warning("tracked link cache unavailable")
        return None
    return link_unpack(value) if value else None


def _link_cache(code: str, link: TrackedLink) -> None:
    buffer = click_buffer()
    timeout = settings.TRACKED_LINK_CACHE_SECONDS
    try:
        if buffer:
            buffer.set(link_cache_key(code), _link_pack(link), ex=timeout)
        else:
            cache.set(link_cache_key(code), _link_pack(link), timeout)
    except Exception:
        logger.warning("tracked link cache unavailable")


def tracked_link_resolve(*, code: str) -> TrackedLink | None:
    """The share behind ``code``: from the cache, else from the database (then cached).

    Archived items still resolve: a post lives forever. A cache failure falls back to the
    database; it never fails the redirect.
    """
    if not CODE_RE.fullmatch(code):
        return None
    link = _link_cached(code)
    if link is not None:
        return link
    row = (
        Share.objects.filter(code=code)
        .values_list("id", "user_id", "network", "item__url", "item__slug")
        .first()
    )
    if row is None:
        return None
    share_id, user_id, network, url, slug = row
    link = TrackedLink(
        share_id=share_id,
        sharer_id=user_id,
        destination=destination_with_utm(
            url=url, network=network, campaign=slug, share_id=share_id
        ),
    )
    _link_cache(code, link)
    return link


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
