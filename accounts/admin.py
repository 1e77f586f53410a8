from django.contrib import admin

from accounts.models import (
    AllowedDomain,
    AuditEvent,
    Connection,
    Invitation,
    Notification,
    SocialProfile,
    Team,
    TeamMembership,
    User,
)
from ambassador.admin import ReadOnlyAdminMixin


class MembershipInline(admin.TabularInline):
    """Read-only here: roles change on the person's page in the app, which audits them."""

    model = TeamMembership
    extra = 0
    fields = ["team", "is_manager", "joined_at"]
    readonly_fields = ["team", "is_manager", "joined_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "display_name", "is_admin", "is_active", "date_joined"]
    list_filter = ["is_admin", "is_active", "language"]
    search_fields = ["email", "display_name"]
    ordering = ["email"]
    exclude = ["password", "security_stamp", "user_permissions", "groups", "last_login"]
    # Roles and offboarding go through the app's People pages: audited, sessions ended.
    readonly_fields = ["is_admin", "is_superuser", "is_active", "date_joined", "deactivated_at"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        # Offboarding deactivates; a hard delete would break history.
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]


@admin.register(SocialProfile)
class SocialProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "network", "followers_count"]
    list_filter = ["network"]
    search_fields = ["user__email"]
    ordering = ["user__email"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["at", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label"]
    ordering = ["-at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "title", "created_at", "read_at"]
    ordering = ["-created_at"]


@admin.register(AllowedDomain)
class AllowedDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "created_at", "created_by"]
    search_fields = ["domain"]
    ordering = ["domain"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        # Domains are compared in lower case (and the database insists on it).
        obj.domain = obj.domain.strip().lower()
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are created in the app (People → Invite), which also sends the email."""

    list_display = ["email", "team", "created_at", "sent_at", "accepted_at", "revoked_at"]
    list_filter = ["team"]
    search_fields = ["email"]
    ordering = ["-created_at"]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Connection)
class ConnectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Connections are made and ended by the person; tokens are never shown (they are not
    editable fields, so the admin has no widget for them)."""

    list_display = ["user", "network", "handle", "state", "expires_at", "followers_count"]
    list_filter = ["network", "state"]
    search_fields = ["user__email", "handle"]
    ordering = ["user__email", "network"]
    fields = [
        "user",
        "network",
        "state",
        "handle",
        "remote_id",
        "service_url",
        "scopes",
        "token_expires_at",
        "expires_at",
        "followers_count",
        "followers_read_at",
        "last_error",
        "connected_at",
    ]
