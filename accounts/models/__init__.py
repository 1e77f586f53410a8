"""Models of the accounts app, one module per entity."""

from accounts.models.audit import AuditEvent
from accounts.models.connections import (
    CONNECTABLE_NETWORKS,
    NETWORKS_WITH_APP_CREDENTIALS,
    Connection,
    ConnectionAttempt,
    FollowerReading,
    MastodonApp,
    NetworkApp,
)
from accounts.models.invitations import AllowedDomain, Invitation, _new_invitation_token
from accounts.models.notifications import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    REMINDER_SCHEDULE_ID,
    DigestFrequency,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
    NotificationSetting,
    ReminderSchedule,
    _default_quiet_end,
    _default_quiet_start,
)
from accounts.models.users import (
    SocialProfile,
    Team,
    TeamMembership,
    User,
    UserManager,
    _new_security_stamp,
    name_from_email,
)
from accounts.models.webhooks import TeamWebhook, WebhookMessage

__all__ = [
    "CONNECTABLE_NETWORKS",
    "DEFAULT_QUIET_END",
    "DEFAULT_QUIET_START",
    "NETWORKS_WITH_APP_CREDENTIALS",
    "REMINDER_SCHEDULE_ID",
    "AllowedDomain",
    "AuditEvent",
    "Connection",
    "ConnectionAttempt",
    "DigestFrequency",
    "FollowerReading",
    "Invitation",
    "MastodonApp",
    "NetworkApp",
    "Notification",
    "NotificationChannel",
    "NotificationKind",
    "NotificationPreference",
    "NotificationSetting",
    "ReminderSchedule",
    "SocialProfile",
    "Team",
    "TeamMembership",
    "TeamWebhook",
    "User",
    "UserManager",
    "WebhookMessage",
    "name_from_email",
    # The migrations name these defaults by this module's path.
    "_default_quiet_end",
    "_default_quiet_start",
    "_new_invitation_token",
    "_new_security_stamp",
]
