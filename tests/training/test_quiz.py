import random
import re

import pytest
from django.db.models import F
from django.urls import reverse

from tests.training.factories import AnswerFactory, QuestionFactory, answers_for, quiz_module
from training import services
from training.models import Answer, Completion, Question, QuestionResult, QuizAttempt

pytestmark = pytest.mark.django_db


def _state():
    return (QuizAttempt.objects.count(), QuestionResult.objects.count(), Completion.objects.count())


def test_quiz_submit_all_correct_passes_and_completes(personas):
    module = quiz_module()
    attempt = services.quiz_submit(
        user=personas.employee, module=module, chosen=answers_for(module, correct=True)
    )
    assert (attempt.score, attempt.passed) == (100, True)
    assert Completion.objects.filter(user=personas.employee, module=module).count() == 1


def test_quiz_submit_wrong_answers_fails_without_completion(personas):
    module = quiz_module()
    attempt = services.quiz_submit(
        user=personas.employee, module=module, chosen=answers_for(module, correct=False)
    )
    assert (attempt.score, attempt.passed) == (0, False)
    assert Completion.objects.count() == 0


def test_quiz_submit_partly_correct_multiple_choice_counts_as_wrong(personas):
    module = quiz_module(pass_mark=50)
    chosen = answers_for(module, correct=True)
    multiple = module.questions.get(kind="MULTIPLE")
    chosen[multiple.pk] = chosen[multiple.pk][:1]  # only one of the two right answers
    attempt = services.quiz_submit(user=personas.employee, module=module, chosen=chosen)
    assert (attempt.score, attempt.passed) == (50, True)


def test_quiz_submit_below_pass_mark_fails(personas):
    module = quiz_module(pass_mark=80)
    chosen = answers_for(module, correct=True)
    multiple = module.questions.get(kind="MULTIPLE")
    chosen[multiple.pk] = chosen[multiple.pk][:1]
    attempt = services.quiz_submit(user=personas.employee, module=module, chosen=chosen)
    assert (attempt.score, attempt.passed) == (50, False)


def test_quiz_submit_records_per_question_results(personas):
    module = quiz_module()
    chosen = answers_for(module, correct=True)
    single = module.questions.get(kind="SINGLE")
    chosen[single.pk] = [single.answers.get(is_correct=False).pk]
    attempt = services.quiz_submit(user=personas.employee, module=module, chosen=chosen)
    results = dict(attempt.results.values_list("question__kind", "correct"))
    assert results == {"SINGLE": False, "MULTIPLE": True}


def test_quiz_retry_after_failure_can_pass(personas):
    module = quiz_module()
    services.quiz_submit(
        user=personas.employee, module=module, chosen=answers_for(module, correct=False)
    )
    attempt = services.quiz_submit(
        user=personas.employee, module=module, chosen=answers_for(module, correct=True)
    )
    assert attempt.passed is True
    assert QuizAttempt.objects.filter(user=personas.employee).count() == 2


# --- Tampered submissions: rejected, nothing changes -----------------------------------------


def test_quiz_submit_question_from_another_quiz_is_rejected(personas):
    module = quiz_module()
    other = QuestionFactory()
    other_answer = AnswerFactory(question=other, is_correct=True)
    chosen = answers_for(module, correct=True) | {other.pk: [other_answer.pk]}
    before = _state()
    with pytest.raises(services.QuizRejected):
        services.quiz_submit(user=personas.employee, module=module, chosen=chosen)
    assert _state() == before


def test_quiz_submit_answer_of_another_question_is_rejected(personas):
    module = quiz_module()
    chosen = answers_for(module, correct=True)
    single = module.questions.get(kind="SINGLE")
    multiple = module.questions.get(kind="MULTIPLE")
    chosen[single.pk] = [multiple.answers.filter(is_correct=True).first().pk]
    before = _state()
    with pytest.raises(services.QuizRejected):
        services.quiz_submit(user=personas.employee, module=module, chosen=chosen)
    assert _state() == before


def test_quiz_submit_duplicated_answers_are_rejected(personas):
    module = quiz_module()
    chosen = answers_for(module, correct=True)
    multiple = module.questions.get(kind="MULTIPLE")
    right = chosen[multiple.pk][0]
    chosen[multiple.pk] = [right, right]
    before = _state()
    with pytest.raises(services.QuizRejected):
        services.quiz_submit(user=personas.employee, module=module, chosen=chosen)
    assert _state() == before


def test_quiz_submit_two_answers_to_single_choice_are_rejected(personas):
    module = quiz_module()
    chosen = answers_for(module, correct=True)
    single = module.questions.get(kind="SINGLE")
    chosen[single.pk] = list(single.answers.values_list("pk", flat=True))
    before = _state()
    with pytest.raises(services.QuizRejected):
        services.quiz_submit(user=personas.employee, module=module, chosen=chosen)
    assert _state() == before


def test_quiz_submit_unanswered_question_is_rejected(personas):
    module = quiz_module()
    chosen = answers_for(module, correct=True)
    chosen.pop(module.questions.get(kind="MULTIPLE").pk)
    before = _state()
    with pytest.raises(services.QuizRejected, match="Answer every question"):
        services.quiz_submit(user=personas.employee, module=module, chosen=chosen)
    assert _state() == before


def test_quiz_resubmitting_a_passed_quiz_is_rejected(personas):
    module = quiz_module()
    services.quiz_submit(
        user=personas.employee, module=module, chosen=answers_for(module, correct=True)
    )
    before = _state()
    with pytest.raises(services.QuizRejected, match="already passed"):
        services.quiz_submit(
            user=personas.employee, module=module, chosen=answers_for(module, correct=False)
        )
    assert _state() == before


def test_quiz_attempt_limit_is_enforced(personas):
    module = quiz_module(max_attempts=1)
    services.quiz_submit(
        user=personas.employee, module=module, chosen=answers_for(module, correct=False)
    )
    before = _state()
    with pytest.raises(services.QuizRejected, match="all your attempts"):
        services.quiz_submit(
            user=personas.employee, module=module, chosen=answers_for(module, correct=True)
        )
    assert _state() == before


# --- Through the view ------------------------------------------------------------------------


def _post_data(chosen):
    return {f"question-{qid}": [str(a) for a in answers] for qid, answers in chosen.items()}


def test_quiz_view_post_pass_redirects_to_module(client, personas):
    module = quiz_module()
    client.force_login(personas.employee)
    response = client.post(
        reverse("training:quiz", args=[module.pk]), _post_data(answers_for(module, correct=True))
    )
    assert response.status_code == 302
    assert response.url == reverse("training:module", args=[module.pk])
    assert Completion.objects.filter(user=personas.employee).count() == 1


def test_quiz_view_post_fail_shows_score(client, personas):
    module = quiz_module()
    client.force_login(personas.employee)
    response = client.post(
        reverse("training:quiz", args=[module.pk]), _post_data(answers_for(module, correct=False))
    )
    assert response.status_code == 200
    assert response.context["attempt"].score == 0
    assert "You scored 0%" in response.content.decode()


def test_quiz_view_non_numeric_answer_is_400_and_changes_nothing(client, personas):
    module = quiz_module()
    question = module.questions.first()
    client.force_login(personas.employee)
    response = client.post(
        reverse("training:quiz", args=[module.pk]), {f"question-{question.pk}": "x"}
    )
    assert response.status_code == 400
    assert _state() == (0, 0, 0)


def test_quiz_view_resubmit_after_pass_is_400_and_changes_nothing(client, personas):
    module = quiz_module()
    client.force_login(personas.employee)
    data = _post_data(answers_for(module, correct=True))
    client.post(reverse("training:quiz", args=[module.pk]), data)
    before = _state()
    response = client.post(reverse("training:quiz", args=[module.pk]), data)
    assert response.status_code == 400
    assert _state() == before


def test_quiz_view_shows_every_answer_once(client, personas):
    module = quiz_module()
    client.force_login(personas.employee)
    response = client.get(reverse("training:quiz", args=[module.pk]))
    shown = sorted(a.text for q in response.context["questions"] for a in q.shuffled)
    assert shown == ["No", "Right", "Wrong", "Yes A", "Yes B"]


# Ways a correct answer could be told apart in the page, in either language.
LEAK_MARKERS = (
    "is_correct", "is-correct", "iscorrect", "data-correct", "correct=", '"correct"',
    "riktig", "korrekt", "true", "checked", "selected", "data-answer", "data-score",
)  # fmt: skip


def _quiz_form(html: str) -> str:
    return html.split('<form method="post" class="training-quiz">', 1)[1].split("</form>", 1)[0]


def _options(form: str) -> list[str]:
    return re.findall(r'<div class="training-option".*?</div>', form, flags=re.S)


@pytest.mark.parametrize(
    ("language", "multiple_help"),
    [("en", "Choose every correct answer."), ("nb", "Velg alle riktige svar.")],
)
def test_quiz_view_does_not_reveal_the_correct_answers(client, personas, language, multiple_help):
    module = quiz_module()
    # The same texts in both languages, so no "shown in English" marker changes the markup.
    Question.objects.filter(module=module).update(text_nb=F("text_en"))
    Answer.objects.filter(question__module=module).update(text_nb=F("text_en"))
    personas.employee.language = language
    personas.employee.save()
    client.force_login(personas.employee)
    response = client.get(reverse("training:quiz", args=[module.pk]), HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    form = _quiz_form(html)
    assert response.status_code == 200
    assert "1. Pick the right one</legend>" in form and "2. Pick both yeses</legend>" in form
    assert multiple_help in form
    answers = {a.pk: a for q in module.questions.all() for a in q.answers.all()}
    options = _options(form)
    assert len(options) == len(answers) == 5
    assert sorted(re.findall(r'<label for="answer-\d+">([^<]+)</label>', form)) == sorted(
        a.text for a in answers.values()
    )
    # With its id and text taken out, a correct answer's markup is the same as a wrong one's.
    shapes = set()
    for option in options:
        answer = answers[int(re.search(r'value="(\d+)"', option).group(1))]
        shape = re.sub(r'name="question-\d+"', 'name="question-N"', option)
        shape = re.sub(rf"\b{answer.pk}\b", "ID", shape).replace(f">{answer.text}<", ">TEXT<")
        shapes.add((answer.question.kind, shape))
        assert all(marker not in shape.lower() for marker in LEAK_MARKERS), shape
    assert len(shapes) == 2  # one shape for single choice, one for multiple choice
    assert 'type="application/json"' not in html and "<script" not in form
    for marker in ("is_correct", "is-correct", "data-correct", '"correct"', "correct="):
        assert marker not in html.lower()


def _rendered_orders(client, module, renders: int) -> set[tuple[str, ...]]:
    orders = set()
    for _ in range(renders):
        html = client.get(reverse("training:quiz", args=[module.pk])).content.decode()
        orders.add(tuple(re.findall(r'<label for="answer-\d+">([^<]+)</label>', html)))
    return orders


def test_quiz_view_shuffles_answers_between_renders(client, personas):
    module = quiz_module()
    client.force_login(personas.employee)
    random.seed(20261127)  # the view shuffles with the module RNG: the same orders every run
    orders = _rendered_orders(client, module, renders=12)
    assert len(orders) > 1
    assert all(sorted(order) == ["No", "Right", "Wrong", "Yes A", "Yes B"] for order in orders)


def test_quiz_view_answer_order_is_not_always_the_stored_order(client, personas):
    module = quiz_module()
    client.force_login(personas.employee)
    random.seed(7)
    stored = ("Right", "Wrong", "Yes A", "Yes B", "No")
    orders = _rendered_orders(client, module, renders=12)
    assert orders - {stored}


def test_quiz_view_managers_only_module_is_404_for_employee(client, personas):
    module = quiz_module(audience="MANAGERS")
    client.force_login(personas.employee)
    response = client.post(
        reverse("training:quiz", args=[module.pk]), _post_data(answers_for(module, correct=True))
    )
    assert response.status_code == 404
    assert _state() == (0, 0, 0)
