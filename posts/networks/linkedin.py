"""LinkedIn: post with the versioned Posts API (POST /rest/posts). An app with only
``w_member_social`` cannot read posts back, so an unknown outcome is settled by posting
again: LinkedIn refuses the same text with 422 naming the earlier post, which is ours.
Engagement needs ``r_member_social``, granted to few developers: without it LinkedIn
answers 403 and the app says "LinkedIn does not report this"."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import Connection
from posts.networks.base import (
    AuthRevoked,
    Counts,
    Duplicate,
    NotReported,
    PostRejected,
    Published,
    body_of,
    call,
)

# No documented maximum: the URL's length is the limit, and 20 URNs stay well inside it.
READ_BATCH = 20
DUPLICATE_RE = re.compile(r"duplicate of (urn:li:(?:share|ugcPost):\d+)")
# Characters LinkedIn's "little text" format reserves; escaped so the caption shows as typed.
RESERVED_RE = re.compile(r"([\\|{}@\[\]()<>#*_~])")


def api_version() -> str:
    """A monthly version LinkedIn still serves: the configured one, or two months back."""
    if settings.LINKEDIN_API_VERSION:
        return settings.LINKEDIN_API_VERSION
    today = date.today()
    month = today.year * 12 + today.month - 1 - 2
    return f"{month // 12}{month % 12 + 1:02d}"


def _headers(connection: Connection) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {connection.access_token}",
        "LinkedIn-Version": api_version(),
        "X-Restli-Protocol-Version": "2.0.0",
    }


def post_url(post_id: str) -> str:
    return f"https://www.linkedin.com/feed/update/{post_id}/"


def little_text(text: str) -> str:
    return RESERVED_RE.sub(r"\\\1", text)


@sensitive_variables()
def publish(*, connection: Connection, text: str) -> Published:
    response = call(
        "POST",
        f"{settings.LINKEDIN_API_URL}/rest/posts",
        json={
            "author": f"urn:li:person:{connection.remote_id}",
            "commentary": little_text(text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        },
        headers=_headers(connection),
    )
    data = body_of(response)
    if response.status == 401:
        raise AuthRevoked(_("LinkedIn no longer accepts this connection."))
    message = str(data.get("message", ""))
    if response.status == 422 and (found := DUPLICATE_RE.search(message)):
        raise Duplicate(_("LinkedIn already has this post."), post_id=found[1])
    if response.status in (400, 403, 422, 426):
        raise PostRejected(_("LinkedIn refused the post: %(reason)s") % {"reason": message})
    post_id = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id")
    if response.status != 201 or not post_id:
        raise PostRejected(_("LinkedIn did not take the post."))
    return Published(post_id=post_id, url=post_url(post_id))


@sensitive_variables()
def read(*, connection: Connection, post_ids: list[str]) -> tuple[dict[str, Counts], dict]:
    """Likes and comments of up to READ_BATCH posts in one BATCH_GET. Rest.li 2.0 wants
    ``List(...)`` as it is and each URN inside it encoded, which urlencode would not do."""
    ids = ",".join(quote(post_id, safe="") for post_id in post_ids)
    response = call(
        "GET",
        f"{settings.LINKEDIN_API_URL}/rest/socialActions?ids=List({ids})",
        headers=_headers(connection),
    )
    if response.status == 401:
        raise AuthRevoked(_("LinkedIn no longer accepts this connection."))
    if response.status == 403:
        raise NotReported(_("LinkedIn does not report this."))
    found = {}
    for post_id, data in (body_of(response).get("results") or {}).items():
        if isinstance(data, dict):
            found[post_id] = Counts(
                reactions=(data.get("likesSummary") or {}).get("totalLikes"),
                replies=(data.get("commentsSummary") or {}).get("aggregatedTotalComments"),
            )
    return found, response.headers
