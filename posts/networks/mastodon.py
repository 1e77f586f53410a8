"""Mastodon: post with an Idempotency-Key (the share's id), so a retry never posts twice; an
unknown outcome is also settled by reading the account's recent statuses for the tracked
link; read statuses back in batches (GET /api/v1/statuses?id[]=)."""

from __future__ import annotations

import html

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

READ_BATCH = 40
# GET /api/v1/accounts/:id/statuses gives at most 40 at a time.
RECENT_PAGE = 40
# Mastodon remembers an Idempotency-Key for an hour: a retry inside that hour is answered
# with the post the first call made.
IDEMPOTENCY_WINDOW_SECONDS = 3600


def _auth(connection: Connection) -> dict[str, str]:
    return {"Authorization": f"Bearer {connection.access_token}"}


@sensitive_variables()
def publish(*, connection: Connection, text: str, key: str) -> Published:
    response = call(
        "POST",
        f"{connection.service_url}/api/v1/statuses",
        data={"status": text, "visibility": "public"},
        headers=_auth(connection) | {"Idempotency-Key": key},
    )
    data = body_of(response)
    if response.status in (401, 403):
        raise AuthRevoked(_("Mastodon no longer accepts this connection."))
    if response.status == 422:
        raise PostRejected(
            _("Mastodon refused the post: %(reason)s") % {"reason": data.get("error", "")}
        )
    if not response.ok or not data.get("id"):
        raise PostRejected(_("Mastodon did not take the post."))
    return Published(post_id=str(data["id"]), url=str(data.get("url") or ""))


@sensitive_variables()
def find_posted(*, connection: Connection, link: str) -> Published | None:
    """The account's recent status that carries ``link``, if there is one. Its ``content``
    is HTML: the link is in an ``href``."""
    response = call(
        "GET",
        f"{connection.service_url}/api/v1/accounts/{connection.remote_id}/statuses",
        params={"limit": RECENT_PAGE, "exclude_reblogs": "true"},
        headers=_auth(connection),
    )
    if response.status in (401, 403):
        raise AuthRevoked(_("Mastodon no longer accepts this connection."))
    statuses = response.json() if response.ok else None
    for status in statuses if isinstance(statuses, list) else []:
        if link in html.unescape(str(status.get("content", ""))):
            return Published(post_id=str(status["id"]), url=str(status.get("url") or ""))
    return None


@sensitive_variables()
def read(*, connection: Connection, post_ids: list[str]) -> tuple[dict[str, Counts], dict]:
    """Counts of up to READ_BATCH statuses, and the answer's headers."""
    response = call(
        "GET",
        f"{connection.service_url}/api/v1/statuses",
        params=[("id[]", post_id) for post_id in post_ids],
        headers=_auth(connection),
    )
    if response.status in (401, 403):
        raise AuthRevoked(_("Mastodon no longer accepts this connection."))
    found = {}
    for status in response.json() if isinstance(response.json(), list) else []:
        found[str(status.get("id"))] = Counts(
            reactions=status.get("favourites_count"),
            reposts=status.get("reblogs_count"),
            replies=status.get("replies_count"),
            quotes=status.get("quotes_count"),
        )
    return found, response.headers
