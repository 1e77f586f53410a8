"""People and teams: the custom user (email login), teams in a tree, memberships with the
manager role, and a person's social profiles."""

import re
import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from ambassador.networks import Network


def _new_security_stamp() -> str:
    return secrets.token_hex(16)


def name_from_email(email: str) -> str:
    """A readable name made from an address's local part: "kari.nordmann+x@…" -> "Kari
    Nordmann". Only letters survive (digits and symbols are dropped); "" when none do."""
    local = email.partition("@")[0].partition("+")[0]
    words = ("".join(ch for ch in word if ch.isalpha()) for word in re.split(r"[._\-]+", local))
    return " ".join(word[0].upper() + word[1:] for word in words if word)[:150]


class UserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_admin", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_admin", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An employee. Email is the login; there are no usernames."""

    class Language(models.TextChoices):
        EN = "en", _("English")
        NB = "nb", _("Norwegian Bokmål")

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, blank=True
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Oslo")
    is_active = models.BooleanField(_("active"), default=True)
    is_admin = models.BooleanField(
        _("programme admin"),
        default=False,
        help_text=_("Admins edit the programme, the library, training, teams and people."),
    )
    company_curator = models.BooleanField(
        _("company-wide curator"),
        default=False,
        help_text=_(
            "A manager who may also edit and approve content aimed at everyone (admins always may)."
        ),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    # Part of the session hash: changing it ends every session of this person at once.
    security_stamp = models.CharField(max_length=32, default=_new_security_stamp, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """How this person is shown to colleagues: the display name, else a name made from
        the address ("Kari Nordmann"), else "a colleague" — never the address itself."""
        if self.display_name.strip():
            return self.display_name
        return name_from_email(self.email) or pgettext("person without a name", "a colleague")

    @property
    def is_staff(self) -> bool:
        """Only programme admins reach the Django admin."""
        return self.is_active and self.is_admin

    def has_perm(self, perm, obj=None) -> bool:
        if self.is_active and self.is_admin:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if self.is_active and self.is_admin:
            return True
        return super().has_module_perms(app_label)

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.security_stamp}",
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)


class TeamQuerySet(models.QuerySet):
    def managed_by(self, user):
        return self.filter(memberships__user=user, memberships__is_manager=True)


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="accounts_team_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    """A person in a team; ``is_manager`` makes them one of the team's managers."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    is_manager = models.BooleanField(_("manager"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="accounts_membership_unique"),
        ]
        indexes = [models.Index(fields=["user", "is_manager"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class SocialProfile(models.Model):
    """A person's presence on one network: handle, instance and follower count.

    Follower counts are entered by the person (or the demo) until connected accounts
    collect them from the network's API.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_profiles"
    )
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    # Mastodon: the person's own instance, e.g. https://mastodon.social
    instance_url = models.URLField(_("instance URL"), blank=True)
    followers_count = models.PositiveIntegerField(_("followers"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("social profile")
        verbose_name_plural = _("social profiles")
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="accounts_profile_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.get_network_display()}"
