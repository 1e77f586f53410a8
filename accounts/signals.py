"""Audit rows for authentication events that Django and allauth announce as signals,
and masking of the client address allauth keeps per session."""

import ipaddress

from allauth.account.signals import (
    password_changed,
    password_reset,
    password_set,
    user_signed_up,
)
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from accounts.audit import AuditAction
from accounts.services import audit_record, tried_email_label, user_end_other_sessions


@receiver(user_logged_in, dispatch_uid="accounts.audit_login")
def _on_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGIN, target=user)


@receiver(user_logged_out, dispatch_uid="accounts.audit_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, target=user)


@receiver(user_login_failed, dispatch_uid="accounts.audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password.
    tried = credentials.get("email") or credentials.get("username") or ""
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        detail={"email": tried_email_label(tried)},
    )


@receiver(user_signed_up, dispatch_uid="accounts.audit_signup")
def _on_signup(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.SIGNUP, target=user)


@receiver(password_changed, dispatch_uid="accounts.audit_password_changed")
@receiver(password_set, dispatch_uid="accounts.audit_password_set")
@receiver(password_reset, dispatch_uid="accounts.audit_password_reset")
def _on_password(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user)


def _mfa_event(change: str):
    def handler(sender, request, user, authenticator, **kwargs):
        audit_record(
            actor=user,
            action=AuditAction.MFA_CHANGED,
            target=user,
            detail={"change": change, "type": authenticator.type},
        )
        # A changed second factor ends every other session of this person.
        user_end_other_sessions(user=user, request=request)

    return handler


_on_mfa_added = _mfa_event("added")
_on_mfa_removed = _mfa_event("removed")
_on_mfa_reset = _mfa_event("reset")
authenticator_added.connect(_on_mfa_added, dispatch_uid="accounts.audit_mfa_added")
authenticator_removed.connect(_on_mfa_removed, dispatch_uid="accounts.audit_mfa_removed")
authenticator_reset.connect(_on_mfa_reset, dispatch_uid="accounts.audit_mfa_reset")


# --- No raw client address is stored ------------------------------------------------------
# allauth.usersessions keeps the address a session was started from, to show people their
# sessions ("signed in from ..."). A full address is personal data we have no use for: keep
# only the network (/24 for IPv4, /48 for IPv6), which still tells a person roughly where a
# session came from. Per-IP rate limits are unaffected: they read REMOTE_ADDR on each request
# and keep it only in a short-lived cache key (Redis), never in the database.
IPV4_PREFIX = 24
IPV6_PREFIX = 48


def mask_ip(address: str | None) -> str | None:
    """The network address of ``address``: 203.0.113.77 -> 203.0.113.0."""
    if not address:
        return address
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


@receiver(pre_save, sender=UserSession, dispatch_uid="accounts.mask_usersession_ip")
def _mask_usersession_ip(sender, instance, **kwargs):
    instance.ip = mask_ip(instance.ip) or str(ipaddress.IPv4Address(0))
