"""The kinds of audit events. Other apps add theirs here, never free text."""

from django.db import models


class AuditAction(models.TextChoices):
    LOGIN = "LOGIN", "login"
    LOGIN_FAILED = "LOGIN_FAILED", "login failed"
    LOGOUT = "LOGOUT", "logout"
    SIGNUP = "SIGNUP", "signup"
    PASSWORD_CHANGED = "PASSWORD_CHANGED", "password changed"
    MFA_CHANGED = "MFA_CHANGED", "MFA changed"
    ROLE_CHANGED = "ROLE_CHANGED", "role changed"
    TEAM_CHANGED = "TEAM_CHANGED", "team changed"
    INVITATION_SENT = "INVITATION_SENT", "invitation sent"
    USER_DEACTIVATED = "USER_DEACTIVATED", "person deactivated"
    USER_REACTIVATED = "USER_REACTIVATED", "person reactivated"
    ACCESS_DENIED = "ACCESS_DENIED", "access denied"
    SETTINGS_CHANGED = "SETTINGS_CHANGED", "settings changed"
    CONTENT_APPROVED = "CONTENT_APPROVED", "content approved"
    CONTENT_REJECTED = "CONTENT_REJECTED", "content rejected"
    CONTENT_CHANGES_REQUESTED = "CONTENT_CHANGES_REQUESTED", "content changes requested"
    CONTENT_ARCHIVED = "CONTENT_ARCHIVED", "content archived"
    GUIDELINES_PUBLISHED = "GUIDELINES_PUBLISHED", "guidelines published"
    GUIDELINES_ACKNOWLEDGED = "GUIDELINES_ACKNOWLEDGED", "guidelines acknowledged"
    EXPORT = "EXPORT", "export"
    INVITATION_ACCEPTED = "INVITATION_ACCEPTED", "invitation accepted"
    INVITATION_REVOKED = "INVITATION_REVOKED", "invitation revoked"
