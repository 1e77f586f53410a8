"""The app's URLs plus ``/bench-bare/``: a constant redirect with no database, for comparison."""

from django.http import HttpResponseRedirect
from django.urls import path
from django.views.decorators.http import require_GET

from ambassador.urls import urlpatterns as app_urlpatterns


@require_GET
def bare_redirect(request):
    return HttpResponseRedirect("https://www.example.com/news/launch")


urlpatterns = [path("bench-bare/", bare_redirect), *app_urlpatterns]
