"""Celery tasks of the training app: thin, by id, one service call each."""

from celery import shared_task

from training import services
from training.models import GuidelineVersion


@shared_task(name="training.announce_guidelines")
def announce_guidelines(version_id: int) -> int:
    """Notify everyone who has not acknowledged a newly published guidelines version."""
    version = GuidelineVersion.objects.filter(pk=version_id).first()
    if version is None:
        return 0
    return services.guidelines_announce(version=version)
