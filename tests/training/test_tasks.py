import pytest

from accounts.models import Notification
from tests.training.factories import GuidelineVersionFactory
from training import services
from training.tasks import announce_guidelines


def test_guidelines_announce_notifies_people_who_have_not_acknowledged(personas):
    version = GuidelineVersionFactory(number=1)
    services.guidelines_acknowledge(user=personas.employee)
    count = services.guidelines_announce(version=version)
    recipients = set(Notification.objects.values_list("recipient__email", flat=True))
    assert count == len(recipients) == 5
    assert personas.employee.email not in recipients


def test_guidelines_announce_twice_sends_once(personas):
    version = GuidelineVersionFactory(number=1)
    services.guidelines_announce(version=version)
    assert services.guidelines_announce(version=version) == 0
    assert Notification.objects.filter(recipient=personas.employee).count() == 1


def test_guidelines_announce_in_recipients_language(personas):
    personas.employee_b.language = "nb"
    personas.employee_b.save()
    version = GuidelineVersionFactory(number=1, change_summary="Nytt avsnitt.")
    services.guidelines_announce(version=version)
    note = Notification.objects.get(recipient=personas.employee_b)
    assert note.title == "Nye retningslinjer for deling (versjon 1)"
    assert note.url == "/programme/#guidelines"


def test_guidelines_announce_superseded_version_sends_nothing(personas):
    old = GuidelineVersionFactory(number=1)
    GuidelineVersionFactory(number=2)
    assert services.guidelines_announce(version=old) == 0
    assert Notification.objects.count() == 0


def test_announce_guidelines_task_missing_version_returns_early(db):
    assert announce_guidelines.run(version_id=999999) == 0


def test_guidelines_publish_rolled_back_enqueues_nothing(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.guidelines_publish(by=personas.admin, body_en="x", change_summary="y")
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(services.TrainingError):
        services.guidelines_publish(by=personas.admin, body_en="x", change_summary=" ")
    assert callbacks == []


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_publish_notifies_through_a_real_worker(personas, celery_worker):
    services.guidelines_publish(by=personas.admin, body_en="# Rules", change_summary="First")
    assert celery_worker.wait_for(lambda: Notification.objects.count() >= 6), (
        "the worker did not deliver the announcement"
    )
    assert Notification.objects.count() == 6
    assert set(Notification.objects.values_list("kind", flat=True)) == {
        "training.guidelines_published"
    }
