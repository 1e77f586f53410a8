"""Writes about people: language and profile, social profiles, sessions, the admin role,
deactivation and reactivation."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.audit import AuditAction
from accounts.connections.services import connections_offboard
from accounts.models import FollowerReading, SocialProfile, User
from accounts.services.audit import audit_record
from accounts.services.errors import RoleError


def user_set_language(*, user: User, language: str) -> User:
    if language not in User.Language.values:
        raise ValueError(language)
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, language: str, time_zone: str) -> User:
    user.display_name = display_name.strip()
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=["display_name", "language", "time_zone"])
    return user


@transaction.atomic
def social_profile_save(
    *, user: User, network: str, handle: str, instance_url: str, followers_count: int
) -> SocialProfile:
    profile, _created = SocialProfile.objects.update_or_create(
        user=user,
        network=network,
        defaults={
            "handle": handle.strip(),
            "instance_url": instance_url.strip(),
            "followers_count": followers_count,
        },
    )
    FollowerReading.objects.create(
        user=user,
        network=network,
        followers=followers_count,
        source=FollowerReading.Source.TYPED,
    )
    return profile


@transaction.atomic
def social_profile_delete(*, user: User, profile_id: int) -> int:
    deleted, _details = SocialProfile.objects.filter(user=user, pk=profile_id).delete()
    return deleted


def _end_sessions(user: User) -> None:
    """End every session of ``user`` now: the session hash changes and stored sessions go."""
    user.security_stamp = User._meta.get_field("security_stamp").get_default()
    user.save(update_fields=["security_stamp"])
    for session in UserSession.objects.filter(user=user):
        session.end()


@transaction.atomic
def user_end_other_sessions(*, user: User, request=None) -> None:
    """After an MFA change: every other session of ``user`` ends; this one stays signed in."""
    current = request.session.session_key if request is not None else None
    for session in UserSession.objects.filter(user=user).exclude(session_key=current or ""):
        session.end()
    user.security_stamp = User._meta.get_field("security_stamp").get_default()
    user.save(update_fields=["security_stamp"])
    if request is not None and getattr(request, "user", None) == user:
        update_session_auth_hash(request, user)


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Offboard ``user``: never a hard delete; their sessions end at once."""
    if user.pk == by.pk:
        raise RoleError(_("You cannot deactivate yourself."))
    if not user.is_active:
        return user
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    _end_sessions(user)
    connections_offboard(user=user, by=by)
    audit_record(actor=by, action=AuditAction.USER_DEACTIVATED, target=user)
    selectors.access_forget()
    return user


@transaction.atomic
def user_reactivate(*, user: User, by: User) -> User:
    if user.is_active:
        return user
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])
    audit_record(actor=by, action=AuditAction.USER_REACTIVATED, target=user)
    selectors.access_forget()
    return user


@transaction.atomic
def user_set_admin(*, user: User, is_admin: bool, by: User) -> User:
    if user.pk == by.pk and not is_admin:
        raise RoleError(_("You cannot remove your own admin role."))
    if user.is_admin == is_admin:
        return user
    user.is_admin = is_admin
    user.save(update_fields=["is_admin"])
    audit_record(
        actor=by,
        action=AuditAction.ROLE_CHANGED,
        target=user,
        detail={"role": "admin", "granted": is_admin},
    )
    selectors.access_forget()
    return user


@transaction.atomic
def user_set_company_curator(*, user: User, company_curator: bool, by: User) -> User:
    """Name ``user`` a company-wide curator (or no longer): as a manager they then also edit
    and approve content aimed at everyone."""
    if user.company_curator == company_curator:
        return user
    user.company_curator = company_curator
    user.save(update_fields=["company_curator"])
    audit_record(
        actor=by,
        action=AuditAction.ROLE_CHANGED,
        target=user,
        detail={"role": "company_curator", "granted": company_curator},
    )
    selectors.access_forget()
    return user
