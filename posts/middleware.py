"""The tracked link served before the rest of the middleware stack.

In production ``posts.tracked_links.wsgi`` answers ``/r/<code>`` before Django is reached;
this is the path for what it hands over (and for the test client, and with it switched off).
"""

from django.urls import resolve

from posts.tracked_links import PATH_PREFIX


class TrackedLinkMiddleware:
    """Serve ``/r/<code>`` right after ``SecurityMiddleware``.

    A tracked link is a public redirect that never acts for a signed-in person: sessions,
    CSRF, messages, locale negotiation, allauth and the CSP builder would only add work
    (and could set a cookie) on the busiest path of the app. The view reads what it needs
    (the sharer's session, the address, the user agent) itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PATH_PREFIX):
            match = resolve(request.path_info)
            return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)
