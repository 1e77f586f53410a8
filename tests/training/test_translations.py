"""Training in the reader's language: pages, quiz and certificate, the editors with the
languages side by side, and query counts that do not depend on the number of languages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.training.factories import (
    AnswerFactory,
    CompletionFactory,
    LessonFactory,
    ModuleFactory,
    QuestionFactory,
)
from training.models import Answer, GuidelineVersion, Lesson, Module, Programme, Question
from training.selectors import caption_final_text

MARKER_NB = '<span class="fallback-marker">vises på engelsk</span>'


def _norwegian(client, user):
    User.objects.filter(pk=user.pk).update(language="nb")
    client.force_login(user)


def test_module_page_shows_the_norwegian_texts_to_a_norwegian_reader(client, personas):
    module = ModuleFactory(title_en="Why we share", title_nb="Hvorfor vi deler", summary_nb="Kort")
    LessonFactory(module=module, title_en="First steps", title_nb="Første steg")
    _norwegian(client, personas.employee)
    html = client.get(reverse("training:module", args=[module.pk])).content.decode()
    assert "<h1>Hvorfor vi deler</h1>" in html
    assert ">Første steg</a>" in html
    assert "Why we share" not in html and MARKER_NB not in html


def test_module_page_marks_a_text_shown_in_the_default_language(client, personas):
    module = ModuleFactory(title_en="Why we share", title_nb="")
    _norwegian(client, personas.employee)
    html = client.get(reverse("training:module", args=[module.pk])).content.decode()
    assert f'<h1><span lang="en">Why we share</span>{MARKER_NB}</h1>' in html


def test_lesson_body_shown_in_the_default_language_is_marked(client, personas):
    lesson = LessonFactory(title_nb="Første steg", body_en="Read **this**.", body_nb="")
    _norwegian(client, personas.employee)
    html = client.get(reverse("training:lesson", args=[lesson.module.pk, lesson.pk])).content
    html = html.decode()
    assert "<h1>Første steg</h1>" in html
    assert f'{MARKER_NB}<div lang="en"><p>Read <strong>this</strong>.</p></div>' in html


def test_quiz_shows_questions_and_answers_in_the_readers_language(client, personas):
    module = ModuleFactory()
    question = QuestionFactory(module=module, text_en="Who shares?", text_nb="Hvem deler?")
    AnswerFactory(question=question, text_en="Everyone", text_nb="Alle", is_correct=True)
    AnswerFactory(question=question, text_en="Nobody", text_nb="", is_correct=False)
    _norwegian(client, personas.employee)
    html = client.get(reverse("training:quiz", args=[module.pk])).content.decode()
    assert "1. Hvem deler?</legend>" in html
    assert ">Alle</label>" in html
    assert f'><span lang="en">Nobody</span>{MARKER_NB}</label>' in html


def test_certificate_names_the_module_in_the_readers_language(client, personas):
    completion = CompletionFactory(
        user=personas.employee,
        module=ModuleFactory(title_en="Why we share", title_nb="Hvorfor vi deler"),
    )
    _norwegian(client, personas.employee)
    html = client.get(reverse("training:certificate", args=[completion.code])).content.decode()
    assert '<p class="training-certificate-module">Hvorfor vi deler</p>' in html


def test_programme_page_shows_the_mission_in_the_default_language_with_a_marker(client, personas):
    Programme.objects.create(pk=1, mission_en="We share what we are proud of.")
    _norwegian(client, personas.employee)
    html = client.get(reverse("training:programme")).content.decode()
    assert f'{MARKER_NB}<div class="prose" lang="en"><p>We share what we are proud of.</p>' in html


def _module_page_queries(client, module) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("training:module", args=[module.pk]))
    assert response.status_code == 200
    return len(queries)


def test_module_page_query_count_is_the_same_with_two_languages_as_with_one(client, personas):
    one = ModuleFactory(title_en="One language", title_nb="")
    LessonFactory.create_batch(5, module=one, title_nb="")
    two = ModuleFactory(title_en="Two languages", title_nb="To språk", summary_nb="Kort")
    LessonFactory.create_batch(5, module=two, title_nb="Leksjon")
    _norwegian(client, personas.employee)
    _module_page_queries(client, one)  # warm the session and the caches
    assert _module_page_queries(client, two) == _module_page_queries(client, one)


# --- Editors -------------------------------------------------------------------------------


MODULE = {"position": "1", "audience": "EVERYONE", "pass_mark": "80"}


def test_module_editor_shows_the_languages_side_by_side(client, personas):
    client.force_login(personas.admin)
    html = client.get(reverse("training:manage_module_new")).content.decode()
    assert '<fieldset class="translations">' in html
    assert 'name="title_en"' in html and 'name="title_nb"' in html
    assert '<label for="id_title_nb">Title (Norwegian Bokmål):</label>' in html


def test_module_editor_requires_the_default_language_only(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_module_new"), {**MODULE, "title_nb": "Bare norsk"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"title_en": ["This field is required."]}
    assert Module.objects.count() == 0


def test_module_editor_saves_every_language(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_module_new"),
        {**MODULE, "title_en": "Why we share", "title_nb": "Hvorfor vi deler"},
    )
    assert response.status_code == 302
    module = Module.objects.get()
    assert (module.title_en, module.title_nb, module.summary_nb) == (
        "Why we share",
        "Hvorfor vi deler",
        "",
    )


def test_lesson_editor_saves_every_language(client, personas):
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_lesson_new", args=[module.pk]),
        {
            "title_en": "First steps",
            "title_nb": "Første steg",
            "body_en": "Read this.",
            "body_nb": "Les dette.",
            "position": "1",
        },
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.title_nb, lesson.body_en, lesson.body_nb) == (
        "Første steg",
        "Read this.",
        "Les dette.",
    )


def test_question_editor_saves_answers_in_every_language(client, personas):
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_question_new", args=[module.pk]),
        {
            "text_en": "Who shares?",
            "text_nb": "Hvem deler?",
            "kind": "SINGLE",
            "answers_en": "* Everyone\nNobody",
            "answers_nb": "Alle\nIngen",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.text_en, question.text_nb) == ("Who shares?", "Hvem deler?")
    assert list(Answer.objects.order_by("id").values_list("text_en", "text_nb", "is_correct")) == [
        ("Everyone", "Alle", True),
        ("Nobody", "Ingen", False),
    ]


def test_question_editor_refuses_a_translation_with_another_number_of_answers(client, personas):
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_question_new", args=[module.pk]),
        {"text_en": "Who?", "kind": "SINGLE", "answers_en": "* A\nB", "answers_nb": "A"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "answers_nb": ["Give as many answers as in the default language, in the same order."]
    }
    assert Question.objects.count() == 0


def test_question_editor_shows_each_languages_answers(client, personas):
    question = QuestionFactory(text_en="Who?", text_nb="Hvem?")
    AnswerFactory(question=question, text_en="All", text_nb="Alle", is_correct=True)
    AnswerFactory(question=question, text_en="None", text_nb="Ingen")
    client.force_login(personas.admin)
    response = client.get(
        reverse("training:manage_question", args=[question.module.pk, question.pk])
    )
    form = response.context["form"]
    assert (form.initial["answers_en"], form.initial["answers_nb"]) == (
        "* All\nNone",
        "Alle\nIngen",
    )


def test_guidelines_editor_publishes_every_language(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_guidelines"),
        {
            "body_en": "# Rules",
            "body_nb": "# Regler",
            "change_summary_en": "First",
            "change_summary_nb": "Første",
        },
    )
    assert response.status_code == 302
    version = GuidelineVersion.objects.get()
    assert (version.body_nb, version.change_summary_en, version.change_summary_nb) == (
        "# Regler",
        "First",
        "Første",
    )


@pytest.mark.parametrize(("language", "disclosure"), [("en", "#employee"), ("nb", "#ansatt")])
def test_caption_rules_editor_keeps_the_disclosure_per_language(
    client, personas, language, disclosure
):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_caption_rules"),
        {"disclosure_en": "#employee", "disclosure_nb": "#ansatt", "forbidden_phrases": ""},
    )
    assert response.status_code == 302
    assert caption_final_text(caption="Hello", network="X", language=language) == (
        f"Hello\n\n{disclosure}"
    )
