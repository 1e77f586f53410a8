"""Asking for something one may not see answers 404, and the attempt is audited once, naming
what was asked for; asking for something that does not exist answers 404 and audits nothing."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.training.factories import CompletionFactory, LessonFactory, ModuleFactory, quiz_module
from training.models import Completion, LessonRead, Module, QuizAttempt

pytestmark = pytest.mark.django_db

HUGE_ID = 99999999999999999999


def _denials(actor) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(action="ACCESS_DENIED", actor=actor).values_list(
            "target_type", "target_id", "detail__path"
        )
    )


def _hidden_module(personas, kind: str) -> Module:
    """A module with a lesson that ``personas.employee`` may not take, for each reason."""
    if kind == "other team":
        module = quiz_module()
        module.teams.set([personas.team_b])
    elif kind == "managers only":
        module = quiz_module(audience=Module.Audience.MANAGERS)
    else:
        module = quiz_module(is_published=False)
    return module


HIDDEN_KINDS = ["other team", "managers only", "unpublished"]


# --- Certificates ----------------------------------------------------------------------------


def test_certificate_of_someone_else_is_404_and_audited(client, personas):
    completion = CompletionFactory(user=personas.employee_b)
    client.force_login(personas.employee)
    url = reverse("training:certificate", args=[completion.code])
    response = client.get(url)
    assert response.status_code == 404
    assert "Employee B" not in response.content.decode()
    assert completion.module.title not in response.content.decode()
    assert _denials(personas.employee) == [("training.completion", str(completion.pk), url)]


def test_certificate_own_is_shown_and_not_audited(client, personas):
    completion = CompletionFactory(user=personas.employee)
    client.force_login(personas.employee)
    response = client.get(reverse("training:certificate", args=[completion.code]))
    assert response.status_code == 200
    assert completion.code in response.content.decode()
    assert _denials(personas.employee) == []


@pytest.mark.parametrize("code", ["NOPE-NOPE-NOPE", "A\x00B", "x" * 40])
def test_certificate_unknown_code_is_404_without_audit(client, personas, code):
    client.force_login(personas.employee)
    response = client.get(reverse("training:certificate", args=[code]))
    assert response.status_code == 404
    assert _denials(personas.employee) == []


@pytest.mark.parametrize("code", ["A\x00B", "ABCD-\x00"])
def test_verify_code_with_nul_is_404_with_explanation(client, db, code):
    response = client.get(reverse("training:verify_form"), {"code": code})
    assert response.status_code == 404
    assert "No certificate has this code." in response.content.decode()


def test_verify_still_finds_a_real_code(client, personas):
    completion = CompletionFactory(user=personas.employee)
    response = client.get(reverse("training:verify_form"), {"code": f" {completion.code} "})
    assert response.status_code == 200
    assert response.context["completion"] == completion


# --- Modules, lessons and quizzes ------------------------------------------------------------


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
@pytest.mark.parametrize("page", ["module", "lesson", "quiz"])
def test_hidden_module_pages_are_404_and_audited(client, personas, kind, page):
    module = _hidden_module(personas, kind)
    args = [module.pk, module.lessons.get().pk] if page == "lesson" else [module.pk]
    url = reverse(f"training:{page}", args=args)
    client.force_login(personas.employee)
    response = client.get(url)
    assert response.status_code == 404
    assert module.title not in response.content.decode()
    assert _denials(personas.employee) == [("training.module", str(module.pk), url)]


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_hidden_module_lesson_read_is_404_audited_and_changes_nothing(client, personas, kind):
    module = _hidden_module(personas, kind)
    url = reverse("training:lesson_read", args=[module.pk, module.lessons.get().pk])
    client.force_login(personas.employee)
    response = client.post(url)
    assert response.status_code == 404
    assert LessonRead.objects.count() == 0
    assert _denials(personas.employee) == [("training.module", str(module.pk), url)]


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_hidden_module_quiz_submit_is_404_audited_and_changes_nothing(client, personas, kind):
    module = _hidden_module(personas, kind)
    question = module.questions.first()
    url = reverse("training:quiz", args=[module.pk])
    client.force_login(personas.employee)
    response = client.post(url, {f"question-{question.pk}": [str(question.answers.first().pk)]})
    assert response.status_code == 404
    assert (QuizAttempt.objects.count(), Completion.objects.count()) == (0, 0)
    assert _denials(personas.employee) == [("training.module", str(module.pk), url)]


@pytest.mark.parametrize("name", ["training:lesson", "training:lesson_read"])
def test_lesson_of_a_hidden_module_under_a_visible_one_is_404_and_audited(client, personas, name):
    visible = ModuleFactory()
    LessonFactory(module=visible)
    hidden = _hidden_module(personas, "other team")
    lesson = hidden.lessons.get()
    url = reverse(name, args=[visible.pk, lesson.pk])
    client.force_login(personas.employee)
    response = client.get(url) if name == "training:lesson" else client.post(url)
    assert response.status_code == 404
    assert LessonRead.objects.count() == 0
    assert _denials(personas.employee) == [("training.lesson", str(lesson.pk), url)]


def test_lesson_of_another_visible_module_is_404_without_audit(client, personas):
    first, second = ModuleFactory(), ModuleFactory()
    LessonFactory(module=first)
    lesson = LessonFactory(module=second)
    client.force_login(personas.employee)
    response = client.get(reverse("training:lesson", args=[first.pk, lesson.pk]))
    assert response.status_code == 404
    assert _denials(personas.employee) == []


def test_manager_may_open_a_managers_only_module_without_audit(client, personas):
    module = _hidden_module(personas, "managers only")
    client.force_login(personas.manager_a)
    response = client.get(reverse("training:module", args=[module.pk]))
    assert response.status_code == 200
    assert _denials(personas.manager_a) == []


@pytest.mark.parametrize("module_id", [987654, HUGE_ID])
@pytest.mark.parametrize("page", ["module", "lesson", "quiz"])
def test_unknown_module_is_404_without_audit(client, personas, module_id, page):
    args = [module_id, 1] if page == "lesson" else [module_id]
    client.force_login(personas.employee)
    response = client.get(reverse(f"training:{page}", args=args))
    assert response.status_code == 404
    assert _denials(personas.employee) == []


@pytest.mark.parametrize("lesson_id", [987654, HUGE_ID])
def test_unknown_lesson_is_404_without_audit(client, personas, lesson_id):
    module = ModuleFactory()
    LessonFactory(module=module)
    client.force_login(personas.employee)
    response = client.get(reverse("training:lesson", args=[module.pk, lesson_id]))
    assert response.status_code == 404
    assert _denials(personas.employee) == []


# --- Team pages ------------------------------------------------------------------------------


def test_team_detail_of_unmanaged_team_is_404_and_audited_with_the_team(client, personas):
    url = reverse("training:team_detail", args=[personas.team_b.pk])
    client.force_login(personas.manager_a)
    response = client.get(url)
    assert response.status_code == 404
    assert "Employee B" not in response.content.decode()
    assert _denials(personas.manager_a) == [("accounts.team", str(personas.team_b.pk), url)]


@pytest.mark.parametrize("team_id", [987654, HUGE_ID])
def test_team_detail_of_unknown_team_is_404_without_audit(client, personas, team_id):
    client.force_login(personas.manager_a)
    response = client.get(reverse("training:team_detail", args=[team_id]))
    assert response.status_code == 404
    assert _denials(personas.manager_a) == []


def test_team_detail_of_managed_team_is_not_audited(client, personas):
    client.force_login(personas.manager_a)
    response = client.get(reverse("training:team_detail", args=[personas.team_a.pk]))
    assert response.status_code == 200
    assert _denials(personas.manager_a) == []
