import logging

from django.apps import AppConfig

from ambassador import checks  # registers the project's system checks

logger = logging.getLogger("ambassador")


class AmbassadorConfig(AppConfig):
    name = "ambassador"

    def ready(self) -> None:
        # gunicorn and Celery run no system checks: say it in their start-up log too.
        if checks.fetch_allowed_networks_ignored():
            logger.warning(checks.FETCH_ALLOWED_NETWORKS_IGNORED)
