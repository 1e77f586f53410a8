"""Checks of the project's own settings, shown by ``manage.py check`` and at start-up."""

import os

from django.conf import settings
from django.core.checks import Warning, register

FETCH_ALLOWED_NETWORKS_IGNORED = (
    "FETCH_ALLOWED_NETWORKS is set but DEBUG is off: it is ignored, and the fetcher refuses "
    "every private and loopback address."
)


def fetch_allowed_networks_ignored() -> bool:
    """The environment lets the fetcher into local networks, which only DEBUG honours."""
    return not settings.DEBUG and bool(os.environ.get("FETCH_ALLOWED_NETWORKS", "").strip(" ,"))


@register()
def check_fetch_allowed_networks(app_configs, **kwargs):
    if not fetch_allowed_networks_ignored():
        return []
    return [
        Warning(
            FETCH_ALLOWED_NETWORKS_IGNORED,
            hint="Unset FETCH_ALLOWED_NETWORKS in production; it exists for local fake servers.",
            id="ambassador.W001",
        )
    ]
