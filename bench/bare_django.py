"""The bare Django reference of bench/redirect: the strongest fair reference for a redirect.

A whole Django project in one module: settings configured here, no apps, no middleware, no
database, one URL answering a constant 302. bench/redirect serves it with the very gunicorn
command it uses for the app (``gunicorn bare_django:application``), so the two figures
differ only in what the app does on ``/r/<code>``.
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponseRedirect
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-django-not-a-secret-" + "x" * 32,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_I18N=False,
    LOGGING_CONFIG=None,
)
django.setup()


def bare_redirect(request):
    return HttpResponseRedirect("https://www.example.com/news/launch")


# The same path as the app's own reference view, so one wrk script drives both.
urlpatterns = [path("bench-bare/", bare_redirect)]

application = get_wsgi_application()
