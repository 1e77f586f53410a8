"""Writes of the accounts app, one module per entity: ``audit`` (the audit log and "deny
and 404"), ``users`` (profiles, sessions, roles, offboarding), ``teams`` (teams and
memberships) and ``invitations`` (signup domains and invitations). Keyword-only, atomic.
Notifications are written by ``accounts.notifications``, connected accounts by
``accounts.connections.services``."""

from accounts.services.audit import (
    access_denied_record,
    audit_event,
    audit_record,
    deny_and_404,
    login_rate_limited_record,
    single_line,
    tried_email_label,
)
from accounts.services.errors import AccountsError, InvitationError, RoleError, TeamError
from accounts.services.invitations import (
    CSV_MAX_ROWS,
    INVITATION_VALID_FOR,
    ImportReport,
    ImportRow,
    allowed_domain_add,
    allowed_domain_remove,
    domain_is_allowed,
    email_domain,
    invitation_accept,
    invitation_create,
    invitation_find_valid,
    invitation_mark_sent,
    invitation_revoke,
    invitation_send,
    invitations_import_csv,
    normalise_domain,
)
from accounts.services.teams import membership_remove, membership_set, team_create, team_update
from accounts.services.users import (
    social_profile_delete,
    social_profile_save,
    user_deactivate,
    user_end_other_sessions,
    user_reactivate,
    user_set_admin,
    user_set_company_curator,
    user_set_language,
    user_update_profile,
)

__all__ = [
    "CSV_MAX_ROWS",
    "INVITATION_VALID_FOR",
    "AccountsError",
    "ImportReport",
    "ImportRow",
    "InvitationError",
    "RoleError",
    "TeamError",
    "access_denied_record",
    "allowed_domain_add",
    "allowed_domain_remove",
    "audit_event",
    "audit_record",
    "deny_and_404",
    "domain_is_allowed",
    "email_domain",
    "invitation_accept",
    "invitation_create",
    "invitation_find_valid",
    "invitation_mark_sent",
    "invitation_revoke",
    "invitation_send",
    "invitations_import_csv",
    "login_rate_limited_record",
    "membership_remove",
    "membership_set",
    "normalise_domain",
    "single_line",
    "social_profile_delete",
    "social_profile_save",
    "team_create",
    "team_update",
    "tried_email_label",
    "user_deactivate",
    "user_end_other_sessions",
    "user_reactivate",
    "user_set_admin",
    "user_set_company_curator",
    "user_set_language",
    "user_update_profile",
]
