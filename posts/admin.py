from django.contrib import admin

from ambassador.admin import ReadOnlyAdminMixin
from posts.forms import FeedAdminForm
from posts.models import Caption, Comment, ContentItem, Feed, Share, ShareDailyClicks, Topic

# --- Content library -------------------------------------------------------------------------
# Curation happens in the app (workflow services with validation and audit); the admin
# manages topics and RSS/Atom feeds, and only SHOWS items, captions and comments: adding,
# changing or deleting them here would bypass the workflow, its checks and the audit log.


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    form = FeedAdminForm
    list_display = [
        "name",
        "url",
        "trusted",
        "daily_max",
        "is_active",
        "status",
        "failure_count",
        "last_error",
        "last_fetched_at",
        "next_fetch_at",
    ]
    list_filter = ["status", "trusted", "is_active"]
    search_fields = ["name", "url"]
    fields = [
        "name",
        "url",
        "trusted",
        "daily_max",
        "is_active",
        "topics",
        "status",
        "last_error",
        "failure_count",
        "last_fetched_at",
        "next_fetch_at",
    ]
    readonly_fields = ["status", "last_error", "failure_count", "last_fetched_at"]
    filter_horizontal = ["topics"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class CaptionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Caption
    extra = 0


@admin.register(ContentItem)
class ContentItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "featured",
        "target_everyone",
        "publish_at",
        "expire_at",
        "created_at",
    ]
    list_filter = ["status", "featured", "target_everyone", "topics"]
    search_fields = ["title", "url"]
    readonly_fields = [
        "status",
        "approved_by",
        "approved_at",
        "created_by",
        "suggested_by",
        "feed",
        "feed_guid",
    ]
    raw_id_fields = ["target_teams"]
    inlines = [CaptionInline]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["item", "author", "created_at", "removed_at"]
    raw_id_fields = ["item", "author", "removed_by"]
    readonly_fields = ["removed_at", "removed_by"]


# --- Sharing and tracked links (read-only: shares and counts are facts, not settings) -------
# Raw click events and the visitor-hash salts are deliberately not in the admin.


@admin.register(Share)
class ShareAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "user", "item", "network", "followers_at_share", "code"]
    list_filter = ["network"]
    list_select_related = ["user", "item"]
    search_fields = ["user__email", "item__title", "code"]
    date_hierarchy = "created_at"


@admin.register(ShareDailyClicks)
class ShareDailyClicksAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "share", "clicks", "unique_visitors"]
    list_select_related = ["share__user", "share__item"]
    date_hierarchy = "day"
