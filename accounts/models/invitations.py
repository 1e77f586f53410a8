"""Who may join: allowed signup domains and invitations."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.users import Team


def _new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class AllowedDomain(models.Model):
    """An email domain whose people may sign up on their own (and through SSO)."""

    domain = models.CharField(_("domain"), max_length=253, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("allowed signup domain")
        verbose_name_plural = _("allowed signup domains")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")), name="accounts_domain_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return self.domain


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def valid(self):
        return self.pending().filter(expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An admin's invitation for one email address, optionally into a team.

    The link in the invitation email carries ``token``; following it lets that address
    sign up even when its domain is not an allowed signup domain.
    """

    email = models.EmailField(_("email address"))
    token = models.CharField(max_length=64, unique=True, default=_new_invitation_token)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="accounts_invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.email
