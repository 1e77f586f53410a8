"""The training texts written in every content language (see ambassador/translated.py)."""

from modeltranslation.translator import TranslationOptions, register

from training.models import Answer, GuidelineVersion, Lesson, Module, Programme, Question


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ("mission", "disclosure")


@register(GuidelineVersion)
class GuidelineVersionTranslation(TranslationOptions):
    fields = ("body", "change_summary")


@register(Module)
class ModuleTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Lesson)
class LessonTranslation(TranslationOptions):
    fields = ("title", "body", "image_alt")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text",)


@register(Answer)
class AnswerTranslation(TranslationOptions):
    fields = ("text",)
