from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.static import serve

# Uploads are images; anything else a file might claim to be is downloaded, never rendered.
INLINE_MEDIA_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@login_required
@require_GET
def home(request):
    return render(request, "home.html")


@require_GET
def media(request, path: str):
    """Uploaded files from MEDIA_ROOT, for a deployment without a separate file server.

    Mounted when ``DEBUG`` or ``SERVE_MEDIA`` is on. Media is public (link previews and
    content images are shown to anyone holding the page), so no login is asked. A file is
    sandboxed: it can never run script in our origin, whatever its content.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    if response.get("Content-Type", "").split(";")[0] not in INLINE_MEDIA_TYPES:
        response["Content-Disposition"] = "attachment"
    return response
