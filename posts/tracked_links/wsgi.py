"""``/r/<code>`` as a plain WSGI callable in front of Django (``ambassador/wsgi.py``).

The view (``posts.views.clicks``) behind ``posts.middleware`` already skips the middleware
stack, yet Django still builds a request, resolves the URL, builds a response and runs it
back through its handler: on a redirect that is most of the work. Here a known code costs
the environ lookups, a link this process remembers (or one Redis round trip) and a list of
headers, with exactly the view's rules (they are the same functions:
``posts.services.clicks``). What it cannot answer exactly as the Django path would goes on
to Django unchanged:

- anything but GET or HEAD (405), a path that is not ``/r/`` + a code (404 from the URLconf);
- a plain-HTTP request when ``SECURE_SSL_REDIRECT`` sends it to HTTPS first;
- a visitor with a session cookie but no valid identity cookie (the view reads the session);
- a destination Django would refuse to redirect to, and any error while resolving.

An unknown code is answered by the view's own function (``tracked_link_missing``: the
guess limiter, then 429 or the 404 page in the visitor's language) with a request built for
it: that is the rare path, and the page must be the same.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections
from django.http import HttpResponseRedirect
from django.http.cookie import parse_cookie
from django.utils.encoding import iri_to_uri

from accounts.identity_cookie import identity_cookie_user_id
from posts.services import clicks as services
from posts.tracked_links import CODE_RE, PATH_PREFIX, client_address
from posts.views.clicks import tracked_link_missing

logger = logging.getLogger(__name__)

_REDIRECT_SCHEMES = frozenset(HttpResponseRedirect.allowed_schemes)


class TrackedLinkApplication:
    """A WSGI application for paths under ``path_prefix``; ``fallback`` (Django) for the rest."""

    path_prefix = PATH_PREFIX

    def __init__(self, fallback):
        self.fallback = fallback
        # Headers SecurityMiddleware adds to every response (its settings are read once, as
        # the middleware reads them when Django builds its stack).
        self.security_headers = []
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            self.security_headers.append(("X-Content-Type-Options", "nosniff"))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            self.security_headers.append(
                ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
            )
        self.hsts = None
        if settings.SECURE_HSTS_SECONDS:
            self.hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                self.hsts += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                self.hsts += "; preload"

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("PATH_INFO", "")
        code = path[len(self.path_prefix) :]
        if (
            method not in ("GET", "HEAD")
            or not path.startswith(self.path_prefix)
            or not CODE_RE.fullmatch(code)
        ):
            return self.fallback(environ, start_response)
        secure = _is_secure(environ)
        if settings.SECURE_SSL_REDIRECT and not secure:
            return self.fallback(environ, start_response)
        visitor_user_id = None
        cookie_header = environ.get("HTTP_COOKIE")
        if cookie_header:
            cookies = parse_cookie(cookie_header)
            visitor_user_id = identity_cookie_user_id(
                cookies.get(settings.TRACKED_LINK_IDENTITY_COOKIE_NAME)
            )
            if visitor_user_id is None and cookies.get(settings.SESSION_COOKIE_NAME):
                return self.fallback(environ, start_response)

        # What Django's request_started receivers do that matters here: a database connection
        # past its age (or broken) is closed before this request may use it. The signals
        # themselves cost more than the rest of a cached redirect's Python, and the other
        # receivers (the query log of DEBUG, closing caches) have nothing to do here.
        _close_old_connections()
        answer = self._answer(environ, start_response, code, method, visitor_user_id, secure)
        if answer is None:
            return self.fallback(environ, start_response)
        return answer

    def _answer(self, environ, start_response, code, method, visitor_user_id, secure):
        """The response body, or None to hand the request to Django."""
        user_agent = environ.get("HTTP_USER_AGENT", "")
        address = client_address(environ)
        try:
            link = services.tracked_link_visit(
                code=code,
                countable=services.click_is_countable(
                    method=method, meta=environ, user_agent=user_agent
                ),
                visitor_user_id=visitor_user_id,
                address=address,
                user_agent=user_agent,
            )
        except Exception:
            # Nothing was recorded (resolving comes first): Django answers, and fails,
            # exactly as it would have.
            logger.warning("tracked link fast path failed; handing over to Django")
            return None
        if link is None:
            return self._django_response(
                tracked_link_missing(WSGIRequest(environ), address=address),
                start_response,
                secure,
            )
        location = iri_to_uri(link.destination)
        # urlsplit's scheme, for a URI (iri_to_uri has quoted spaces and control characters):
        # what comes before the first colon, if it is an allowed scheme.
        if location.partition(":")[0].lower() not in _REDIRECT_SCHEMES:
            return None
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Location", location),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),
            *self.security_headers,
        ]
        if secure and self.hsts:
            headers.append(("Strict-Transport-Security", self.hsts))
        start_response("302 Found", headers)
        return [b""]

    def _django_response(self, response, start_response, secure: bool):
        """Send a response the view built, with what SecurityMiddleware would have added."""
        for header, value in self.security_headers:
            response.headers.setdefault(header, value)
        if settings.SECURE_REFERRER_POLICY:
            response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        if secure and self.hsts:
            response.headers.setdefault("Strict-Transport-Security", self.hsts)
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            [
                *response.items(),
                *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
            ],
        )
        return [response.content]


def _is_secure(environ) -> bool:
    """``HttpRequest.is_secure()`` on the environ: the trusted proxy header, else the scheme."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _close_old_connections() -> None:
    """``django.db.close_old_connections``, leaving alone a connection inside a transaction:
    no request starts in one, so such a transaction belongs to whoever runs this request
    in-process (a test)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()
