from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Mission, guidelines and training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import models.
        from accounts import notifications  # noqa: PLC0415 — imports models
        from training import reminders  # noqa: PLC0415 — imports models

        notifications.register_source(reminders.TRAINING_SOURCE)
        notifications.register_source(reminders.GUIDELINES_SOURCE)
