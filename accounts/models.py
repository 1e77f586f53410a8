import datetime
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
    def inbox(self):
        """What the in-app inbox shows: a person may turn the in-app channel off per kind."""
        return self.filter(in_app=True)

    def unread(self):
        return self.inbox().filter(read_at__isnull=True)


class Notification(models.Model):
    """One notification to one person: shown in the in-app inbox and, per the person's
    preferences, sent by email.

    Reminders carry a ``subject`` (what it is about, e.g. ``training.module:3``) and a
    ``period`` (which occurrence, e.g. the digest's week): the database keeps one row per
    (recipient, kind, subject, period), so a reminder created twice exists once. The email
    channel is claimed for sending with a conditional UPDATE on ``email_state``.
    """

    class EmailState(models.TextChoices):
        NONE = "NONE", _("Not by email")
        PENDING = "PENDING", _("Waiting")
        SENDING = "SENDING", _("Sending")
        SENT = "SENT", _("Sent")
        FAILED = "FAILED", _("Failed")
        SKIPPED = "SKIPPED", _("Skipped")
        DROPPED = "DROPPED", _("Dropped, too late")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # What a kind needs to render its email later (e.g. the digest's item ids).
    data = models.JSONField(default=dict, blank=True)
    in_app = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.NONE
    )
    # Not before this (quiet hours), and not after ``email_expires_at`` (a stale digest).
    email_due_at = models.DateTimeField(null=True, blank=True)
    email_expires_at = models.DateTimeField(null=True, blank=True)
    # Handed to a worker at; a lost task (a flushed broker) is handed over again later.
    email_queued_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject", "period"],
                condition=~models.Q(period=""),
                name="accounts_notification_once_per_period",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(fields=["recipient", "kind", "-created_at"]),
            models.Index(
                fields=["email_state", "email_due_at"],
                condition=models.Q(email_state__in=["PENDING", "SENDING"]),
                name="accounts_notif_email_due",
            ),
        ]

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


# --- Reminders and notification preferences ------------------------------------------------


class NotificationKind(models.TextChoices):
    """What a notification is about; preferences are kept per kind and channel.

    The last three values predate this list: in-app notices already carried them.
    """

    DIGEST = "DIGEST", _("Weekly digest")
    TRAINING_DUE = "TRAINING_DUE", _("Training due")
    GUIDELINES = "training.guidelines_published", _("Guidelines to acknowledge")
    NUDGE = "NUDGE", _("Gentle nudges")
    FEATURED = "FEATURED", _("New featured items")
    CONNECTION = "CONNECTION", _("Connections expiring or broken")
    SCHEDULED_POST = "SCHEDULED_POST", _("Scheduled posts published or failed")
    SUGGESTION = "content_review", _("Review of your suggestions")
    THREAD_REPLY = "content_comment", _("Comments on your content")


class NotificationChannel(models.TextChoices):
    EMAIL = "EMAIL", _("Email")
    IN_APP = "IN_APP", _("In the app")


class DigestFrequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("Weekly")
    BIWEEKLY = "BIWEEKLY", _("Every two weeks")
    OFF = "OFF", _("Off")


def _default_quiet_start() -> datetime.time:
    return datetime.time(21, 0)


def _default_quiet_end() -> datetime.time:
    return datetime.time(7, 0)


class NotificationSetting(models.Model):
    """A person's digest frequency and quiet hours (in their own time zone).

    No row means the defaults: a weekly digest, quiet from 21:00 to 07:00.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting"
    )
    digest_frequency = models.CharField(
        _("digest"), max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    # Both empty: no quiet hours.
    quiet_hours_start = models.TimeField(
        _("quiet from"), null=True, blank=True, default=_default_quiet_start
    )
    quiet_hours_end = models.TimeField(
        _("quiet until"), null=True, blank=True, default=_default_quiet_end
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | models.Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False),
                name="accounts_quiet_hours_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.digest_frequency}"


class NotificationPreference(models.Model):
    """A person's choice for one kind on one channel, where it differs from the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64, choices=NotificationKind.choices)
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="accounts_notification_pref_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.channel} {self.enabled}"


REMINDER_SCHEDULE_ID = 1


class ReminderSchedule(models.Model):
    """The one row (id 1) where an admin sets when the weekly digest goes out.

    The day and time are read in each person's own time zone.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    digest_weekday = models.PositiveSmallIntegerField(
        _("digest day"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_time = models.TimeField(_("digest time"), default=datetime.time(8, 0))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedule")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=REMINDER_SCHEDULE_ID),
                name="accounts_reminder_schedule_single",
            ),
            models.CheckConstraint(
                condition=models.Q(digest_weekday__lte=6), name="accounts_reminder_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Reminder schedule"))


class TeamWebhook(models.Model):
    """A Slack or Microsoft Teams incoming webhook of one team; the URL is a secret and is
    stored encrypted (``ambassador.crypto``)."""

    class Service(models.TextChoices):
        SLACK = "SLACK", _("Slack")
        TEAMS = "TEAMS", _("Microsoft Teams")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="webhooks")
    service = models.CharField(_("service"), max_length=8, choices=Service.choices)
    url_encrypted = models.TextField()
    # Enough to recognise the webhook in a list, not enough to use it.
    url_hint = models.CharField(max_length=80)
    # The team channel's messages are written in this language.
    language = models.CharField(
        _("language"), max_length=8, choices=User.Language.choices, default=User.Language.EN
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_success_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("team webhook")
        verbose_name_plural = _("team webhooks")
        constraints = [
            models.UniqueConstraint(fields=["team", "service"], name="accounts_webhook_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_service_display()}"


class WebhookMessage(models.Model):
    """One message to one team webhook, unique on (webhook, kind, subject, period) and
    claimed for sending with a conditional UPDATE, like the email channel."""

    class State(models.TextChoices):
        PENDING = "PENDING", _("Waiting")
        SENDING = "SENDING", _("Sending")
        SENT = "SENT", _("Sent")
        FAILED = "FAILED", _("Failed")
        DROPPED = "DROPPED", _("Dropped, too late")

    webhook = models.ForeignKey(TeamWebhook, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=40)
    # Service-neutral: title, text, url and facts; formatted for Slack or Teams when sent.
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    due_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "kind", "subject", "period"],
                name="accounts_webhook_message_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "due_at"],
                condition=models.Q(state__in=["PENDING", "SENDING"]),
                name="accounts_webhook_msg_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.webhook}: {self.kind} {self.period}"
