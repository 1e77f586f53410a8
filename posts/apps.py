from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = _("Content and sharing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import models.
        from accounts import notifications  # noqa: PLC0415 — imports models
        from accounts.models import NotificationKind  # noqa: PLC0415 — models need the registry
        from posts import reminders  # noqa: PLC0415 — imports models

        for source in (
            reminders.DIGEST_SOURCE,
            reminders.NUDGE_SOURCE,
            reminders.FEATURED_SOURCE,
            reminders.TEAM_SUMMARY_SOURCE,
            reminders.SCHEDULED_POST_SOURCE,
        ):
            notifications.register_source(source)
        notifications.register_email(NotificationKind.DIGEST, reminders.DIGEST_EMAIL)
        notifications.register_sample(NotificationKind.DIGEST, reminders.digest_sample)
