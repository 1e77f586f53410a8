"""X: post with POST /2/tweets; an unknown outcome is settled by reading the account's
recent posts for the tracked link; public metrics come from GET /2/tweets?ids=, 100 at a
time (impressions included)."""

from __future__ import annotations

from django.conf import settings
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

READ_BATCH = 100


def _auth(connection: Connection) -> dict[str, str]:
    return {"Authorization": f"Bearer {connection.access_token}"}


def post_url(*, handle: str, post_id: str) -> str:
    return f"https://x.com/{handle}/status/{post_id}"


def _reason(data: dict) -> str:
    return str(data.get("detail") or data.get("title") or "")


@sensitive_variables()
def publish(*, connection: Connection, text: str) -> Published:
    response = call(
        "POST", f"{settings.X_API_URL}/2/tweets", json={"text": text}, headers=_auth(connection)
    )
    data = body_of(response)
    if response.status == 401:
        raise AuthRevoked(_("X no longer accepts this connection."))
    if response.status in (400, 403):
        raise PostRejected(_("X refused the post: %(reason)s") % {"reason": _reason(data)})
    post_id = (data.get("data") or {}).get("id")
    if not response.ok or not post_id:
        raise PostRejected(_("X did not take the post."))
    return Published(post_id=str(post_id), url=post_url(handle=connection.handle, post_id=post_id))


@sensitive_variables()
def find_posted(*, connection: Connection, link: str) -> Published | None:
    response = call(
        "GET",
        f"{settings.X_API_URL}/2/users/{connection.remote_id}/tweets",
        params={"max_results": 20, "tweet.fields": "entities"},
        headers=_auth(connection),
    )
    if response.status == 401:
        raise AuthRevoked(_("X no longer accepts this connection."))
    for tweet in body_of(response).get("data", []):
        expanded = [u.get("expanded_url") for u in (tweet.get("entities") or {}).get("urls", [])]
        if link in tweet.get("text", "") or link in expanded:
            return Published(tweet["id"], post_url(handle=connection.handle, post_id=tweet["id"]))
    return None


@sensitive_variables()
def read(*, connection: Connection, post_ids: list[str]) -> tuple[dict[str, Counts], dict]:
    response = call(
        "GET",
        f"{settings.X_API_URL}/2/tweets",
        params={"ids": ",".join(post_ids), "tweet.fields": "public_metrics"},
        headers=_auth(connection),
    )
    if response.status == 401:
        raise AuthRevoked(_("X no longer accepts this connection."))
    found = {}
    for tweet in body_of(response).get("data", []):
        metrics = tweet.get("public_metrics") or {}
        found[str(tweet["id"])] = Counts(
            reactions=metrics.get("like_count"),
            reposts=metrics.get("retweet_count"),
            replies=metrics.get("reply_count"),
            quotes=metrics.get("quote_count"),
            impressions=metrics.get("impression_count"),
        )
    return found, response.headers
