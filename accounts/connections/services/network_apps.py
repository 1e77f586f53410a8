"""The programme's network apps: an admin's settings per network, and the app's
registration on each Mastodon instance."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from accounts.audit import AuditAction
from accounts.connections import mastodon
from accounts.connections.base import ConnectError
from accounts.models import MastodonApp, NetworkApp, User
from accounts.services.audit import audit_record


def network_app_for(network: str) -> NetworkApp:
    """The programme's settings for ``network`` (switched on, no credentials, when unsaved)."""
    return NetworkApp.objects.filter(network=network).first() or NetworkApp(network=network)


@sensitive_variables("client_secret")
@transaction.atomic
def network_app_save(
    *, network: str, enabled: bool, client_id: str, client_secret: str, by: User
) -> NetworkApp:
    """Save an admin's settings for ``network``. An empty ``client_secret`` keeps the stored one."""
    app = NetworkApp.objects.select_for_update().filter(network=network).first()
    app = app or NetworkApp(network=network)
    app.enabled = enabled
    app.client_id = client_id.strip()
    if client_secret.strip():
        app.client_secret = client_secret.strip()
    app.updated_by = by
    app.save()
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=app,
        detail={
            "network": network,
            "enabled": enabled,
            "client_id_set": bool(app.client_id),
            "secret_changed": bool(client_secret.strip()),
        },
    )
    return app


def available_app(network: str) -> NetworkApp:
    app = network_app_for(network)
    status = app.availability
    if status == NetworkApp.Availability.OFF:
        raise ConnectError(gettext_lazy("Your programme has switched this network off."))
    if status == NetworkApp.Availability.NOT_SET_UP:
        raise ConnectError(gettext_lazy("This network is not set up by your programme yet."))
    if status == NetworkApp.Availability.UNAVAILABLE:
        raise ConnectError(gettext_lazy("This network cannot be connected."))
    return app


def callback_url(network: str) -> str:
    return settings.SITE_URL + reverse("accounts:connection_callback", args=[network.lower()])


@sensitive_variables("client_secret")
def mastodon_app(*, instance_url: str, redirect_uri: str) -> MastodonApp:
    """The app's registration on ``instance_url``: made once, reused after."""
    existing = MastodonApp.objects.filter(instance_url=instance_url).first()
    if existing and existing.redirect_uri == redirect_uri and existing.scopes == mastodon.SCOPES:
        return existing
    client_id, client_secret = mastodon.register_app(
        instance_url=instance_url, redirect_uri=redirect_uri, website=settings.SITE_URL
    )
    try:
        with transaction.atomic():
            app, _created = MastodonApp.objects.update_or_create(
                instance_url=instance_url,
                defaults={
                    "client_id": client_id,
                    "client_secret": client_secret,
                    "redirect_uri": redirect_uri,
                    "scopes": mastodon.SCOPES,
                },
            )
    except IntegrityError:  # someone else registered at the same moment: use theirs
        app = MastodonApp.objects.get(instance_url=instance_url)
    return app
