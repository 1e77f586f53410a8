from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Mission, guidelines and training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import notifications
        from training import reminders

        notifications.register_source(reminders.TRAINING_SOURCE)
        notifications.register_source(reminders.GUIDELINES_SOURCE)
