"""Connected accounts and what belongs to them: the programme's network apps, Mastodon app
registrations, connections with their encrypted tokens, connect attempts, follower readings.

A person connects their own account on a network so that the app can post for them and
read back engagement and followers. Tokens are encrypted at rest (ambassador.encryption);
the connect flows live in accounts/connections/. SocialProfile stays the person's public
presence (handle, instance, follower count) that the share flow reads; connecting an
account keeps it up to date.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassador.encryption import EncryptedTextField
from ambassador.networks import Network

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
