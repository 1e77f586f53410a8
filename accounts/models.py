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

from ambassador.fields import EncryptedTextField
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


class AuditEvent(models.Model):
    """An append-only record of a security-relevant event: who, what, when (UTC).

    Never updated or deleted by the application. ``action`` is one of ``AuditAction``.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=254, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    @property
    def action_label(self) -> str:
        """The translated name of ``action``; an unknown code is shown as it is."""
        from accounts.audit import AuditAction

        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notification in a person's inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


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


# --- Connected accounts ----------------------------------------------------------------------
#
# A person connects their own account on a network so that the app can post for them and
# read back engagement and followers. Tokens are encrypted at rest (ambassador.fields); the
# connect flows live in accounts/connections/. SocialProfile stays the person's public
# presence (handle, instance, follower count) that the share flow reads; connecting an
# account keeps it up to date.


# The networks a person can connect; Facebook offers individuals no posting API.
CONNECTABLE_NETWORKS = (Network.MASTODON, Network.BLUESKY, Network.LINKEDIN, Network.X)
# Networks whose app an admin registers with the network and enters in Ambassador.
NETWORKS_WITH_APP_CREDENTIALS = (Network.LINKEDIN, Network.X)


class NetworkApp(models.Model):
    """A programme's settings for one network: switched on or off by an admin, and the app
    credentials the admin entered for the networks that need them (LinkedIn, X)."""

    class Availability(models.TextChoices):
        AVAILABLE = "AVAILABLE", _("available")
        OFF = "OFF", _("switched off by your programme")
        NOT_SET_UP = "NOT_SET_UP", _("not set up by your programme")
        UNAVAILABLE = "UNAVAILABLE", _("not available")

    network = models.CharField(_("network"), max_length=16, choices=Network.choices, unique=True)
    enabled = models.BooleanField(_("connections allowed"), default=True)
    client_id = models.CharField(_("client ID"), max_length=200, blank=True)
    client_secret = EncryptedTextField(_("client secret"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("network app")
        verbose_name_plural = _("network apps")

    def __str__(self) -> str:
        return self.get_network_display()

    def __repr__(self) -> str:
        return f"<NetworkApp {self.network}>"

    @property
    def availability(self) -> str:
        if self.network not in CONNECTABLE_NETWORKS:
            return self.Availability.UNAVAILABLE
        if not self.enabled:
            return self.Availability.OFF
        if self.network in NETWORKS_WITH_APP_CREDENTIALS and not (
            self.client_id and self.client_secret
        ):
            return self.Availability.NOT_SET_UP
        return self.Availability.AVAILABLE


class MastodonApp(models.Model):
    """The app's registration on one Mastodon instance (POST /api/v1/apps), made the first
    time someone from that instance connects and reused after."""

    instance_url = models.URLField(_("instance URL"), unique=True)
    client_id = models.CharField(max_length=200)
    client_secret = EncryptedTextField()
    redirect_uri = models.URLField(max_length=500)
    scopes = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Mastodon app registration")
        verbose_name_plural = _("Mastodon app registrations")

    def __str__(self) -> str:
        return self.instance_url

    def __repr__(self) -> str:
        return f"<MastodonApp {self.instance_url}>"


class ConnectionQuerySet(models.QuerySet):
    def live(self):
        """Connections that hold tokens (working, or waiting for the person to reconnect)."""
        return self.exclude(state=Connection.State.DISCONNECTED)

    def usable(self):
        return self.filter(state=Connection.State.CONNECTED)


class Connection(models.Model):
    """One person's connected account on one network."""

    class State(models.TextChoices):
        CONNECTED = "CONNECTED", _("connected")
        RECONNECT_NEEDED = "RECONNECT_NEEDED", _("reconnect needed")
        DISCONNECTED = "DISCONNECTED", _("disconnected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connections"
    )
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.CONNECTED
    )
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    # The account's id on the network (Mastodon account id, Bluesky DID, LinkedIn sub, X id).
    remote_id = models.CharField(max_length=200, blank=True)
    # Mastodon: the instance; Bluesky: the PDS; empty for LinkedIn and X.
    service_url = models.URLField(_("server"), max_length=300, blank=True)
    scopes = models.CharField(max_length=300, blank=True)
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField()
    # When the access token runs out (refreshed before then where the network allows).
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # When the connection itself runs out and the person must connect again (LinkedIn's
    # 60 days); empty when a refresh keeps it alive.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    followers_count = models.PositiveIntegerField(_("followers"), null=True, blank=True)
    followers_read_at = models.DateTimeField(null=True, blank=True)
    # Beat reads followers daily; a network that refused is not asked before this.
    next_followers_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=300, blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("connected account")
        verbose_name_plural = _("connected accounts")
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="accounts_connection_unique"),
            # One account on a network belongs to one employee at a time.
            models.UniqueConstraint(
                fields=["network", "service_url", "remote_id"],
                condition=~models.Q(state="DISCONNECTED"),
                name="accounts_connection_remote_unique",
            ),
        ]
        indexes = [models.Index(fields=["network", "state", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.get_network_display()}"

    def __repr__(self) -> str:
        # Never the tokens.
        return f"<Connection {self.pk} {self.network} {self.state}>"

    @property
    def is_connected(self) -> bool:
        return self.state == self.State.CONNECTED


class FollowerReading(models.Model):
    """A dated follower count of one person on one network: read from the network's API or
    typed in by the person. History is kept; the latest is the current count."""

    class Source(models.TextChoices):
        API = "API", _("read from the network")
        TYPED = "TYPED", _("typed in")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_readings"
    )
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    followers = models.PositiveIntegerField(_("followers"))
    source = models.CharField(max_length=8, choices=Source.choices)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follower reading")
        verbose_name_plural = _("follower readings")
        indexes = [models.Index(fields=["user", "network", "-read_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.network} {self.followers} @ {self.read_at:%Y-%m-%d}"


class ConnectionAttempt(models.Model):
    """One started connect flow: the OAuth ``state`` and PKCE verifier it must come back
    with. Claimed once with a conditional UPDATE, so a replayed callback links nothing."""

    state = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16, choices=Network.choices)
    code_verifier = EncryptedTextField()
    redirect_uri = models.URLField(max_length=500)
    service_url = models.URLField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("connection attempt")
        verbose_name_plural = _("connection attempts")

    def __str__(self) -> str:
        return f"{self.user} → {self.network}"

    def __repr__(self) -> str:
        return f"<ConnectionAttempt {self.pk} {self.network}>"
