"""Writes for people, teams, audit and notifications. Keyword-only, atomic."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NoReturn

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.audit import AuditAction
from accounts.models import (
    AllowedDomain,
    AuditEvent,
    FollowerReading,
    Invitation,
    Notification,
    SocialProfile,
    Team,
    TeamMembership,
    User,
)

INVITATION_VALID_FOR = timedelta(days=14)
CSV_MAX_ROWS = 5000


class AccountsError(Exception):
    """An expected failure in a people or team operation; the message is for people."""


class InvitationError(AccountsError):
    pass


class TeamError(AccountsError):
    pass


class RoleError(AccountsError):
    pass


def _single_line(value: str, limit: int = 254) -> str:
    """Audit labels are one line: a CR/LF in a name must not forge an entry."""
    return " ".join(str(value).split())[:limit]


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    event = _audit_event(actor=actor, action=action, target=target, detail=detail)
    event.save(force_insert=True)
    return event


def _audit_event(
    *,
    actor: User | None,
    action: AuditAction | str,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved audit row: ``audit_record`` saves one, bulk work saves many in one query."""
    action = AuditAction(action)
    actor_label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = actor.email
    else:
        actor = None
    return AuditEvent(
        actor=actor,
        actor_label=_single_line(actor_label),
        action=action.value,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=_single_line(_audit_label(target)) if target is not None else "",
        detail=detail or {},
    )


def _audit_label(target: models.Model) -> str:
    # Admins read the audit log: a person without a display name is named by their
    # address there, not by the name colleagues see.
    if isinstance(target, User):
        return target.display_name or target.email
    return str(target)


def access_denied_record(
    *, actor: User | None, path: str, target: models.Model | None = None
) -> AuditEvent:
    """Someone asked for something they may not see or change: record it (the caller then
    answers 404 as if it did not exist)."""
    return audit_record(
        actor=actor, action=AuditAction.ACCESS_DENIED, target=target, detail={"path": path[:200]}
    )


def tried_email_label(value: str) -> str:
    """The address a login tried, for the audit log: kept only if it is one, since people
    type their password into the email field by mistake."""
    tried = str(value or "").strip()
    try:
        validate_email(tried)
    except ValidationError:
        return "(invalid)"
    return tried[:254]


def login_rate_limited_record(*, email: str) -> AuditEvent:
    """A login refused by the rate limit before any password was checked: record which
    account was tried (when it exists) and the address, nothing else."""
    tried = tried_email_label(email)
    account = None
    if tried != "(invalid)":
        account = User.objects.filter(email__iexact=tried).first()
    return audit_record(
        actor=None,
        action=AuditAction.LOGIN_RATE_LIMITED,
        target=account,
        detail={"email": tried},
    )


def deny_and_404(*, request, target: models.Model | None = None) -> NoReturn:
    """Refuse ``request`` as if ``target`` did not exist (404), and audit the attempt.

    The one way a view says "not yours": the audit row is written (autocommit, so it stays
    even though the request fails), then ``Http404`` is raised."""
    access_denied_record(actor=request.user, path=request.path, target=target)
    raise Http404


def notification_create(
    *, recipient: User, kind: str, title: str, body: str = "", url: str = ""
) -> Notification:
    return Notification.objects.create(
        recipient=recipient, kind=kind, title=title[:200], body=body, url=url
    )


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one notification (or all) of ``user`` read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def user_set_language(*, user: User, language: str) -> User:
    if language not in User.Language.values:
        raise ValueError(language)
    user.language = language
    user.save(update_fields=["language"])
    return user


# --- Profiles ----------------------------------------------------------------------------


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


# --- Roles, offboarding ------------------------------------------------------------------


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
    # accounts.connections.services builds on this module (audit, notifications).
    from accounts.connections.services import connections_offboard

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


# --- Teams -------------------------------------------------------------------------------


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


# --- Signup domains and invitations ------------------------------------------------------


def normalise_domain(value: str) -> str:
    return value.strip().lower().lstrip("@").rstrip(".")


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def domain_is_allowed(*, email: str) -> bool:
    domain = email_domain(email)
    return bool(domain) and AllowedDomain.objects.filter(domain=domain).exists()


@transaction.atomic
def allowed_domain_add(*, domain: str, by: User) -> AllowedDomain:
    domain = normalise_domain(domain)
    allowed, created = AllowedDomain.objects.get_or_create(
        domain=domain, defaults={"created_by": by}
    )
    if created:
        audit_record(
            actor=by,
            action=AuditAction.SETTINGS_CHANGED,
            target=allowed,
            detail={"allowed_domain": domain, "added": True},
        )
    return allowed


@transaction.atomic
def allowed_domain_remove(*, domain_id: int, by: User) -> None:
    allowed = AllowedDomain.objects.filter(pk=domain_id).first()
    if allowed is None:
        return
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=allowed,
        detail={"allowed_domain": allowed.domain, "added": False},
    )
    allowed.delete()


def _invitation_email(value: str) -> str:
    """The address to invite, lower-cased; an ``InvitationError`` when it is not one."""
    email = value.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvitationError(_("Enter a valid email address.")) from exc
    if len(email) > Invitation._meta.get_field("email").max_length:
        raise InvitationError(_("Enter a valid email address."))
    return email


def _invitations_send_after_commit(invitation_ids: list[int]) -> None:
    """Enqueue the invitation emails once the rows are committed: one message for a single
    invitation, one fan-out message for a bulk import (enqueuing thousands of messages
    would take the request longer than the import itself)."""
    from accounts import tasks  # accounts.tasks imports this module

    if len(invitation_ids) == 1:
        transaction.on_commit(lambda: tasks.send_invitation.delay(invitation_ids[0]))
    elif invitation_ids:
        transaction.on_commit(lambda: tasks.send_invitations.delay(invitation_ids))


@transaction.atomic
def invitation_create(*, email: str, team: Team | None, invited_by: User) -> Invitation:
    """Invite one address; the email goes out from a Celery task after commit."""
    email = _invitation_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationError(_("This person already has an account."))
    if Invitation.objects.pending().filter(email__iexact=email).exists():
        raise InvitationError(_("This address has already been invited."))
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                email=email,
                team=team,
                invited_by=invited_by,
                expires_at=timezone.now() + INVITATION_VALID_FOR,
            )
    except IntegrityError as exc:
        raise InvitationError(_("This address has already been invited.")) from exc
    audit_record(
        actor=invited_by,
        action=AuditAction.INVITATION_SENT,
        target=invitation,
        detail={"team": team.pk if team else None},
    )
    _invitations_send_after_commit([invitation.pk])
    return invitation


@dataclass
class ImportRow:
    line: int
    email: str
    ok: bool
    reason: str = ""


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def imported(self) -> list[ImportRow]:
        return [row for row in self.rows if row.ok]

    @property
    def rejected(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]


def invitations_import_csv(*, text: str, invited_by: User) -> ImportReport:
    """Invite everyone in a CSV of ``email`` and optional ``team`` (the team's name or slug).

    A bad row is reported with its line number and reason; the good rows are imported
    together. The cost does not grow with the file: the teams, the existing accounts and the
    open invitations are read in one query each, the invitations and their audit rows are
    inserted in one query each.
    """
    report = ImportReport()
    teams_by_key: dict[str, Team] = {}
    for team in Team.objects.all():
        teams_by_key[team.slug.lower()] = team
        teams_by_key.setdefault(team.name.strip().lower(), team)

    # Rows that passed the checks needing no database, with the address and team to invite.
    candidates: list[tuple[ImportRow, str, Team | None]] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    index = -1
    while True:
        index += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            report.rows.append(
                ImportRow(
                    reader.line_num,
                    "",
                    False,
                    _(
                        "This line is not readable CSV (a cell longer than %(limit)s characters,"
                        " or broken quotes); the rest of the file was not read."
                    )
                    % {"limit": number_format(csv.field_size_limit(), force_grouping=True)},
                )
            )
            break
        line = reader.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if index == 0 and cells[0].lower() in {"email", "e-mail", "e-post", "epost"}:
            continue
        shown = _single_line(cells[0])
        if len(report.rows) >= CSV_MAX_ROWS:
            report.rows.append(
                ImportRow(line, shown, False, _("Too many rows; the rest was not read."))
            )
            break
        team = None
        team_key = cells[1].lower() if len(cells) > 1 else ""
        if team_key:
            team = teams_by_key.get(team_key)
            if team is None:
                unknown = _single_line(cells[1], 120)
                report.rows.append(ImportRow(line, shown, False, _("Unknown team: %s") % unknown))
                continue
        try:
            email = _invitation_email(cells[0])
        except InvitationError as exc:
            report.rows.append(ImportRow(line, shown, False, str(exc)))
            continue
        result = ImportRow(line, email, True)
        report.rows.append(result)
        candidates.append((result, email, team))

    for _attempt in range(2):
        try:
            _invitations_create_many(candidates, invited_by=invited_by)
        except IntegrityError:
            # Someone invited one of these addresses meanwhile: check again, once.
            continue
        break
    else:
        for result, _email, _team in candidates:
            if result.ok:
                result.ok, result.reason = False, _("This address has already been invited.")
    return report


@transaction.atomic
def _invitations_create_many(
    candidates: list[tuple[ImportRow, str, Team | None]], *, invited_by: User
) -> None:
    """Invite the rows of ``candidates`` that are still ``ok`` and mark the others."""
    emails = {email for _row, email, _team in candidates}
    has_account = set(
        User.objects.annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    invited = set(
        Invitation.objects.pending()
        .annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    expires_at = timezone.now() + INVITATION_VALID_FOR
    new: list[Invitation] = []
    for row, email, team in candidates:
        if not row.ok:
            continue
        if email in has_account:
            row.ok, row.reason = False, _("This person already has an account.")
        elif email in invited:
            row.ok, row.reason = False, _("This address has already been invited.")
        else:
            invited.add(email)
            new.append(
                Invitation(email=email, team=team, invited_by=invited_by, expires_at=expires_at)
            )
    if not new:
        return
    Invitation.objects.bulk_create(new)
    AuditEvent.objects.bulk_create(
        _audit_event(
            actor=invited_by,
            action=AuditAction.INVITATION_SENT,
            target=invitation,
            detail={"team": invitation.team_id},
        )
        for invitation in new
    )
    _invitations_send_after_commit([invitation.pk for invitation in new])


@transaction.atomic
def invitation_mark_sent(*, invitation_id: int) -> bool:
    """Claim the invitation for sending: True for exactly one caller."""
    return bool(
        Invitation.objects.pending()
        .filter(pk=invitation_id, sent_at__isnull=True)
        .update(sent_at=timezone.now())
    )


def invitation_send(*, invitation_id: int) -> bool:
    """Send the invitation email once. Returns whether an email went out."""
    invitation = (
        Invitation.objects.pending()
        .select_related("invited_by", "team")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return False
    with transaction.atomic():
        if not invitation_mark_sent(invitation_id=invitation.pk):
            return False
        language = (invitation.invited_by.language if invitation.invited_by else "") or "en"
        with translation.override(language):
            context = {
                "invitation": invitation,
                "url": settings.SITE_URL
                + reverse("accounts:invitation_accept", args=[invitation.token]),
            }
            subject = " ".join(
                render_to_string("accounts/email/invitation_subject.txt", context).split()
            )
            body = render_to_string("accounts/email/invitation_message.txt", context)
        # Inside the claim's transaction: if sending fails, the claim rolls back and a retry
        # may send it again.
        send_mail(subject, body, None, [invitation.email])
    return True


def invitation_find_valid(*, token: str) -> Invitation | None:
    if not token:
        return None
    return Invitation.objects.valid().select_related("team").filter(token=token).first()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Invitation:
    """Mark ``invitation`` used by ``user`` and put them in the invitation's team."""
    claimed = (
        Invitation.objects.pending()
        .filter(pk=invitation.pk)
        .update(accepted_at=timezone.now(), accepted_by=user)
    )
    if not claimed:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.team_id:
        TeamMembership.objects.get_or_create(team_id=invitation.team_id, user=user)
    audit_record(actor=user, action=AuditAction.INVITATION_ACCEPTED, target=invitation)
    selectors.access_forget()
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    Invitation.objects.pending().filter(pk=invitation.pk).update(revoked_at=timezone.now())
    audit_record(actor=by, action=AuditAction.INVITATION_REVOKED, target=invitation)
