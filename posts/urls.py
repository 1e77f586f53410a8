from django.urls import path

from posts.views import comments, content, feeds, metrics, reminders, shares

app_name = "posts"

# The tracked link /r/<code> is mounted at the site root (ambassador/urls.py).
urlpatterns: list = [
    # Content: the feed, item pages, curation, suggestions
    path("", content.feed, name="feed"),
    path("items/new/", content.item_create, name="item_create"),
    path("items/<int:pk>/", content.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", content.item_edit, name="item_edit"),
    path("items/<int:pk>/preview/", content.item_preview, name="item_preview"),
    path("items/<int:pk>/submit/", content.item_submit, name="item_submit"),
    path("items/<int:pk>/approve/", content.item_approve, name="item_approve"),
    path("items/<int:pk>/reject/", content.item_reject, name="item_reject"),
    path(
        "items/<int:pk>/request-changes/",
        content.item_request_changes,
        name="item_request_changes",
    ),
    path("items/<int:pk>/archive/", content.item_archive, name="item_archive"),
    path("review/", content.review, name="review"),
    path("review/bulk/", content.review_bulk, name="review_bulk"),
    path("suggest/", content.suggest, name="suggest"),
    path("suggestions/", content.my_suggestions, name="my_suggestions"),
    path("suggestions/<int:pk>/edit/", content.suggestion_edit, name="suggestion_edit"),
    # Comments
    path("items/<int:pk>/comments/", comments.comment_create, name="comment_create"),
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/remove/", comments.comment_remove, name="comment_remove"),
    # Feeds
    path("feeds/", feeds.feeds, name="feeds"),
    # Shares
    path("items/<int:pk>/share/", shares.share, name="share"),
    path("items/<int:pk>/share/submit/", shares.share_submit, name="share_submit"),
    path("items/<int:pk>/share/check/", shares.share_check, name="share_check"),
    path("shares/<int:pk>/", shares.share_done, name="share_done"),
    path("shares/<int:pk>/post-url/", shares.share_post_url, name="share_post_url"),
    path("shares/<int:pk>/cancel/", shares.share_cancel, name="share_cancel"),
    path("shares/<int:pk>/retry/", shares.share_retry, name="share_retry"),
    path("shares/failed/", shares.failed_shares, name="failed_shares"),
    path("my-shares/", shares.my_shares, name="my_shares"),
    # Reminders: the digest's share link, announcing a featured item
    path("from-digest/<str:token>/", reminders.digest_share, name="digest_share"),
    path("items/<int:pk>/announce/", reminders.item_announce, name="item_announce"),
]


# Reach metrics, mounted at /metrics/ by the project's URLconf (namespace "metrics").
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
