import factory

from tests.factories import UserFactory
from training.models import (
    Answer,
    Completion,
    GuidelineVersion,
    Lesson,
    Module,
    Question,
)


class GuidelineVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidelineVersion

    number = factory.Sequence(lambda n: n + 1)
    body_en = factory.LazyAttribute(lambda o: f"## Guidelines\n\nVersion {o.number} text.")
    body_nb = ""
    change_summary = "Changes"


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "A short module."
    is_published = True
    pass_mark = 100


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "Read **this**."


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = Question.Kind.SINGLE


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Answer {n}")
    is_correct = False


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Completion

    user = factory.SubFactory(UserFactory)
    module = factory.SubFactory(ModuleFactory)


def quiz_module(**module_kwargs) -> Module:
    """A module with one lesson and two questions: a single-choice and a multiple-choice.

    Correct answers: question 1 → "Right"; question 2 → "Yes A" and "Yes B".
    """
    module = ModuleFactory(**module_kwargs)
    LessonFactory(module=module, title="The only lesson")
    single = QuestionFactory(module=module, text="Pick the right one", kind=Question.Kind.SINGLE)
    AnswerFactory(question=single, text="Right", is_correct=True)
    AnswerFactory(question=single, text="Wrong", is_correct=False)
    multiple = QuestionFactory(module=module, text="Pick both yeses", kind=Question.Kind.MULTIPLE)
    AnswerFactory(question=multiple, text="Yes A", is_correct=True)
    AnswerFactory(question=multiple, text="Yes B", is_correct=True)
    AnswerFactory(question=multiple, text="No", is_correct=False)
    return module


def answers_for(module: Module, *, correct: bool) -> dict[int, list[int]]:
    """question id → answer ids: every question right, or every question wrong."""
    chosen = {}
    for question in module.questions.order_by("position"):
        answers = list(question.answers.order_by("id"))
        picked = [a.pk for a in answers if a.is_correct == correct]
        if question.kind == Question.Kind.SINGLE:
            picked = picked[:1]
        chosen[question.pk] = picked
    return chosen
