"""The digest's two-click share links: signed, for one person, item and network, and
valid for ``DIGEST_SHARE_LINK_MAX_AGE_DAYS``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from accounts.notifications import absolute_url, path_with_token
from ambassador.networks import Network
from posts.reminders.base import ReminderError

# Part of every share link already sent: never change it.
SHARE_LINK_SALT = "posts.reminders.digest-share"


def share_link_signer() -> signing.TimestampSigner:
    """One signer for many links (a digest batch signs thousands)."""
    return signing.TimestampSigner(salt=SHARE_LINK_SALT)


def share_link_token(
    *, user_id: int, item_id: int, network: str, signer: signing.TimestampSigner | None = None
) -> str:
    return (signer or share_link_signer()).sign_object({"u": user_id, "i": item_id, "n": network})


@dataclass(frozen=True)
class ShareLink:
    user_id: int
    item_id: int
    network: str


class ShareLinkExpired(ReminderError):
    pass


def share_link_read(*, token: str) -> ShareLink | None:
    """The share link's content; None when forged. Raises ``ShareLinkExpired``."""
    max_age = dt.timedelta(days=settings.DIGEST_SHARE_LINK_MAX_AGE_DAYS)
    try:
        payload = share_link_signer().unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ShareLinkExpired(_("This share link has expired.")) from exc
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("n") not in Network.values:
        return None
    try:
        return ShareLink(int(payload["u"]), int(payload["i"]), payload["n"])
    except (KeyError, TypeError, ValueError):
        return None


def share_link_url(
    *, user_id: int, item_id: int, network: str, signer: signing.TimestampSigner | None = None
) -> str:
    token = share_link_token(user_id=user_id, item_id=item_id, network=network, signer=signer)
    return absolute_url(path_with_token("posts:digest_share", token))
