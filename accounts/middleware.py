import zoneinfo

from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, get_resolver
from django.utils import timezone, translation


def _tracked_link_prefix() -> str:
    """The path prefix of the tracked link ``/r/<code>`` (empty if it is not mounted)."""
    try:
        path = get_resolver().reverse("tracked_link", code="x")
    except NoReverseMatch:
        return ""
    return "/" + path.removesuffix("x")


class UserPreferencesMiddleware:
    """A signed-in person's saved language wins over the browser's; their time zone applies.

    The tracked link ``/r/<code>`` is a public hot path that never acts for the person: it
    skips this work, and the visitor is anonymous to the middleware after this one (so
    neither the user row nor allauth's session tracking costs a query there). The redirect
    reads the sharer's id from the session itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._skip_prefix: str | None = None  # computed once, on the first request

    def __call__(self, request):
        if self._skip_prefix is None:
            self._skip_prefix = _tracked_link_prefix()
        if self._skip_prefix and request.path_info.startswith(self._skip_prefix):
            request.user = AnonymousUser()
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        response = self.get_response(request)
        timezone.deactivate()
        return response
