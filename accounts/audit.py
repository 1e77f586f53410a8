"""The kinds of audit events. Other apps add theirs here, never free text."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "LOGIN", _("login")
    LOGIN_FAILED = "LOGIN_FAILED", _("login failed")
    LOGIN_RATE_LIMITED = "LOGIN_RATE_LIMITED", _("login refused: too many attempts")
    LOGOUT = "LOGOUT", _("logout")
    SIGNUP = "SIGNUP", _("signup")
    PASSWORD_CHANGED = "PASSWORD_CHANGED", _("password changed")
    MFA_CHANGED = "MFA_CHANGED", _("MFA changed")
    ROLE_CHANGED = "ROLE_CHANGED", _("role changed")
    TEAM_CHANGED = "TEAM_CHANGED", _("team changed")
    INVITATION_SENT = "INVITATION_SENT", _("invitation sent")
    USER_DEACTIVATED = "USER_DEACTIVATED", _("person deactivated")
    USER_REACTIVATED = "USER_REACTIVATED", _("person reactivated")
    ACCESS_DENIED = "ACCESS_DENIED", _("access denied")
    SETTINGS_CHANGED = "SETTINGS_CHANGED", _("settings changed")
    CONTENT_APPROVED = "CONTENT_APPROVED", _("content approved")
    CONTENT_REJECTED = "CONTENT_REJECTED", _("content rejected")
    CONTENT_CHANGES_REQUESTED = "CONTENT_CHANGES_REQUESTED", _("content changes requested")
    CONTENT_ARCHIVED = "CONTENT_ARCHIVED", _("content archived")
    GUIDELINES_PUBLISHED = "GUIDELINES_PUBLISHED", _("guidelines published")
    GUIDELINES_ACKNOWLEDGED = "GUIDELINES_ACKNOWLEDGED", _("guidelines acknowledged")
    EXPORT = "EXPORT", _("export")
    CONTENT_CREATED = "CONTENT_CREATED", _("content created")
    CONTENT_SUBMITTED = "CONTENT_SUBMITTED", _("content submitted for review")
    CONTENT_EDITED = "CONTENT_EDITED", _("content edited")
    CONTENT_SUGGESTED = "CONTENT_SUGGESTED", _("content suggested")
    CONTENT_URL_CHANGED = "CONTENT_URL_CHANGED", _("URL of approved content changed")
    COMMENT_REMOVED = "COMMENT_REMOVED", _("comment removed")
    INVITATION_ACCEPTED = "INVITATION_ACCEPTED", _("invitation accepted")
    INVITATION_REVOKED = "INVITATION_REVOKED", _("invitation revoked")
    CONNECTION_ADDED = "CONNECTION_ADDED", _("account connected")
    CONNECTION_REMOVED = "CONNECTION_REMOVED", _("account disconnected")
    CONTENT_ANNOUNCED = "CONTENT_ANNOUNCED", _("featured content announced")
