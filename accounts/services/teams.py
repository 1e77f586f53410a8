"""Writes about teams and who is in them: creating and moving teams, memberships and the
manager role."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.audit import AuditAction
from accounts.models import Team, TeamMembership, User
from accounts.services.audit import audit_record
from accounts.services.errors import TeamError


def _unique_team_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:100] or "team"
    slug, n = base, 2
    taken = Team.objects.exclude(pk=exclude_pk).filter(slug__startswith=base)
    existing = set(taken.values_list("slug", flat=True))
    while slug in existing:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_parent(team: Team | None, parent: Team | None) -> None:
    if parent is None or team is None or team.pk is None:
        return
    if parent.pk in selectors.team_descendant_ids(team_ids={team.pk}):
        raise TeamError(_("A team cannot sit below itself or one of its sub-teams."))


@transaction.atomic
def team_create(*, name: str, parent: Team | None, by: User) -> Team:
    team = Team.objects.create(name=name.strip(), slug=_unique_team_slug(name), parent=parent)
    audit_record(actor=by, action=AuditAction.TEAM_CHANGED, target=team, detail={"created": True})
    selectors.access_forget()
    return team


@transaction.atomic
def team_update(*, team: Team, name: str, parent: Team | None, by: User) -> Team:
    _check_parent(team, parent)
    team.name = name.strip()
    team.parent = parent
    team.save(update_fields=["name", "parent"])
    audit_record(
        actor=by,
        action=AuditAction.TEAM_CHANGED,
        target=team,
        detail={"parent": parent.pk if parent else None},
    )
    selectors.access_forget()
    return team


@transaction.atomic
def membership_set(*, user: User, team: Team, is_manager: bool, by: User) -> TeamMembership:
    """Put ``user`` in ``team``, as one of its managers or not."""
    membership, created = TeamMembership.objects.get_or_create(
        team=team, user=user, defaults={"is_manager": is_manager}
    )
    changed_role = not created and membership.is_manager != is_manager
    if changed_role:
        membership.is_manager = is_manager
        membership.save(update_fields=["is_manager"])
    if created:
        audit_record(
            actor=by,
            action=AuditAction.TEAM_CHANGED,
            target=user,
            detail={"team": team.pk, "joined": True},
        )
    if changed_role or (created and is_manager):
        audit_record(
            actor=by,
            action=AuditAction.ROLE_CHANGED,
            target=user,
            detail={"role": "manager", "team": team.pk, "granted": is_manager},
        )
    selectors.access_forget()
    return membership


@transaction.atomic
def membership_remove(*, user: User, team: Team, by: User) -> None:
    deleted, _details = TeamMembership.objects.filter(team=team, user=user).delete()
    if deleted:
        audit_record(
            actor=by,
            action=AuditAction.TEAM_CHANGED,
            target=user,
            detail={"team": team.pk, "joined": False},
        )
        selectors.access_forget()
