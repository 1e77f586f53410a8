"""Bluesky: post an app.bsky.feed.post record (the tracked link as a link facet); an unknown
outcome is settled by reading the author's feed for the link; counts come from
app.bsky.feed.getPosts, 25 URIs at a time."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import Connection
from posts.networks.base import (
    AuthRevoked,
    Counts,
    PostRejected,
    Published,
    body_of,
    call,
)

READ_BATCH = 25
POST = "app.bsky.feed.post"
FEED_PAGE = 50


def _auth(connection: Connection) -> dict[str, str]:
    return {"Authorization": f"Bearer {connection.access_token}"}


def _check(response, data):
    if response.status == 401 or data.get("error") in ("ExpiredToken", "InvalidToken"):
        raise AuthRevoked(_("Bluesky ended this session."))


def post_url(*, handle: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def _record(text: str, link: str) -> dict:
    record = {
        "$type": POST,
        "text": text,
        "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    start = text.find(link) if link else -1
    if start >= 0:
        byte_start = len(text[:start].encode())
        record["facets"] = [
            {
                "index": {"byteStart": byte_start, "byteEnd": byte_start + len(link.encode())},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
            }
        ]
    return record


@sensitive_variables()
def publish(*, connection: Connection, text: str, link: str) -> Published:
    response = call(
        "POST",
        f"{connection.service_url}/xrpc/com.atproto.repo.createRecord",
        json={"repo": connection.remote_id, "collection": POST, "record": _record(text, link)},
        headers=_auth(connection),
    )
    data = body_of(response)
    _check(response, data)
    if response.status == 400:
        raise PostRejected(
            _("Bluesky refused the post: %(reason)s") % {"reason": data.get("message", "")}
        )
    if not response.ok or not data.get("uri"):
        raise PostRejected(_("Bluesky did not take the post."))
    return Published(post_id=data["uri"], url=post_url(handle=connection.handle, uri=data["uri"]))


@sensitive_variables()
def find_posted(*, connection: Connection, link: str) -> Published | None:
    """The account's recent post that carries ``link``, if there is one."""
    response = call(
        "GET",
        f"{connection.service_url}/xrpc/app.bsky.feed.getAuthorFeed",
        params={"actor": connection.remote_id, "limit": FEED_PAGE},
        headers=_auth(connection),
    )
    data = body_of(response)
    _check(response, data)
    for entry in data.get("feed", []):
        post = entry.get("post") or {}
        if link in (post.get("record") or {}).get("text", ""):
            return Published(post["uri"], post_url(handle=connection.handle, uri=post["uri"]))
    return None


@sensitive_variables()
def read(*, connection: Connection, post_ids: list[str]) -> tuple[dict[str, Counts], dict]:
    response = call(
        "GET",
        f"{connection.service_url}/xrpc/app.bsky.feed.getPosts",
        params=[("uris", uri) for uri in post_ids],
        headers=_auth(connection),
    )
    data = body_of(response)
    _check(response, data)
    found = {
        post["uri"]: Counts(
            reactions=post.get("likeCount"),
            reposts=post.get("repostCount"),
            replies=post.get("replyCount"),
            quotes=post.get("quoteCount"),
        )
        for post in data.get("posts", [])
    }
    return found, response.headers
