"""Admin pages: mission, guidelines, caption rules, programme settings, modules and quizzes."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import admin_required
from ambassador import translated
from training import selectors, services
from training.forms import (
    CaptionRulesForm,
    GuidelinesPublishForm,
    LessonForm,
    MissionForm,
    ModuleForm,
    ProgrammeSettingsForm,
    QuestionForm,
    question_initial,
)
from training.models import Lesson, Module, Question

PAGE_SIZE = 25


@admin_required
@require_GET
def manage(request):
    return render(
        request,
        "training/manage/index.html",
        {"programme": selectors.programme_get(), "current": selectors.guideline_current()},
    )


def _programme_form_view(request, *, form_class, title: str, intro: str, success: str):
    programme = selectors.programme_get()
    if request.method == "POST":
        form = form_class(request.POST, instance=programme)
        if form.is_valid():
            services.programme_update(
                by=request.user,
                **{name: form.cleaned_data[name] for name in form_class.Meta.fields},
            )
            messages.success(request, success)
            return redirect("training:manage")
    else:
        form = form_class(instance=programme)
    return render(
        request, "training/manage/form.html", {"form": form, "title": title, "intro": intro}
    )


@admin_required
@require_http_methods(["GET", "POST"])
def manage_mission(request):
    return _programme_form_view(
        request,
        form_class=MissionForm,
        title=_("Mission"),
        intro=_("The programme's purpose, shown to everyone above the posting guidelines."),
        success=_("The mission is saved."),
    )


@admin_required
@require_http_methods(["GET", "POST"])
def manage_caption_rules(request):
    return _programme_form_view(
        request,
        form_class=CaptionRulesForm,
        title=_("Caption rules"),
        intro=_(
            "Every caption is checked against these rules before it is shared. "
            "The disclosure is added to the end of every caption and cannot be removed."
        ),
        success=_("The caption rules are saved."),
    )


@admin_required
@require_http_methods(["GET", "POST"])
def manage_settings(request):
    return _programme_form_view(
        request,
        form_class=ProgrammeSettingsForm,
        title=_("Programme settings"),
        intro="",
        success=_("The programme settings are saved."),
    )


@admin_required
@require_http_methods(["GET", "POST"])
def manage_guidelines(request):
    current = selectors.guideline_current()
    if request.method == "POST":
        form = GuidelinesPublishForm(request.POST)
        if form.is_valid():
            try:
                version = services.guidelines_publish(by=request.user, **form.cleaned_data)
            except services.TrainingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Version %(number)d is published. Everyone will be asked to acknowledge it.")
                    % {"number": version.number},
                )
                return redirect("training:guideline_version", number=version.number)
    else:
        initial = {
            translated.localized("body", language): translated.text_in(current, "body", language)
            for language in translated.content_languages()
            if current
        }
        form = GuidelinesPublishForm(initial=initial)
    return render(request, "training/manage/guidelines.html", {"form": form, "current": current})


@admin_required
@require_GET
def manage_modules(request):
    modules = Module.objects.annotate(
        lesson_count=Count("lessons", distinct=True),
        question_count=Count("questions", distinct=True),
        completion_count=Count("completions", distinct=True),
    ).order_by("position", "id")
    page = Paginator(modules, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/manage/modules.html", {"page": page})


@admin_required
@require_http_methods(["GET", "POST"])
def manage_module(request, pk: int | None = None):
    module = get_object_or_404(Module, pk=pk) if pk else None
    if request.method == "POST":
        form = ModuleForm(request.POST, instance=module)
        if form.is_valid():
            saved = services.module_save(
                by=request.user, module=form.save(commit=False), teams=form.cleaned_data["teams"]
            )
            messages.success(request, _("The module is saved."))
            return redirect("training:manage_module", pk=saved.pk)
    else:
        form = ModuleForm(
            instance=module, initial={"teams": list(module.teams.all())} if module else None
        )
    context = {"form": form, "module": module}
    if module:
        context["lessons"] = module.lessons.order_by("position", "id")
        context["questions"] = module.questions.prefetch_related("answers").order_by(
            "position", "id"
        )
    return render(request, "training/manage/module.html", context)


@admin_required
@require_http_methods(["GET", "POST"])
def manage_lesson(request, module_pk: int, pk: int | None = None):
    module = get_object_or_404(Module, pk=module_pk)
    lesson = get_object_or_404(Lesson, pk=pk, module=module) if pk else Lesson(module=module)
    if request.method == "POST":
        form = LessonForm(request.POST, request.FILES, instance=lesson)
        if form.is_valid():
            services.lesson_save(by=request.user, lesson=form.save(commit=False))
            messages.success(request, _("The lesson is saved."))
            return redirect("training:manage_module", pk=module.pk)
    else:
        form = LessonForm(instance=lesson)
    return render(
        request, "training/manage/lesson.html", {"form": form, "module": module, "lesson": lesson}
    )


@admin_required
@require_http_methods(["GET", "POST"])
def manage_question(request, module_pk: int, pk: int | None = None):
    module = get_object_or_404(Module, pk=module_pk)
    question = get_object_or_404(Question, pk=pk, module=module) if pk else None
    if request.method == "POST":
        form = QuestionForm(request.POST, module=module, question=question)
        if form.is_valid():
            data = form.cleaned_data
            target = question or Question(module=module)
            for name, text in data["texts"].items():
                setattr(target, name, text)
            target.kind = data["kind"]
            if data.get("position") is not None:
                target.position = data["position"]
            try:
                services.question_save(
                    by=request.user, question=target, answers=data["parsed_answers"]
                )
            except services.TrainingError as exc:
                form.add_error("answers", str(exc))
            else:
                messages.success(request, _("The question is saved."))
                return redirect("training:manage_module", pk=module.pk)
    else:
        form = QuestionForm(
            initial=question_initial(question) if question else None,
            module=module,
            question=question,
        )
    return render(
        request,
        "training/manage/question.html",
        {"form": form, "module": module, "question": question},
    )


@admin_required
@require_POST
def manage_question_delete(request, module_pk: int, pk: int):
    question = get_object_or_404(Question, pk=pk, module_id=module_pk)
    services.question_delete(by=request.user, question=question)
    messages.success(request, _("The question is deleted."))
    return redirect("training:manage_module", pk=module_pk)


@admin_required
@require_GET
def manage_module_stats(request, pk: int):
    module = get_object_or_404(Module, pk=pk)
    return render(
        request,
        "training/manage/module_stats.html",
        {"module": module, "questions": selectors.question_failure_stats(module=module)},
    )
