"""WSGI entry point: Django, with fast paths in front of it for the busiest prefixes.

``TRACKED_LINK_WSGI_APP`` names (by dotted path, so this package imports no app) a WSGI
application class that takes Django's application as its fallback and says which path
prefix it answers (``path_prefix``, the very constant the URLconf mounts). Requests under
that prefix go to it, everything else to Django. An empty setting switches it off.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambassador.settings")


def with_fast_paths(django_application):
    if not settings.TRACKED_LINK_WSGI_APP:
        return django_application
    fast = import_string(settings.TRACKED_LINK_WSGI_APP)(fallback=django_application)
    prefix = fast.path_prefix

    def application(environ, start_response):
        if environ.get("PATH_INFO", "").startswith(prefix):
            return fast(environ, start_response)
        return django_application(environ, start_response)

    return application


application = with_fast_paths(get_wsgi_application())
