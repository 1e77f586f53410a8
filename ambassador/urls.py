from functools import wraps

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounts.decorators import mfa_gate
from ambassador import health, views
from posts.tracked_links import ROUTE_PREFIX as TRACKED_LINK_PREFIX
from posts.urls import metrics_patterns
from posts.views import clicks as posts_clicks

# The Django admin logs in through allauth: the same rate limits and MFA apply.
admin.site.login = secure_admin_login(admin.site.login)
_admin_view = admin.site.admin_view


def _admin_view_behind_staff_mfa(view, cacheable=False):
    """Every Django admin page also needs MFA when ``REQUIRE_STAFF_MFA`` is on."""
    inner = _admin_view(view, cacheable)

    @wraps(inner)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff:
            gate = mfa_gate(request)
            if gate is not None:
                return gate
        return inner(request, *args, **kwargs)

    return wrapper


admin.site.admin_view = _admin_view_behind_staff_mfa
admin.site.site_header = "Ambassador"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path(f"{TRACKED_LINK_PREFIX}<str:code>", posts_clicks.tracked_link, name="tracked_link"),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("library/", include("posts.urls")),
    path("programme/", include("training.urls")),
    path("metrics/", include((metrics_patterns, "metrics"))),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploads (content images, link previews saved by the worker). In production set
    # SERVE_MEDIA=true when no other server in front answers /media/.
    urlpatterns += [path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", views.media)]
