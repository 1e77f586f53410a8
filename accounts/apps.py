from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and teams")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import models.
        from accounts import notifications, signals  # noqa: F401, PLC0415 — registers the audit receivers
        from accounts.connections import reminders  # noqa: PLC0415 — imports models

        notifications.register_source(reminders.CONNECTION_SOURCE)
