from django.contrib import admin

# --- Sharing and tracked links (read-only: shares and counts are facts, not settings) -------
# Raw click events and the visitor-hash salts are deliberately not in the admin.
from posts.models import Share, ShareDailyClicks


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Share)
class ShareAdmin(_ReadOnlyAdmin):
    list_display = ["created_at", "user", "item", "network", "followers_at_share", "code"]
    list_filter = ["network"]
    list_select_related = ["user", "item"]
    search_fields = ["user__email", "item__title", "code"]
    date_hierarchy = "created_at"


@admin.register(ShareDailyClicks)
class ShareDailyClicksAdmin(_ReadOnlyAdmin):
    list_display = ["day", "share", "clicks", "unique_visitors"]
    list_select_related = ["share__user", "share__item"]
    date_hierarchy = "day"
