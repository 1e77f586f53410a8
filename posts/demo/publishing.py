"""Demo posts through connected accounts: for each account the connections demo linked on
the fake networks (``FAKE_NETWORKS``, ``make run``), two approved items are really posted
on the fake by the publishing service, then dated back a few days with a history of
engagement readings; the fake is told the latest figures, so the worker's next collection
goes on from there (and ``--grow`` makes them rise while the demo runs).

Idempotent: the shares of an earlier run (codes starting with ``DEMO_CODE_PREFIX``) are
replaced, since the fakes forgot their posts when they restarted. Without connected
accounts nothing is made.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import Connection
from ambassador import apiclient
from ambassador.networks import Network
from posts.models import Caption, CollectStatus, ContentItem, EngagementReading, Share
from posts.services import publishing
from posts.services.engagement import next_collect_after
from posts.services.shares import share_code_new

DEMO_CODE_PREFIX = "dpub"
POSTS_EACH = 2
REPORTED = {
    # network: reactions, reposts, replies, quotes, impressions reported
    Network.MASTODON: (True, True, True, False, False),
    Network.BLUESKY: (True, True, True, True, False),
    Network.X: (True, True, True, True, True),
}


def _control_url(connection: Connection) -> str:
    """Where the connection's fake takes its controls (Mastodon and Bluesky: the server
    the connection is on)."""
    if connection.network == Network.X:
        return settings.X_API_URL
    return connection.service_url


def _history(rng: random.Random, share: Share, now) -> dict[str, int]:
    """Readings at 1 h, 6 h, 24 h, then daily, rising; returns the last figures."""
    reports = REPORTED[share.network]
    totals = [0, 0, 0, 0, 0]
    readings, at = [], share.posted_at
    for step in [timedelta(hours=1), timedelta(hours=5), timedelta(hours=18)] + [
        timedelta(days=1)
    ] * 10:
        at += step
        if at >= now:
            break
        totals[0] += rng.randint(1, 9)
        totals[1] += rng.randint(0, 3)
        totals[2] += rng.randint(0, 2)
        totals[3] += rng.randint(0, 1)
        totals[4] += rng.randint(40, 260)
        values = [v if shown else None for v, shown in zip(totals, reports, strict=True)]
        readings.append(
            EngagementReading(
                share=share,
                read_at=at,
                reactions=values[0],
                reposts=values[1],
                replies=values[2],
                quotes=values[3],
                impressions=values[4],
            )
        )
    EngagementReading.objects.bulk_create(readings)
    likes, reposts, replies, quotes, impressions = totals
    return {
        "likes": likes,
        "reposts": reposts,
        "replies": replies,
        "quotes": quotes,
        "impressions": impressions,
    }


def build(*, stdout) -> None:
    rng = random.Random(1010)
    now = timezone.now()
    Share.objects.filter(code__startswith=DEMO_CODE_PREFIX).delete()
    connections = list(
        Connection.objects.usable()
        .filter(network__in=list(REPORTED))
        .select_related("user")
        .order_by("user__email", "network")
    )
    items = list(ContentItem.objects.approved().order_by("id")[:10])
    if not connections or not items:
        return
    posted = 0
    for n, connection in enumerate(connections):
        for k in range(POSTS_EACH):
            item = items[(n + k) % len(items)]
            caption = (
                Caption.objects.filter(item=item, network=connection.network)
                .values_list("text", flat=True)
                .first()
                or item.title
            )
            share = Share.objects.create(
                user=connection.user,
                item=item,
                network=connection.network,
                caption=caption,
                followers_at_share=connection.followers_count or 0,
                code=DEMO_CODE_PREFIX + share_code_new()[len(DEMO_CODE_PREFIX) :],
                status="SCHEDULED",
                scheduled_at=now,
            )
            if publishing.share_publish(share_id=share.pk, now=now) != "POSTED":
                stdout.write(f"Publishing demo: share {share.pk} was not posted.")
                continue
            share.refresh_from_db()
            days = 2 + (n * POSTS_EACH + k) % 9
            share.posted_at = share.created_at = now - timedelta(days=days, hours=rng.randint(0, 9))
            share.collect_status = CollectStatus.ACTIVE
            share.next_collect_at = next_collect_after(posted_at=share.posted_at, now=now)
            share.save(
                update_fields=["posted_at", "created_at", "collect_status", "next_collect_at"]
            )
            latest = _history(rng, share, now)
            apiclient.request(
                "POST",
                f"{_control_url(connection)}/_fake/engagement",
                json={"post_id": share.post_id, **latest},
            )
            posted += 1
    stdout.write(
        f"Publishing demo: {posted} posts on the fake networks by {len(connections)} "
        "connected accounts, with their engagement history."
    )
