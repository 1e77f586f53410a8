"""A signed cookie naming the signed-in person, readable without their session.

The tracked link (``/r/<code>``) must not count a sharer's own click, and reading the session
to learn who clicks would cost a database read on the busiest path of the app. So whenever a
signed-in person gets a page, this cookie (on the app's domain, like the session cookie)
names them, signed with the secret key; checking it is one HMAC. When they are signed out it
is cleared. A forged or tampered value names nobody: that visitor counts like anyone else.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

_SALT = "accounts.identity_cookie"


def identity_cookie_value(*, user_id: int | str) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(user_id))


def identity_cookie_user_id(value: str | None) -> str | None:
    """The person's id the cookie names, or None when it is missing, old, forged or tampered."""
    if not value:
        return None
    try:
        return signing.TimestampSigner(salt=_SALT).unsign(
            value, max_age=settings.SESSION_COOKIE_AGE
        )
    except signing.BadSignature:
        return None


def identity_cookie_sync(*, request, response) -> None:
    """Set the cookie for a signed-in person who lacks a valid one, clear it for anyone else.

    Runs as each page is answered, after the view: a login sets it, a logout (or a session
    ended elsewhere) clears it on the next page.
    """
    name = settings.TRACKED_LINK_IDENTITY_COOKIE_NAME
    current = request.COOKIES.get(name)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if identity_cookie_user_id(current) != str(user.pk):
            response.set_cookie(
                name,
                identity_cookie_value(user_id=user.pk),
                max_age=settings.SESSION_COOKIE_AGE,
                domain=settings.SESSION_COOKIE_DOMAIN,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
    elif current is not None:
        response.delete_cookie(name, domain=settings.SESSION_COOKIE_DOMAIN, samesite="Lax")
