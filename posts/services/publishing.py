"""Writes of publishing: a share posted through the person's connected account, now or at a
chosen time, exactly once.

A share to publish is a row: SCHEDULED with a time, claimed by a beat tick (or the "post
now" task) with a conditional UPDATE to SENDING, then POSTED or FAILED. A claim that is
older than the lease (a worker killed between "sending" and the answer) is taken over. A
retry never posts blindly: Mastodon, Bluesky and X are first asked whether the post is already
there (the tracked link is in it), and Mastodon gets the same Idempotency-Key (the share's id);
LinkedIn answers a second post of the same text with the first one's id.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.connections.services import connection_fresh, connection_mark_reconnect
from accounts.models import Connection, User
from ambassador.networks import Network, caption_with_link
from posts.models import CollectStatus, ContentItem, Share, ShareStatus
from posts.networks import bluesky, linkedin, mastodon, x
from posts.networks.base import (
    AuthRevoked,
    ConnectError,
    Duplicate,
    NetworkUnavailable,
    PostRejected,
    Published,
)
from posts.services.shares import SharingError, share_create
from posts.tracked_links import tracked_link_url

SENDING_LEASE = timedelta(minutes=10)
MAX_PUBLISH_ATTEMPTS = 5
# Well inside the task's soft time limit, with room for one more call's timeouts.
TICK_BUDGET_SECONDS = 180
FIRST_COLLECT_AFTER = timedelta(hours=1)
PUBLISHABLE = (Network.MASTODON, Network.BLUESKY, Network.LINKEDIN, Network.X)


class PublishingError(SharingError):
    """The share cannot be published this way; the message is for the person."""


def connection_for_share(*, user: User, network: str) -> Connection | None:
    return Connection.objects.usable().filter(user=user, network=network).first()


@transaction.atomic
def share_publish_create(
    *,
    user: User,
    item: ContentItem,
    network: str,
    caption: str,
    language: str,
    at: datetime | None = None,
) -> Share:
    """Record a share (guideline check and gate first, exactly as for an intent) and have
    it posted through the person's connected account at ``at`` (None: now)."""
    if network not in PUBLISHABLE or connection_for_share(user=user, network=network) is None:
        raise PublishingError(_("Connect this network first to post from here."))
    now = timezone.now()
    if at is not None and at < now - timedelta(minutes=1):
        raise PublishingError(_("Choose a time in the future."))
    share = share_create(user=user, item=item, network=network, caption=caption, language=language)
    share.status = ShareStatus.SCHEDULED
    share.scheduled_at = at or now
    share.save(update_fields=["status", "scheduled_at"])
    if at is None:
        from posts.tasks import publish_share  # noqa: PLC0415 — posts.tasks imports this module

        transaction.on_commit(lambda: publish_share.delay(share.pk))
    return share


def _claim(queryset, now: datetime) -> list[int]:
    """Move each due row to SENDING with a conditional UPDATE: one caller wins each row."""
    claimed = []
    for pk, status, sending_at in queryset.values_list("pk", "status", "sending_at"):
        won = Share.objects.filter(pk=pk, status=status, sending_at=sending_at).update(
            status=ShareStatus.SENDING, sending_at=now, publish_attempts=F("publish_attempts") + 1
        )
        if won:
            claimed.append(pk)
    return claimed


def _due(now: datetime):
    return Share.objects.filter(
        Q(status=ShareStatus.SCHEDULED, scheduled_at__lte=now)
        | Q(status=ShareStatus.SENDING, sending_at__lt=now - SENDING_LEASE)
    )


def shares_claim_publish(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return _claim(_due(now).order_by("scheduled_at", "pk")[:limit], now)


def share_publish(*, share_id: int, now: datetime | None = None) -> str:
    """Claim and publish one share if it is due; returns its status afterwards."""
    now = now or timezone.now()
    if not _claim(_due(now).filter(pk=share_id), now):
        return Share.objects.filter(pk=share_id).values_list("status", flat=True).first() or ""
    return _publish_claimed(share_id)


def shares_publish_due(*, now: datetime | None = None) -> int:
    """One beat tick: publish every due share. Returns how many were claimed.

    Each row is claimed just before its own call, never the whole batch up front: a row
    claimed first and reached only after the lease ran out would be taken over by another
    tick while this one still posts it, and go out twice. A tick stops claiming before the
    task's time limit; the next tick finds the rest."""
    started = time.monotonic()
    claimed = 0
    ids = list(
        _due(now or timezone.now())
        .order_by("scheduled_at", "pk")
        .values_list("pk", flat=True)[:200]
    )
    for share_id in ids:
        if time.monotonic() - started > TICK_BUDGET_SECONDS:
            break
        moment = now or timezone.now()
        if _claim(_due(moment).filter(pk=share_id), moment):
            claimed += 1
            _publish_claimed(share_id)
    return claimed


def _post(*, share: Share, connection: Connection, text: str, link: str) -> Published:
    retry = share.publish_attempts > 1
    if share.network == Network.MASTODON:
        # The key alone is not enough: Mastodon forgets it after an hour, and a retry may
        # come later than that.
        found = mastodon.find_posted(connection=connection, link=link) if retry else None
        return found or mastodon.publish(
            connection=connection, text=text, key=f"ambassador-share-{share.pk}"
        )
    if share.network == Network.BLUESKY:
        found = bluesky.find_posted(connection=connection, link=link) if retry else None
        return found or bluesky.publish(connection=connection, text=text, link=link)
    if share.network == Network.X:
        found = x.find_posted(connection=connection, link=link) if retry else None
        return found or x.publish(connection=connection, text=text)
    try:
        return linkedin.publish(connection=connection, text=text)
    except Duplicate as exc:
        if retry:  # the earlier attempt did post: LinkedIn names it
            return Published(post_id=exc.post_id, url=linkedin.post_url(exc.post_id))
        raise


def _fail(share_id: int, message: str) -> str:
    Share.objects.filter(pk=share_id, status=ShareStatus.SENDING).update(
        status=ShareStatus.FAILED, publish_error=str(message)[:300], failed_at=timezone.now()
    )
    return ShareStatus.FAILED


def _backoff(attempts: int, retry_after: float | None) -> timedelta:
    base = min(60 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=max(retry_after or 0, base * random.uniform(0.8, 1.2)))


def _publish_claimed(share_id: int) -> str:
    share = Share.objects.select_related("user").get(pk=share_id)
    with translation.override(share.user.language or "en"):
        connection = connection_for_share(user=share.user, network=share.network)
        if connection is None:
            return _fail(share_id, _("The account is not connected any more."))
        link = tracked_link_url(code=share.code)
        text = caption_with_link(network=share.network, text=share.caption, link=link)
        try:
            connection = connection_fresh(connection_id=connection.pk)
            published = _post(share=share, connection=connection, text=text, link=link)
        except AuthRevoked:
            connection_mark_reconnect(connection_id=connection.pk, reason="401")
            return _fail(
                share_id, _("The network no longer accepts the connection: connect again.")
            )
        except PostRejected as exc:
            return _fail(share_id, str(exc.message))
        except NetworkUnavailable as exc:
            # The outcome is unknown: back to SCHEDULED, and the next attempt reconciles first.
            if share.publish_attempts >= MAX_PUBLISH_ATTEMPTS:
                return _fail(share_id, str(exc.message))
            Share.objects.filter(pk=share_id, status=ShareStatus.SENDING).update(
                status=ShareStatus.SCHEDULED,
                scheduled_at=timezone.now() + _backoff(share.publish_attempts, exc.retry_after),
                publish_error=str(exc.message)[:300],
            )
            return ShareStatus.SCHEDULED
        except ConnectError as exc:
            return _fail(share_id, str(exc.message))
    now = timezone.now()
    Share.objects.filter(pk=share_id, status=ShareStatus.SENDING).update(
        status=ShareStatus.POSTED,
        posted_at=now,
        post_id=published.post_id[:300],
        post_url=published.url[:500],
        publish_error="",
        collect_status=CollectStatus.ACTIVE,
        next_collect_at=now + FIRST_COLLECT_AFTER,
    )
    return ShareStatus.POSTED
