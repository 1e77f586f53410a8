"""The Django admin shows the programme's data read-only.

Changes go through the in-app pages under /programme/manage/, which validate (one correct
answer for a single-choice question, due rules, safe video links) and write audit rows.
"""

from django.contrib import admin

from ambassador.admin import ReadOnlyAdminMixin as ReadOnlyMixin
from training.models import (
    Answer,
    Completion,
    GuidelineVersion,
    Lesson,
    Module,
    Programme,
    Question,
)


class LessonInline(ReadOnlyMixin, admin.StackedInline):
    model = Lesson
    extra = 0


class AnswerInline(ReadOnlyMixin, admin.TabularInline):
    model = Answer
    extra = 0


@admin.register(Module)
class ModuleAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "audience", "is_published", "is_required", "position"]
    list_filter = ["audience", "is_published", "is_required"]
    inlines = [LessonInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["text", "module", "kind", "position"]
    list_filter = ["module"]
    inlines = [AnswerInline]


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Versions are published in the app, never edited."""

    list_display = ["number", "change_summary", "published_at"]


@admin.register(Completion)
class CompletionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Certificates are earned by passing a quiz, never created by hand."""

    list_display = ["user", "module", "completed_at", "code"]
    search_fields = ["code", "user__email"]


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The mission, caption rules and sharing gate are edited in the app (audited)."""

    list_display = ["pk", "sharing_gate_enabled", "updated_at"]
