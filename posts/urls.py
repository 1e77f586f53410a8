from django.urls import path

from posts.views import library, sharing  # noqa: F401

app_name = "posts"

# --- Content library: feed, curation, suggestions, RSS feeds, comments ----------------------
library_patterns: list = []


# --- Sharing: share flow, my shares -----------------------------------------------------------
sharing_patterns: list = [
    path("items/<int:pk>/share/", sharing.share, name="share"),
    path("items/<int:pk>/share/submit/", sharing.share_submit, name="share_submit"),
    path("items/<int:pk>/share/check/", sharing.share_check, name="share_check"),
    path("shares/<int:pk>/", sharing.share_done, name="share_done"),
    path("my-shares/", sharing.my_shares, name="my_shares"),
]


urlpatterns = library_patterns + sharing_patterns
