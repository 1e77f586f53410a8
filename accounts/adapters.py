"""allauth hooks: who may sign up, and what happens when they do.

Self-signup is open only to addresses on an allowed signup domain, or to the address an
admin invited (the invitation link puts its token in the session). Single sign-on creates
accounts just in time only for allowed domains (or a valid invitation).
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import services
from accounts.models import Invitation, User

INVITATION_SESSION_KEY = "accounts_invitation_token"


def session_invitation(request) -> Invitation | None:
    if request is None or not hasattr(request, "session"):
        return None
    return services.invitation_find_valid(token=request.session.get(INVITATION_SESSION_KEY, ""))


def may_sign_up(request, email: str) -> bool:
    """An allowed domain, or the very address of the invitation in this session."""
    email = (email or "").strip().lower()
    if not email:
        return False
    if services.domain_is_allowed(email=email):
        return True
    invitation = session_invitation(request)
    return invitation is not None and invitation.email.lower() == email


def domain_refused_message(email: str) -> str:
    return _(
        "Email address: people with an address at %(domain)s cannot sign up here. "
        "Use your work address, or ask your programme admin for an invitation."
    ) % {"domain": services.email_domain(email) or "?"}


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        """allauth refuses a rate-limited login here, before any password is checked (so
        Django sends no "login failed" signal): leave an audit row for it."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            services.login_rate_limited_record(
                email=credentials.get("email") or credentials.get("username") or ""
            )
            raise

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            _accept_session_invitation(request, user)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        email = user_email(sociallogin.user) or ""
        if not email and sociallogin.email_addresses:
            email = sociallogin.email_addresses[0].email
        if not may_sign_up(request, email):
            raise ImmediateHttpResponse(
                render(
                    request,
                    "accounts/signup_refused.html",
                    {"message": domain_refused_message(email)},
                    status=403,
                )
            )
        return super().is_open_for_signup(request, sociallogin)

    def populate_user(self, request, sociallogin, data):
        """A person created at first sign-in gets the name the identity provider sends."""
        user = super().populate_user(request, sociallogin, data)
        if not user.display_name:
            user.display_name = sso_display_name(data)
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        _accept_session_invitation(request, user)
        return user


def sso_display_name(data: dict) -> str:
    """The person's name from the provider's claims: OpenID Connect's ``name``, else given
    and family name; for SAML the attributes mapped to ``name`` or ``first_name`` and
    ``last_name``. One line, at most as long as the field."""
    name = str(data.get("name") or "").strip()
    if not name:
        parts = (data.get("first_name"), data.get("last_name"))
        name = " ".join(str(part).strip() for part in parts if part and str(part).strip())
    limit = User._meta.get_field("display_name").max_length
    return " ".join(name.split())[:limit]


def _accept_session_invitation(request, user) -> None:
    invitation = session_invitation(request)
    if invitation is None or invitation.email.lower() != user.email.lower():
        return
    try:
        services.invitation_accept(invitation=invitation, user=user)
    except services.InvitationError:
        return
    request.session.pop(INVITATION_SESSION_KEY, None)
