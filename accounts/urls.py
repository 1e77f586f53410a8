from django.urls import path

from accounts import views
from accounts.connections import views as connection_views
from accounts.notifications import views as notification_views

app_name = "accounts"

urlpatterns = [
    path("", views.people_list, name="people"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("<int:pk>/admin-role/", views.person_set_admin, name="person_set_admin"),
    path(
        "<int:pk>/company-curator/",
        views.person_set_company_curator,
        name="person_set_company_curator",
    ),
    path("<int:pk>/teams/", views.person_membership_set, name="person_membership_set"),
    path(
        "<int:pk>/teams/<int:team_pk>/remove/",
        views.person_membership_remove,
        name="person_membership_remove",
    ),
    path("invite/", views.invite, name="invite"),
    path("invite/upload/", views.invite_upload, name="invite_upload"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/accept/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("domains/", views.domains, name="domains"),
    path("domains/<int:pk>/remove/", views.domain_remove, name="domain_remove"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("me/", views.profile, name="profile"),
    path("me/social/", views.social_profile_save, name="social_profile_save"),
    path("me/social/<int:pk>/delete/", views.social_profile_delete, name="social_profile_delete"),
    path("me/connections/", connection_views.connections, name="connections"),
    path("me/connections/bluesky/", connection_views.bluesky_connect, name="bluesky_connect"),
    path(
        "me/connections/<slug:network>/connect/",
        connection_views.connection_start,
        name="connection_start",
    ),
    path(
        "me/connections/<slug:network>/callback/",
        connection_views.connection_callback,
        name="connection_callback",
    ),
    path(
        "me/connections/<slug:network>/disconnect/",
        connection_views.connection_disconnect,
        name="connection_disconnect",
    ),
    path("connections/settings/", connection_views.network_settings, name="network_settings"),
    path("notifications/", notification_views.inbox, name="notifications"),
    path("notifications/read/", notification_views.mark_read, name="notifications_mark_read"),
    path(
        "me/notifications/settings/",
        notification_views.settings_page,
        name="notification_settings",
    ),
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("reminders/", notification_views.reminders, name="reminders"),
    path("reminders/schedule/", notification_views.reminders_schedule, name="reminders_schedule"),
    path("reminders/test/", notification_views.reminders_test, name="reminders_test"),
    path(
        "reminders/preview/<str:kind>/<str:language>/",
        notification_views.reminders_preview,
        name="reminders_preview",
    ),
    path("reminders/webhooks/", notification_views.webhook_add, name="webhook_add"),
    path(
        "reminders/webhooks/<int:pk>/remove/",
        notification_views.webhook_remove,
        name="webhook_remove",
    ),
    path("reminders/webhooks/<int:pk>/test/", notification_views.webhook_test, name="webhook_test"),
    path("audit/", views.audit_log, name="audit_log"),
    path("language/", views.set_language, name="set_language"),
]
