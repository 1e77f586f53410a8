"""Training modules, their lessons and quizzes, for the person taking them."""

from __future__ import annotations

import random

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from training import selectors, services
from training.models import Module
from training.views import deny


@login_required
@require_GET
def modules(request):
    visible = list(selectors.modules_for(user=request.user))
    for module in visible:
        module.due = selectors.module_due_date(module=module, user=request.user)
        module.percent = _progress_percent(module)
    return render(
        request,
        "training/modules.html",
        {
            "modules": [m for m in visible if not m.completed_at],
            "completed": [m for m in visible if m.completed_at],
        },
    )


def _progress_percent(module) -> int:
    steps = module.lesson_count + 1  # the quiz is the last step
    done = module.lessons_read + (1 if module.completed_at else 0)
    return (done * 100) // steps


def _visible_module_or_404(request, module_id: int) -> Module:
    module = selectors.module_for(user=request.user, module_id=module_id)
    if module is None:
        deny(request, Module.objects.filter(pk=module_id).first())
    return module


def _lesson_index_or_404(request, lessons, lesson_id: int) -> int:
    """Where lesson ``lesson_id`` is among ``lessons`` (one visible module's)."""
    index = next((i for i, lesson in enumerate(lessons) if lesson.pk == lesson_id), None)
    if index is None:
        deny(request, selectors.lesson_hidden_from(user=request.user, lesson_id=lesson_id))
    return index


@login_required
@require_GET
def module_detail(request, pk: int):
    module = _visible_module_or_404(request, pk)
    module.percent = _progress_percent(module)
    return render(
        request,
        "training/module.html",
        {
            "module": module,
            "lessons": selectors.module_lessons(module=module, user=request.user),
            "due": selectors.module_due_date(module=module, user=request.user),
        },
    )


@login_required
@require_GET
def lesson_detail(request, pk: int, lesson_pk: int):
    module = _visible_module_or_404(request, pk)
    lessons = selectors.module_lessons(module=module, user=request.user)
    index = _lesson_index_or_404(request, lessons, lesson_pk)
    return render(
        request,
        "training/lesson.html",
        {
            "module": module,
            "lesson": lessons[index],
            "number": index + 1,
            "total": len(lessons),
            "next_lesson": lessons[index + 1] if index + 1 < len(lessons) else None,
        },
    )


@login_required
@require_POST
def lesson_read(request, pk: int, lesson_pk: int):
    module = _visible_module_or_404(request, pk)
    lessons = selectors.module_lessons(module=module, user=request.user)
    index = _lesson_index_or_404(request, lessons, lesson_pk)
    services.lesson_mark_read(user=request.user, lesson=lessons[index])
    if index + 1 < len(lessons):
        return redirect("training:lesson", pk=module.pk, lesson_pk=lessons[index + 1].pk)
    return redirect("training:quiz", pk=module.pk)


def _parse_quiz(post) -> dict[int, list[int]] | None:
    """question id → chosen answer ids from ``question-<id>`` fields; None if malformed."""
    chosen: dict[int, list[int]] = {}
    for key in post:
        if not key.startswith("question-"):
            continue
        try:
            question_id = int(key.removeprefix("question-"))
            chosen[question_id] = [int(value) for value in post.getlist(key)]
        except ValueError:
            return None
    return chosen


@login_required
@require_http_methods(["GET", "POST"])
def quiz(request, pk: int):
    module = _visible_module_or_404(request, pk)
    error = None
    attempt = None
    if request.method == "POST":
        chosen = _parse_quiz(request.POST)
        if chosen is None:
            return HttpResponseBadRequest(_("The answers do not match this quiz."))
        try:
            attempt = services.quiz_submit(user=request.user, module=module, chosen=chosen)
        except services.QuizRejected as exc:
            error = str(exc)
        else:
            if attempt.passed:
                messages.success(
                    request,
                    _("You passed with %(score)d%%. The module is complete.")
                    % {"score": attempt.score},
                )
                return redirect("training:module", pk=module.pk)
        module = _visible_module_or_404(request, pk)
    questions = selectors.quiz_questions(module=module)
    for question in questions:
        # A new order on every render (every attempt), so the right answer has no fixed place.
        # The order is not a secret; the module RNG keeps it reproducible under random.seed().
        question.shuffled = list(question.answers.all())
        random.shuffle(question.shuffled)
    attempts = selectors.quiz_attempt_count(user=request.user, module=module)
    remaining = None if module.max_attempts is None else max(0, module.max_attempts - attempts)
    return render(
        request,
        "training/quiz.html",
        {
            "module": module,
            "questions": questions,
            "attempt": attempt,
            "error": error,
            "attempts": attempts,
            "remaining": remaining,
        },
        status=400 if error else 200,
    )
