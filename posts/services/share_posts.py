"""Writes of a share's post that the person acts on: the address pasted after an intent,
cancelling a scheduled post, an admin's retry of a failed one, and the public reads that
let a pasted post's engagement be collected without a connected account.

A pasted address is checked against the share's network (a Mastodon status on the person's
own server, a Bluesky post, an X status, a LinkedIn post) and stored in one canonical form,
so that the database's unique constraint keeps one network post to one share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import Connection, User
from accounts.services import audit_record
from ambassador.networks import Network
from posts.models import CollectStatus, Share, ShareStatus
from posts.networks.base import ConnectError, Counts, body_of, call
from posts.selectors import mastodon_instance_of
from posts.services.shares import SharingError

# Networks whose posts anyone may read: a pasted post is collected without a connection.
PUBLIC_READS = (Network.MASTODON, Network.BLUESKY)
MASTODON_PUBLIC_BATCH = 40
BLUESKY_PUBLIC_BATCH = 25

X_HOSTS = {"x.com", "www.x.com", "mobile.x.com", "twitter.com", "www.twitter.com"}
X_HOSTS |= {"mobile.twitter.com"}
BLUESKY_HOSTS = {"bsky.app", "www.bsky.app"}
LINKEDIN_HOSTS = {"linkedin.com", "www.linkedin.com"}
X_PATH_RE = re.compile(r"^/(?P<handle>[A-Za-z0-9_]{1,15})/status(?:es)?/(?P<id>\d{1,20})/?")
BLUESKY_PATH_RE = re.compile(
    r"^/profile/(?P<actor>did:[a-z]+:[A-Za-z0-9._:%-]+|[A-Za-z0-9.-]+)/post/(?P<rkey>[A-Za-z0-9._~:-]{1,512})/?$"
)
MASTODON_PATH_RES = (
    re.compile(r"^/@(?P<user>[A-Za-z0-9_.-]+)/(?P<id>\d{1,20})/?$"),
    re.compile(r"^/users/(?P<user>[A-Za-z0-9_.-]+)/statuses/(?P<id>\d{1,20})/?$"),
)
LINKEDIN_URN_RE = re.compile(r"urn:li:(?:share|ugcPost|activity):\d+")


class PostUrlError(SharingError):
    """The pasted address is not a post of the share's network; the message says why."""


@dataclass(frozen=True)
class PostAddress:
    url: str  # canonical
    post_id: str  # as the network's read API names it; empty when unknown


def _host(parts) -> str:
    return (parts.hostname or "").lower()


def _mastodon_address(parts, instance_url: str) -> PostAddress:
    if not instance_url:
        raise PostUrlError(_("Tell us your Mastodon server first, on the share page."))
    instance = urlsplit(instance_url)
    if (parts.scheme, _host(parts), parts.port) != (
        instance.scheme,
        _host(instance),
        instance.port,
    ):
        raise PostUrlError(
            _("This is not a post on your Mastodon server (%(server)s).")
            % {"server": instance.netloc}
        )
    for pattern in MASTODON_PATH_RES:
        if found := pattern.match(parts.path):
            return PostAddress(
                url=f"{instance_url.rstrip('/')}/@{found['user']}/{found['id']}",
                post_id=found["id"],
            )
    raise PostUrlError(
        _("Paste the address of the post itself, like %(example)s.")
        % {"example": f"{instance_url.rstrip('/')}/@you/110000000000000000"}
    )


def _resolve_did(actor: str, *, user: User) -> str:
    """The DID of a Bluesky handle: the person's own connection first, else the network."""
    if actor.startswith("did:"):
        return actor
    own = (
        Connection.objects.live()
        .filter(user=user, network=Network.BLUESKY, handle__iexact=actor)
        .values_list("remote_id", flat=True)
        .first()
    )
    if own:
        return own
    try:
        response = call(
            "GET",
            f"{settings.BLUESKY_DEFAULT_SERVICE}/xrpc/com.atproto.identity.resolveHandle",
            params={"handle": actor},
        )
    except ConnectError:
        return ""
    did = str(body_of(response).get("did", ""))
    return did if response.ok and did.startswith("did:") else ""


def _bluesky_address(parts, *, user: User) -> PostAddress:
    found = BLUESKY_PATH_RE.match(parts.path)
    if _host(parts) not in BLUESKY_HOSTS or not found:
        raise PostUrlError(
            _("Paste a Bluesky post address, like https://bsky.app/profile/you/post/3k…")
        )
    actor = found["actor"].lower() if not found["actor"].startswith("did:") else found["actor"]
    did = _resolve_did(actor, user=user)
    return PostAddress(
        url=f"https://bsky.app/profile/{actor}/post/{found['rkey']}",
        post_id=f"at://{did}/app.bsky.feed.post/{found['rkey']}" if did else "",
    )


def _x_address(parts) -> PostAddress:
    found = X_PATH_RE.match(parts.path)
    if _host(parts) not in X_HOSTS or not found:
        raise PostUrlError(_("Paste an X post address, like https://x.com/you/status/1234…"))
    return PostAddress(
        url=f"https://x.com/{found['handle']}/status/{found['id']}", post_id=found["id"]
    )


def _linkedin_address(parts) -> PostAddress:
    if _host(parts) not in LINKEDIN_HOSTS or parts.path in ("", "/"):
        raise PostUrlError(
            _("Paste a LinkedIn post address, like https://www.linkedin.com/feed/update/…")
        )
    urn = LINKEDIN_URN_RE.search(parts.path)
    return PostAddress(
        url=f"https://www.linkedin.com{parts.path.rstrip('/')}/", post_id=urn[0] if urn else ""
    )


def post_address(*, network: str, url: str, user: User) -> PostAddress:
    """The canonical address and post id of ``url`` as a post on ``network``; PostUrlError
    when it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username:
        raise PostUrlError(_("Enter the full address of your post, starting with https://."))
    if network == Network.MASTODON:
        return _mastodon_address(parts, mastodon_instance_of(user=user))
    if parts.scheme != "https":
        raise PostUrlError(_("Enter the full address of your post, starting with https://."))
    if network == Network.BLUESKY:
        return _bluesky_address(parts, user=user)
    if network == Network.X:
        return _x_address(parts)
    if network == Network.LINKEDIN:
        return _linkedin_address(parts)
    raise PostUrlError(_("Posts on this network cannot be linked to a share."))


def _collect_status(*, share: Share, address: PostAddress) -> str:
    """Collect when some read can find the post: a public read, or the person's account."""
    if not address.post_id:
        return CollectStatus.NOT_REPORTED
    if share.network in PUBLIC_READS:
        return CollectStatus.ACTIVE
    connected = (
        Connection.objects.usable().filter(user_id=share.user_id, network=share.network).exists()
    )
    return CollectStatus.ACTIVE if connected else CollectStatus.NOT_REPORTED


def share_post_url_set(*, share: Share, url: str, user: User) -> Share:
    """``user`` says the intent ``share`` became the post at ``url``: the share is posted,
    and its engagement is collected from the next tick on where the network allows."""
    if share.user_id != user.pk:
        raise PostUrlError(_("This is not your share."))
    if share.status == ShareStatus.POSTED and share.publish_attempts:
        raise PostUrlError(_("This share was posted for you; its address is already known."))
    if share.status not in (ShareStatus.INTENT_OPENED, ShareStatus.POSTED):
        raise PostUrlError(
            _("Only a share made through the network's share page takes a post address.")
        )
    address = post_address(network=share.network, url=url, user=user)
    now = timezone.now()
    collect = _collect_status(share=share, address=address)
    try:
        with transaction.atomic():
            updated = Share.objects.filter(
                pk=share.pk,
                status__in=[ShareStatus.INTENT_OPENED, ShareStatus.POSTED],
                publish_attempts=0,
            ).update(
                status=ShareStatus.POSTED,
                # The intent opened the network's composer then: the post went out with it.
                posted_at=share.posted_at or share.created_at,
                post_url=address.url,
                post_id=address.post_id[:300],
                collect_status=collect,
                next_collect_at=now if collect == CollectStatus.ACTIVE else None,
                collect_failures=0,
                collect_error="",
            )
    except IntegrityError as exc:
        raise PostUrlError(_("This post is already linked to another share.")) from exc
    if not updated:  # a worker took it meanwhile
        raise PostUrlError(_("This share was posted for you; its address is already known."))
    share.refresh_from_db()
    return share


def share_schedule_cancel(*, share: Share, user: User) -> bool:
    """Call off a scheduled post before a worker claims it (one conditional UPDATE: a
    claimed one is sending and stays). True when it was cancelled."""
    if share.user_id != user.pk:
        return False
    return bool(
        Share.objects.filter(pk=share.pk, user=user, status=ShareStatus.SCHEDULED).update(
            status=ShareStatus.CANCELLED
        )
    )


@transaction.atomic
def share_publish_retry(*, share_id: int, by: User) -> bool:
    """An admin sends a failed post again. FAILED → SCHEDULED with one conditional UPDATE,
    so two clicks queue it once; the attempts count is kept, so the publishing service
    reconciles first (Mastodon's idempotency key, reading recent posts on Bluesky and X,
    LinkedIn's duplicate answer) and a post that did go out is not made twice."""
    won = Share.objects.filter(pk=share_id, status=ShareStatus.FAILED).update(
        status=ShareStatus.SCHEDULED, scheduled_at=timezone.now(), sending_at=None
    )
    if not won:
        return False
    audit_record(
        actor=by,
        action=AuditAction.SHARE_PUBLISH_RETRIED,
        target=Share.objects.get(pk=share_id),
        detail={"share": share_id},
    )
    from posts.tasks import publish_share  # noqa: PLC0415 — posts.tasks imports this module

    transaction.on_commit(lambda: publish_share.delay(share_id))
    return True


# --- Public reads for collection --------------------------------------------------------------


def _mastodon_public(shares: list[Share]) -> tuple[dict[str, Counts], int]:
    by_instance: dict[str, list[Share]] = {}
    for share in shares:
        parts = urlsplit(share.post_url)
        by_instance.setdefault(f"{parts.scheme}://{parts.netloc}", []).append(share)
    found: dict[str, Counts] = {}
    calls = 0
    for instance, group in by_instance.items():
        for start in range(0, len(group), MASTODON_PUBLIC_BATCH):
            batch = group[start : start + MASTODON_PUBLIC_BATCH]
            calls += 1
            response = call(
                "GET",
                f"{instance}/api/v1/statuses",
                params=[("id[]", s.post_id) for s in batch],
            )
            data = response.json()
            for status in data if isinstance(data, list) else []:
                # Ids are per server: the key is the server and the id together.
                found[f"{instance} {status.get('id')}"] = Counts(
                    reactions=status.get("favourites_count"),
                    reposts=status.get("reblogs_count"),
                    replies=status.get("replies_count"),
                    quotes=status.get("quotes_count"),
                )
    return {
        s.post_id: found[key]
        for s in shares
        if (key := f"{urlsplit(s.post_url).scheme}://{urlsplit(s.post_url).netloc} {s.post_id}")
        in found
    }, calls


def _bluesky_public(shares: list[Share]) -> tuple[dict[str, Counts], int]:
    found: dict[str, Counts] = {}
    calls = 0
    for start in range(0, len(shares), BLUESKY_PUBLIC_BATCH):
        batch = shares[start : start + BLUESKY_PUBLIC_BATCH]
        calls += 1
        response = call(
            "GET",
            f"{settings.BLUESKY_PUBLIC_API_URL}/xrpc/app.bsky.feed.getPosts",
            params=[("uris", s.post_id) for s in batch],
        )
        for post in body_of(response).get("posts", []):
            found[post.get("uri", "")] = Counts(
                reactions=post.get("likeCount"),
                reposts=post.get("repostCount"),
                replies=post.get("replyCount"),
                quotes=post.get("quoteCount"),
            )
    return found, calls


def public_counts(*, network: str, shares: list[Share]) -> tuple[dict[str, Counts], int]:
    """Counts of public posts read without any account (post id → counts), and the number
    of calls made. Raises the adapters' errors (NetworkUnavailable on 429 and 5xx)."""
    if network == Network.MASTODON:
        return _mastodon_public(shares)
    if network == Network.BLUESKY:
        return _bluesky_public(shares)
    return {}, 0
