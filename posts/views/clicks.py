"""The tracked-link redirect ``/r/<code>``: the busiest path of the app.

In production a WSGI callable in front of Django answers it (``posts.tracked_links.wsgi``)
and hands over to this view only what it cannot answer itself. Here it is answered before
the rest of the middleware stack (``posts.middleware``), so it reads what it needs (who the
visitor is, the address, the user agent) itself.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.identity_cookie import identity_cookie_user_id
from posts.services import clicks as services
from posts.tracked_links import client_address


def _visitor_user_id(request) -> str | None:
    """The signed-in person's id, without touching the user table.

    First the signed identity cookie (one HMAC, no query). Only a visitor who carries our
    session cookie but no valid identity cookie (a session from before that cookie existed)
    costs a session read; everyone else costs nothing. On a separate short-link domain no
    cookie is sent, and the sharer's own click is then counted like anyone's. The session is
    read through its own store, not ``request.session``: a stale or unknown cookie must not
    make the response delete it (a Set-Cookie on /r/), and a valid one must not add
    ``Vary: Cookie``.
    """
    user_id = identity_cookie_user_id(
        request.COOKIES.get(settings.TRACKED_LINK_IDENTITY_COOKIE_NAME)
    )
    if user_id is not None:
        return user_id
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return store.get(SESSION_KEY)


def tracked_link_missing(request, *, address: str) -> HttpResponse:
    """The answer for an unknown code: 404, or 429 once the address guessed too often."""
    # Served before LocaleMiddleware: pick the visitor's language here.
    translation.activate(translation.get_language_from_request(request))
    if services.guess_limited(address=address):
        response = HttpResponse(
            _("Too many unknown links from your address. Try again later."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(settings.TRACKED_LINK_GUESS_WINDOW_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    # Not the site's 404 page: its layout carries a CSRF token, which would set a cookie.
    response = render(request, "posts/link_not_found.html", status=404)
    response["Cache-Control"] = "no-store"
    # Before the CSP middleware too: this page's own policy (its stylesheet, nothing else).
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response["X-Frame-Options"] = "DENY"
    return response


@require_http_methods(["GET", "HEAD"])
def tracked_link(request, code: str):
    """302 to the stored destination; counts the click when it is a human's."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    address = client_address(request.META)
    link = services.tracked_link_visit(
        code=code,
        countable=services.click_is_countable(
            method=request.method, meta=request.META, user_agent=user_agent
        ),
        visitor_user_id=_visitor_user_id(request),
        address=address,
        user_agent=user_agent,
    )
    if link is None:
        return tracked_link_missing(request, address=address)
    response = HttpResponseRedirect(link.destination)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
