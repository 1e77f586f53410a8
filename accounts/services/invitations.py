"""Who may join: allowed signup domains, invitations one by one or from a CSV file, and
their emails."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.audit import AuditAction
from accounts.models import AllowedDomain, AuditEvent, Invitation, Team, TeamMembership, User
from accounts.services.audit import audit_event, audit_record, single_line
from accounts.services.errors import InvitationError

INVITATION_VALID_FOR = timedelta(days=14)
CSV_MAX_ROWS = 5000


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
    from accounts import tasks  # noqa: PLC0415 — accounts.tasks imports these services

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
        shown = single_line(cells[0])
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
                unknown = single_line(cells[1], 120)
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
        audit_event(
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
