import zoneinfo

from django.utils import timezone, translation

from accounts import selectors
from accounts.identity_cookie import identity_cookie_sync


class UserPreferencesMiddleware:
    """A signed-in person's saved language wins over the browser's; their time zone applies;
    their signed identity cookie (``accounts.identity_cookie``) is kept in step with who is
    signed in.

    (The tracked link ``/r/<code>`` never gets here: ``posts.middleware`` answers it first.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
        identity_cookie_sync(request=request, response=response)
        return response


class AccessMiddleware:
    """Within one request each person's teams and roles are read once, whoever asks
    (permission checks, selectors, navigation); the next request reads them again, so a
    revoked role bites at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with selectors.access_cached():
            return self.get_response(request)
