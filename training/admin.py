from django.contrib import admin

from training.models import (
    Answer,
    Completion,
    GuidelineVersion,
    Lesson,
    Module,
    Programme,
    Question,
)


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 2


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "is_published", "is_required", "position"]
    list_filter = ["audience", "is_published", "is_required"]
    filter_horizontal = ["teams"]
    inlines = [LessonInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "module", "kind", "position"]
    list_filter = ["module"]
    inlines = [AnswerInline]


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are published in the app, never edited."""

    list_display = ["number", "change_summary", "published_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["user", "module", "completed_at", "code"]
    search_fields = ["code", "user__email"]
    readonly_fields = ["user", "module", "completed_at", "code"]


admin.site.register(Programme)
