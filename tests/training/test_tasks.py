import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification, User
from tests.factories import UserFactory
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


def _people(count: int, *, language: str = "en") -> list[User]:
    return User.objects.bulk_create(UserFactory.build_batch(count, language=language))


def _announce_queries(count: int) -> int:
    _people(count)
    version = GuidelineVersionFactory()
    with CaptureQueriesContext(connection) as queries:
        notified = services.guidelines_announce(version=version)
    assert notified == count
    return len(queries)


def test_guidelines_announce_query_count_does_not_grow_with_people(db):
    small = _announce_queries(10)
    Notification.objects.all().delete()
    User.objects.all().delete()
    assert _announce_queries(100) == small


def test_guidelines_announce_inserts_in_one_statement_per_batch(db):
    _people(10)
    version = GuidelineVersionFactory()
    with CaptureQueriesContext(connection) as queries:
        services.guidelines_announce(version=version)
    inserts = [
        q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "accounts_notification"')
    ]
    assert len(inserts) == 1


def test_guidelines_announce_in_batches_notifies_each_person_once(db, monkeypatch):
    monkeypatch.setattr(services, "ANNOUNCE_BATCH_SIZE", 4)
    people = _people(10)
    version = GuidelineVersionFactory()
    assert services.guidelines_announce(version=version) == 10
    per_person = Notification.objects.values_list("recipient_id", flat=True)
    assert sorted(per_person) == sorted(p.pk for p in people)


def test_guidelines_announce_each_person_once_in_their_language(db):
    english = _people(3, language="en")
    norwegian = _people(3, language="nb")
    unset = _people(2, language="")
    version = GuidelineVersionFactory(
        number=4, change_summary="New section.", change_summary_nb="Nytt avsnitt."
    )
    services.guidelines_announce(version=version)
    notes = {n.recipient_id: n for n in Notification.objects.all()}
    assert len(notes) == Notification.objects.count() == 8
    assert {notes[p.pk].title for p in english + unset} == {"New posting guidelines (version 4)"}
    assert {notes[p.pk].body for p in english + unset} == {
        "What changed: New section. Please read and acknowledge them."
    }
    assert {notes[p.pk].title for p in norwegian} == {"Nye retningslinjer for deling (versjon 4)"}
    assert {notes[p.pk].body for p in norwegian} == {
        "Hva er endret: Nytt avsnitt. Les og bekreft dem."
    }


def test_announce_guidelines_task_twice_notifies_once(db):
    people = _people(5)
    version = GuidelineVersionFactory()
    assert announce_guidelines.run(version_id=version.pk) == 5
    assert announce_guidelines.run(version_id=version.pk) == 0
    assert Notification.objects.count() == len(people)


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
