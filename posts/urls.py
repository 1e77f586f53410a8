from django.urls import path  # noqa: F401

from posts.views import library, sharing  # noqa: F401

app_name = "posts"

# --- Content library: feed, curation, suggestions, RSS feeds, comments ----------------------
library_patterns: list = []


# --- Sharing: share flow, my shares -----------------------------------------------------------
sharing_patterns: list = []


urlpatterns = library_patterns + sharing_patterns
