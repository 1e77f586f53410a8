from django.urls import path

from posts.views import library, metrics, sharing

app_name = "posts"

# --- Content library: feed, curation, suggestions, RSS feeds, comments ----------------------
library_patterns: list = [
    path("", library.feed, name="feed"),
    path("items/new/", library.item_create, name="item_create"),
    path("items/<int:pk>/", library.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", library.item_edit, name="item_edit"),
    path("items/<int:pk>/preview/", library.item_preview, name="item_preview"),
    path("items/<int:pk>/submit/", library.item_submit, name="item_submit"),
    path("items/<int:pk>/approve/", library.item_approve, name="item_approve"),
    path("items/<int:pk>/reject/", library.item_reject, name="item_reject"),
    path(
        "items/<int:pk>/request-changes/",
        library.item_request_changes,
        name="item_request_changes",
    ),
    path("items/<int:pk>/archive/", library.item_archive, name="item_archive"),
    path("items/<int:pk>/comments/", library.comment_create, name="comment_create"),
    path("comments/<int:pk>/edit/", library.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/remove/", library.comment_remove, name="comment_remove"),
    path("review/", library.review, name="review"),
    path("review/bulk/", library.review_bulk, name="review_bulk"),
    path("suggest/", library.suggest, name="suggest"),
    path("suggestions/", library.my_suggestions, name="my_suggestions"),
    path("suggestions/<int:pk>/edit/", library.suggestion_edit, name="suggestion_edit"),
    path("feeds/", library.feeds, name="feeds"),
]


# --- Sharing: share flow, my shares -----------------------------------------------------------
sharing_patterns: list = [
    path("items/<int:pk>/share/", sharing.share, name="share"),
    path("items/<int:pk>/share/submit/", sharing.share_submit, name="share_submit"),
    path("items/<int:pk>/share/check/", sharing.share_check, name="share_check"),
    path("shares/<int:pk>/", sharing.share_done, name="share_done"),
    path("my-shares/", sharing.my_shares, name="my_shares"),
]


urlpatterns = library_patterns + sharing_patterns


# --- Reach metrics, mounted at /metrics/ by the project's URLconf (namespace "metrics") ---------
metrics_patterns: list = [
    path("", metrics.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", metrics.export, name="export"),
    path("me/", metrics.your_reach, name="me"),
    path("me/export/<slug:table>.csv", metrics.your_export, name="me_export"),
    path("me/data.json", metrics.personal_data, name="personal_data"),
    path("people/<int:pk>/", metrics.person, name="person"),
    path("definitions/", metrics.definitions, name="definitions"),
    path("leaderboard/", metrics.leaderboard, name="leaderboard"),
    path("leaderboard/opt-in/", metrics.opt_in, name="opt_in"),
    path("calculator/", metrics.calculator, name="calculator"),
    path("manage/rates/", metrics.rates, name="rates"),
    path("manage/rates/<int:pk>/delete/", metrics.rate_delete, name="rate_delete"),
    path("manage/points/", metrics.points, name="points"),
]
