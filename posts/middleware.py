"""The tracked link's hot path, served before the rest of the middleware stack."""

from django.urls import NoReverseMatch, get_resolver, resolve


def _tracked_link_prefix() -> str:
    """The path prefix of ``/r/<code>`` (empty if it is not mounted)."""
    try:
        path = get_resolver().reverse("tracked_link", code="x")
    except NoReverseMatch:
        return ""
    return "/" + path.removesuffix("x")


class TrackedLinkMiddleware:
    """Serve ``/r/<code>`` right after ``SecurityMiddleware``.

    A tracked link is a public redirect that never acts for a signed-in person: sessions,
    CSRF, messages, locale negotiation, allauth and the CSP builder would only add work
    (and could set a cookie) on the busiest path of the app. The view reads what it needs
    (the sharer's session, the address, the user agent) itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefix: str | None = None  # computed on the first request, once URLs load

    def __call__(self, request):
        if self._prefix is None:
            self._prefix = _tracked_link_prefix()
        if self._prefix and request.path_info.startswith(self._prefix):
            match = resolve(request.path_info)
            return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)
