"""The person's connected accounts at /people/me/connections/, the connect flows, and the
admin's network settings. Thin: parse, authorise, one service call, redirect or render."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.reauthentication import is_reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.connections import selectors, services
from accounts.connections.forms import BlueskyConnectForm, MastodonConnectForm, NetworkAppForm
from accounts.decorators import admin_required
from accounts.models import CONNECTABLE_NETWORKS, NETWORKS_WITH_APP_CREDENTIALS
from ambassador.networks import Network

OAUTH_NETWORKS = {"mastodon": Network.MASTODON, "linkedin": Network.LINKEDIN, "x": Network.X}
ALL_NETWORKS = {network.lower(): network for network in Network.values}


def _network(slug: str, allowed: dict) -> str:
    network = allowed.get(slug)
    if network is None:
        raise Http404
    return network


@login_required
@require_GET
def connections(request):
    rows = selectors.connection_rows(user=request.user)
    return render(
        request,
        "accounts/connections.html",
        {"rows": rows, "mastodon_form": MastodonConnectForm()},
    )


@login_required
@require_POST
@reauthentication_required
def connection_start(request, network: str):
    network = _network(network, OAUTH_NETWORKS)
    instance = ""
    if network == Network.MASTODON:
        form = MastodonConnectForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter your Mastodon server, for example mastodon.social."))
            return redirect("accounts:connections")
        instance = form.cleaned_data["instance"]
    try:
        url = services.connection_start(user=request.user, network=network, instance_url=instance)
    except services.ConnectError as exc:
        messages.error(request, str(exc.message))
        return redirect("accounts:connections")
    return redirect(url)


@login_required
@require_GET
def connection_callback(request, network: str):
    """Where the network sends the person back, with ``state`` and ``code`` (or ``error``)."""
    network = _network(network, OAUTH_NETWORKS)
    try:
        connection = services.connection_complete(
            user=request.user,
            network=network,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
        )
    except services.ConnectError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(network)s is connected as %(handle)s.")
            % {"network": connection.get_network_display(), "handle": connection.handle},
        )
    return redirect("accounts:connections")


@sensitive_post_parameters("app_password")
@login_required
@require_http_methods(["GET", "POST"])
def bluesky_connect(request):
    if request.method == "GET":
        if is_reauthentication_required(request, app=""):
            raise ReauthenticationRequired
        return _bluesky_form(request, BlueskyConnectForm())
    # The form carries a password: never stash it in the session for a re-authentication.
    if is_reauthentication_required(request, app=""):
        messages.warning(
            request, _("Please confirm your password, then enter the app password again.")
        )
        return redirect("accounts:bluesky_connect")
    form = BlueskyConnectForm(request.POST)
    if not form.is_valid():
        return _bluesky_form(request, form, status=400)
    try:
        connection = services.connection_bluesky_connect(
            user=request.user,
            handle=form.cleaned_data["handle"],
            app_password=form.cleaned_data["app_password"],
        )
    except services.ConnectError as exc:
        form.add_error(None, str(exc.message))
        return _bluesky_form(request, form, status=400)
    messages.success(
        request, _("Bluesky is connected as %(handle)s.") % {"handle": connection.handle}
    )
    return redirect("accounts:connections")


def _bluesky_form(request, form, status=200):
    return render(request, "accounts/connection_bluesky.html", {"form": form}, status=status)


@login_required
@require_POST
@reauthentication_required
def connection_disconnect(request, network: str):
    network = _network(network, ALL_NETWORKS)
    if services.connection_disconnect(user=request.user, network=network):
        messages.success(request, _("Disconnected. The app no longer holds your tokens."))
    return redirect("accounts:connections")


@sensitive_post_parameters("client_secret")
@admin_required
@require_http_methods(["GET", "POST"])
def network_settings(request):
    forms_by_network = {}
    for network in CONNECTABLE_NETWORKS:
        app = services.network_app_for(network)
        initial = {"enabled": app.enabled, "client_id": app.client_id}
        data = request.POST if request.POST.get("network") == network else None
        forms_by_network[network] = (app, NetworkAppForm(data, initial=initial, prefix=network))
    if request.method == "POST":
        network = request.POST.get("network", "")
        if network not in forms_by_network:
            raise Http404
        form = forms_by_network[network][1]
        if form.is_valid():
            services.network_app_save(network=network, by=request.user, **form.cleaned_data)
            messages.success(request, _("Network settings saved."))
            return redirect("accounts:network_settings")
    rows = [
        {
            "network": network,
            "label": Network(network).label,
            "app": app,
            "form": form,
            "needs_credentials": network in NETWORKS_WITH_APP_CREDENTIALS,
            "has_secret": bool(app.pk and app.client_secret),
        }
        for network, (app, form) in forms_by_network.items()
    ]
    return render(request, "accounts/network_settings.html", {"rows": rows})
