"""Reads about people and teams that other apps use."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Team, TeamMembership, User


def team_descendant_ids(*, team_ids: set[int]) -> set[int]:
    """The given teams and every team below them (one query per level of depth)."""
    found = set(team_ids)
    frontier = set(team_ids)
    while frontier:
        frontier = (
            set(Team.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        )
        found |= frontier
    return found


def teams_managed_by(*, user: User) -> QuerySet[Team]:
    """Teams ``user`` manages, including their sub-teams. Admins manage every team."""
    if not user.is_authenticated or not user.is_active:
        return Team.objects.none()
    if user.is_admin:
        return Team.objects.all()
    direct = set(
        TeamMembership.objects.filter(user=user, is_manager=True).values_list("team_id", flat=True)
    )
    return Team.objects.filter(id__in=team_descendant_ids(team_ids=direct))


def user_team_ids(*, user: User) -> set[int]:
    """The teams ``user`` is a member of (managers included)."""
    return set(TeamMembership.objects.filter(user=user).values_list("team_id", flat=True))


def user_is_manager(*, user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return TeamMembership.objects.filter(user=user, is_manager=True).exists()


def users_managed_by(*, user: User) -> QuerySet[User]:
    """Active people in the teams ``user`` manages (including sub-teams)."""
    teams = teams_managed_by(user=user)
    return User.objects.active().filter(memberships__team__in=teams).distinct()


def user_has_mfa(*, user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
