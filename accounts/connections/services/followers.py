"""Follower counts: dated readings, and the daily read of every connected account."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.connections import bluesky, mastodon, x
from accounts.connections.base import AuthRevoked, ConnectError, NetworkUnavailable
from accounts.connections.services.tokens import connection_fresh, connection_mark_reconnect
from accounts.models import Connection, FollowerReading, SocialProfile, User
from ambassador.networks import Network

FOLLOWERS_EVERY = timedelta(days=1)


@transaction.atomic
def follower_reading_record(
    *, user: User, network: str, followers: int, source: str, read_at: datetime | None = None
) -> FollowerReading:
    """A dated follower count; the person's social profile takes it as the current one."""
    read_at = read_at or timezone.now()
    reading = FollowerReading.objects.create(
        user=user, network=network, followers=followers, source=source, read_at=read_at
    )
    SocialProfile.objects.update_or_create(
        user=user, network=network, defaults={"followers_count": followers}
    )
    if source == FollowerReading.Source.API:
        Connection.objects.filter(user=user, network=network).update(
            followers_count=followers, followers_read_at=read_at
        )
    return reading


def connection_read_followers(*, connection_id: int) -> int | None:
    """Read the account's follower count from the network and record it (Mastodon,
    Bluesky, X; LinkedIn does not report it to this app). None when not read."""
    connection = connection_fresh(connection_id=connection_id)
    try:
        if connection.network == Network.MASTODON:
            identity = mastodon.identity(
                instance_url=connection.service_url, access_token=connection.access_token
            )
        elif connection.network == Network.BLUESKY:
            identity = bluesky.identity(
                service_url=connection.service_url,
                access_token=connection.access_token,
                did=connection.remote_id,
            )
        elif connection.network == Network.X:
            identity = x.identity(access_token=connection.access_token)
        else:
            return None
    except AuthRevoked:
        connection_mark_reconnect(connection_id=connection.pk, reason="401")
        raise
    if identity.followers is None:
        return None
    follower_reading_record(
        user=connection.user,
        network=connection.network,
        followers=max(0, int(identity.followers)),
        source=FollowerReading.Source.API,
    )
    return identity.followers


def followers_claim_due(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Claim the connections whose daily follower read is due: each id is returned to one
    caller only (conditional UPDATE), and is next due a day later."""
    now = now or timezone.now()
    due = list(
        Connection.objects.usable()
        .filter(
            next_followers_at__lte=now, network__in=(Network.MASTODON, Network.BLUESKY, Network.X)
        )
        .order_by("next_followers_at")
        .values_list("pk", "next_followers_at")[:limit]
    )
    claimed = []
    for pk, seen in due:
        if Connection.objects.filter(pk=pk, next_followers_at=seen).update(
            next_followers_at=now + FOLLOWERS_EVERY
        ):
            claimed.append(pk)
    return claimed


def followers_read_due(*, now: datetime | None = None) -> int:
    """One beat tick: read followers for every claimed connection. A network that is down
    is asked again in an hour; one that refused the token marks it "reconnect needed"."""
    count = 0
    for pk in followers_claim_due(now=now):
        try:
            if connection_read_followers(connection_id=pk) is not None:
                count += 1
        except AuthRevoked:
            continue
        except NetworkUnavailable as exc:
            wait = timedelta(seconds=max(exc.retry_after or 0, 3600))
            Connection.objects.filter(pk=pk).update(next_followers_at=timezone.now() + wait)
        except ConnectError as exc:
            Connection.objects.filter(pk=pk).update(last_error=str(exc.message)[:300])
    return count
