"""Getting in: signup domains, invitations, SSO, enumeration safety, rate limits, redirects."""

import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from accounts.adapters import INVITATION_SESSION_KEY, SocialAccountAdapter
from accounts.audit import AuditAction
from accounts.models import AuditEvent, Invitation, User
from tests.accounts.factories import AllowedDomainFactory, InvitationFactory
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "a-long-new-password-42"


def _signup(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


# --- Signup domains ------------------------------------------------------------------------


def test_signup_disallowed_domain_refused_and_nothing_created(client, db):
    AllowedDomainFactory(domain="acme.test")
    response = _signup(client, "mallory@gmail.test")
    assert response.status_code == 200
    errors = response.context["form"].errors["email"]
    assert errors == [
        "Email address: people with an address at gmail.test cannot sign up here. "
        "Use your work address, or ask your programme admin for an invitation."
    ]
    assert not User.objects.filter(email="mallory@gmail.test").exists()
    assert mail.outbox == []


def test_signup_disallowed_domain_message_in_norwegian(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@gmail.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        headers={"Accept-Language": "nb"},
    )
    assert "kan ikke registrere seg her" in response.content.decode()


def test_signup_allowed_domain_creates_unverified_user_and_sends_email(client, db):
    AllowedDomainFactory(domain="acme.test")
    response = _signup(client, "Nora@Acme.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nora@acme.test")
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action=AuditAction.SIGNUP, actor=user).count() == 1


def test_signup_subdomain_of_allowed_domain_refused(client, db):
    AllowedDomainFactory(domain="acme.test")
    _signup(client, "eve@evil.acme.test")
    assert not User.objects.filter(email="eve@evil.acme.test").exists()


def test_unverified_user_cannot_log_in(client, db):
    AllowedDomainFactory(domain="acme.test")
    _signup(client, "nora@acme.test")
    client.logout()
    client.post(reverse("account_login"), {"login": "nora@acme.test", "password": NEW_PASSWORD})
    assert client.get(reverse("home")).status_code == 302


# --- Invitations ---------------------------------------------------------------------------


def test_invitation_link_opens_signup_for_invited_address(client, personas):
    invitation = InvitationFactory(email="guest@elsewhere.test", team=personas.team_a)
    response = client.get(reverse("accounts:invitation_accept", args=[invitation.token]))
    assert response["Location"] == reverse("account_signup")
    response = _signup(client, "guest@elsewhere.test")
    assert response.status_code == 302
    user = User.objects.get(email="guest@elsewhere.test")
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert list(user.teams.all()) == [personas.team_a]
    # The link came by email, so the address is verified without a second email.
    assert EmailAddress.objects.get(user=user).verified is True


def test_invitation_does_not_open_signup_for_another_address(client, db):
    invitation = InvitationFactory(email="guest@elsewhere.test")
    client.get(reverse("accounts:invitation_accept", args=[invitation.token]))
    response = _signup(client, "friend@elsewhere.test")
    assert "email" in response.context["form"].errors
    assert not User.objects.filter(email="friend@elsewhere.test").exists()


def test_revoked_invitation_link_is_refused(client, db):
    from django.utils import timezone

    invitation = InvitationFactory(revoked_at=timezone.now())
    response = client.get(reverse("accounts:invitation_accept", args=[invitation.token]))
    assert response.status_code == 404
    assert INVITATION_SESSION_KEY not in client.session


def test_unknown_invitation_token_is_404(client, db):
    response = client.get(reverse("accounts:invitation_accept", args=["nope"]))
    assert response.status_code == 404


def test_invite_one_person_creates_invitation_and_audit(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("accounts:invite"), {"email": "new@elsewhere.test", "team": personas.team_b.pk}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.team) == ("new@elsewhere.test", personas.team_b)
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_SENT).count() == 1


def test_invite_existing_person_refused_with_field_error(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("accounts:invite"), {"email": personas.employee.email})
    assert response.context["form"].errors["email"] == ["This person already has an account."]
    assert not Invitation.objects.exists()


def test_invite_by_manager_forbidden(client, personas):
    client.force_login(personas.manager_a)
    response = client.post(reverse("accounts:invite"), {"email": "x@elsewhere.test"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_invitation_email_enqueued_only_after_commit(personas, django_capture_on_commit_callbacks):
    from accounts.services import invitation_create

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation_create(email="later@elsewhere.test", team=None, invited_by=personas.admin)
    assert len(callbacks) == 1


def test_invitation_send_marks_sent_and_emails_once(personas):
    from accounts.services import invitation_send

    invitation = InvitationFactory(email="guest@elsewhere.test", invited_by=personas.admin)
    assert invitation_send(invitation_id=invitation.pk) is True
    assert invitation_send(invitation_id=invitation.pk) is False
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    assert mail.outbox[0].to == ["guest@elsewhere.test"]


# --- SSO just-in-time creation -------------------------------------------------------------


def _sso_request(client_session=None):
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/accounts/oidc/login/callback/")
    request.session = client_session or SessionStore()
    request.user = None
    return request


def _sociallogin(email):
    return SocialLogin(
        user=User(email=email), account=SocialAccount(provider="openid_connect", uid=email)
    )


def test_sso_signup_refused_for_disallowed_domain(db):
    AllowedDomainFactory(domain="acme.test")
    request = _sso_request()
    with pytest.raises(ImmediateHttpResponse) as raised:
        SocialAccountAdapter(request).is_open_for_signup(request, _sociallogin("x@gmail.test"))
    assert raised.value.response.status_code == 403
    assert "gmail.test" in raised.value.response.content.decode()
    assert not User.objects.filter(email="x@gmail.test").exists()


def test_sso_signup_open_for_allowed_domain(db):
    AllowedDomainFactory(domain="acme.test")
    request = _sso_request()
    adapter = SocialAccountAdapter(request)
    assert adapter.is_open_for_signup(request, _sociallogin("kari@acme.test")) is True


# --- Enumeration safety --------------------------------------------------------------------


def _login(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_login_wrong_password_same_answer_for_known_and_unknown(client, personas):
    known = _login(client, personas.employee.email, "wrong-password-1")
    unknown = _login(client, "nobody@example.com", "wrong-password-1")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


def test_signup_existing_email_same_answer_as_new(client, personas):
    AllowedDomainFactory(domain="example.com")
    existing = _signup(client, personas.employee.email)
    client.logout()
    new = _signup(client, "brand-new@example.com")
    assert existing.status_code == new.status_code == 302
    assert existing["Location"] == new["Location"]


def test_password_reset_same_answer_for_known_and_unknown(client, personas):
    known = client.post(reverse("account_reset_password"), {"email": personas.employee.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_password_reset_works_for_invited_person_outside_allowed_domains(client, db):
    UserFactory(email="guest@elsewhere.test")
    client.post(reverse("account_reset_password"), {"email": "guest@elsewhere.test"})
    assert len(mail.outbox) == 1


# --- Login redirects -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["//evil.test/", "/\\evil.test/", "https:evil.test", "https://evil.test/"]
)
def test_login_next_to_other_site_goes_to_default_landing(client, personas, target):
    response = client.post(
        reverse("account_login") + "?next=" + target,
        {"login": personas.employee.email, "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_next_on_this_site_is_followed(client, personas):
    response = client.post(
        reverse("account_login"),
        {"login": personas.employee.email, "password": PASSWORD, "next": "/people/me/"},
    )
    assert response["Location"] == "/people/me/"


# --- Rate limits ---------------------------------------------------------------------------


def test_failed_logins_rate_limited_per_account(client, personas):
    for _ in range(5):
        _login(client, personas.employee.email, "wrong-password-1")
    response = _login(client, personas.employee.email, PASSWORD)
    assert response.context["form"].non_field_errors() == [
        "Too many failed login attempts. Try again later."
    ]
    assert "_auth_user_id" not in client.session


def test_failed_logins_rate_limited_per_ip_despite_spoofed_forwarded_for(client, personas):
    for n in range(10):
        _login(
            client,
            f"nobody{n}@example.com",
            "wrong-password-1",
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        )
    response = _login(
        client, personas.employee.email, PASSWORD, headers={"X-Forwarded-For": "198.51.100.7"}
    )
    assert response.context["form"].non_field_errors() == [
        "Too many failed login attempts. Try again later."
    ]
    assert "_auth_user_id" not in client.session


def test_rate_limited_login_is_audited_against_the_tried_account(client, personas):
    for _ in range(5):
        _login(client, personas.employee.email, "wrong-password-1")
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN_RATE_LIMITED).exists()

    _login(client, personas.employee.email, PASSWORD)

    event = AuditEvent.objects.get(action=AuditAction.LOGIN_RATE_LIMITED)
    assert event.actor is None
    assert event.target_type == "accounts.user"
    assert event.target_id == str(personas.employee.pk)
    assert event.detail == {"email": personas.employee.email}
    assert PASSWORD not in str(event.detail) and PASSWORD not in event.target_label
    # Refused before the password was checked: no "login failed" row for this attempt.
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 5


def test_rate_limited_login_for_an_unknown_address_is_audited_without_an_account(client, personas):
    for n in range(10):
        _login(client, f"nobody{n}@example.com", "wrong-password-1")

    _login(client, "nobody-else@example.com", "wrong-password-1")

    event = AuditEvent.objects.get(action=AuditAction.LOGIN_RATE_LIMITED)
    assert event.target_type == ""
    assert event.target_id == ""
    assert event.detail == {"email": "nobody-else@example.com"}


def test_django_admin_login_is_rate_limited_like_the_rest(client, personas):
    # The admin's own login form is never reached: allauth's is, with its limits.
    for _ in range(5):
        _login(client, personas.admin.email, "wrong-password-1")
    response = client.post(
        "/django-admin/login/", {"username": personas.admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


# --- Audit of authentication events --------------------------------------------------------


def test_login_and_logout_are_audited(client, personas):
    _login(client, personas.employee.email, PASSWORD)
    client.post(reverse("account_logout"))
    actions = list(
        AuditEvent.objects.filter(actor=personas.employee)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.LOGIN, AuditAction.LOGOUT]


def test_failed_login_is_audited_without_password(client, personas):
    _login(client, personas.employee.email, "wrong-password-1")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.detail == {"email": personas.employee.email}
    assert "wrong-password-1" not in str(event.detail)


def test_mfa_added_is_audited(personas):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.signals import authenticator_added

    authenticator = Authenticator.objects.filter(user=personas.admin).first()
    authenticator_added.send(
        sender=Authenticator, request=None, user=personas.admin, authenticator=authenticator
    )
    event = AuditEvent.objects.get(action=AuditAction.MFA_CHANGED)
    assert event.detail == {"change": "added", "type": "totp"}


def test_audit_event_cannot_be_updated_or_deleted_in_database(personas):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    from accounts.services import audit_record

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL")
    event = audit_record(actor=personas.admin, action=AuditAction.LOGIN)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="LOGOUT")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


# allauth announces MFA changes after commit: a transactional test sees that as in production.
@pytest.mark.django_db(transaction=True)
def test_mfa_change_ends_other_sessions_but_keeps_this_one(personas):
    from django.test import Client

    this, other = Client(), Client()
    for client in (this, other):
        _login(client, personas.employee.email, PASSWORD)
        assert client.get(reverse("home")).status_code == 200
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    this.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = this.get(reverse("mfa_activate_totp")).context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = this.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    changes = AuditEvent.objects.filter(action=AuditAction.MFA_CHANGED)
    assert {event.detail["type"] for event in changes} == {"totp", "recovery_codes"}
    assert this.get(reverse("home")).status_code == 200
    assert other.get(reverse("home")).status_code == 302
