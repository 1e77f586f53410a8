from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and teams")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import notifications, signals  # noqa: F401  (signals: the audit receivers)

        notifications.register_source(notifications.CONNECTION_SOURCE)
