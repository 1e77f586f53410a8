"""Links in notifications: absolute, cheap to make for thousands of emails, and the signed
unsubscribe links (one kind of email for one person, usable without signing in)."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from accounts.notifications.kinds import KINDS, Email
from accounts.notifications.preferences import preference_set

_PLACEHOLDER = "__value__"


@functools.cache
def _path_around_token(name: str) -> tuple[str, str]:
    before, _token, after = reverse(name, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    return before, after


def path_with_token(name: str, token: str) -> str:
    """``reverse(name, args=[token])`` for a URL taking one string, without resolving the
    URLconf again for each of thousands of emails."""
    before, after = _path_around_token(name)
    return f"{before}{token}{after}"


def absolute_url(path: str) -> str:
    if not path or urlsplit(path).scheme in ("http", "https"):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else f"/{path}")


# Part of every unsubscribe link already sent: never change it.
UNSUBSCRIBE_SALT = "accounts.notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id, "k": kind})


def unsubscribe_read(*, token: str) -> tuple[User, str] | None:
    """The person and kind a signed unsubscribe token names, or None when forged."""
    try:
        payload = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("k") not in KINDS:
        return None
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None:
        return None
    return user, payload["k"]


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id=user_id, kind=kind)
    return settings.SITE_URL + path_with_token("accounts:unsubscribe", token)


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[User, str] | None:
    """Turn off email for the token's kind. Idempotent; None for a forged token."""
    found = unsubscribe_read(token=token)
    if found is None:
        return None
    user, kind = found
    preference_set(user=user, kind=kind, channel=Email, enabled=False)
    return user, kind
