"""The Django admin is read-only for training data: the in-app pages validate and audit."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.training.factories import AnswerFactory, ModuleFactory, QuestionFactory
from training import services
from training.models import PROGRAMME_ID, Answer, Module, Programme, Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas.admin)
    return client


def test_django_admin_programme_change_is_refused(admin_client, programme):
    url = reverse("admin:training_programme_change", args=[PROGRAMME_ID])
    response = admin_client.post(url, {"sharing_gate_enabled": "", "disclosure_en": ""})
    programme.refresh_from_db()
    assert response.status_code == 403
    assert (programme.sharing_gate_enabled, programme.disclosure_en) == (True, "#employee")


def test_django_admin_programme_is_viewable(admin_client, programme):
    url = reverse("admin:training_programme_change", args=[PROGRAMME_ID])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_django_admin_question_add_is_refused(admin_client):
    module = ModuleFactory()
    response = admin_client.post(
        reverse("admin:training_question_add"),
        {
            "module": module.pk,
            "text": "Which?",
            "kind": "SINGLE",
            "position": "1",
            "answers-TOTAL_FORMS": "2",
            "answers-INITIAL_FORMS": "0",
            "answers-0-text": "One",
            "answers-0-is_correct": "on",
            "answers-1-text": "Two",
            "answers-1-is_correct": "on",
        },
    )
    assert response.status_code == 403
    assert Question.objects.count() == 0


def test_django_admin_answer_cannot_be_made_correct(admin_client):
    question = QuestionFactory(kind=Question.Kind.SINGLE)
    right = AnswerFactory(question=question, text="Right", is_correct=True)
    wrong = AnswerFactory(question=question, text="Wrong", is_correct=False)
    url = reverse("admin:training_question_change", args=[question.pk])
    response = admin_client.post(
        url,
        {
            "module": question.module_id,
            "text": question.text,
            "kind": "SINGLE",
            "position": question.position,
            "answers-TOTAL_FORMS": "2",
            "answers-INITIAL_FORMS": "2",
            "answers-0-id": right.pk,
            "answers-0-text": "Right",
            "answers-0-is_correct": "on",
            "answers-1-id": wrong.pk,
            "answers-1-text": "Wrong",
            "answers-1-is_correct": "on",
        },
    )
    assert response.status_code == 403
    assert list(Answer.objects.filter(is_correct=True)) == [right]


def test_django_admin_module_delete_is_refused(admin_client):
    module = ModuleFactory()
    response = admin_client.post(
        reverse("admin:training_module_delete", args=[module.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Module.objects.filter(pk=module.pk).exists()


def test_django_admin_module_lessons_are_read_only(admin_client):
    module = ModuleFactory()
    response = admin_client.get(reverse("admin:training_module_change", args=[module.pk]))
    [inline] = response.context["inline_admin_formsets"]
    assert inline.has_change_permission is False
    assert inline.has_add_permission is False


def test_settings_page_change_writes_settings_changed_audit(client, personas, programme):
    client.force_login(personas.admin)
    response = client.post(reverse("training:manage_settings"), {})
    programme.refresh_from_db()
    assert response.status_code == 302
    assert programme.sharing_gate_enabled is False
    event = AuditEvent.objects.get(action="SETTINGS_CHANGED", actor=personas.admin)
    assert event.detail["fields"] == ["sharing_gate_enabled"]


def test_settings_page_unchanged_post_writes_no_audit(client, personas, programme):
    client.force_login(personas.admin)
    client.post(reverse("training:manage_settings"), {"sharing_gate_enabled": "on"})
    assert not AuditEvent.objects.filter(action="SETTINGS_CHANGED").exists()
    assert Programme.objects.get().sharing_gate_enabled is True


def test_question_save_service_refuses_single_choice_with_two_correct(personas):
    module = ModuleFactory()
    question = Question(module=module, text="Which?", kind=Question.Kind.SINGLE)
    with pytest.raises(services.TrainingError, match="exactly one correct answer"):
        services.question_save(
            by=personas.admin, question=question, answers=[("One", True), ("Two", True)]
        )
    assert Question.objects.count() == 0
