"""Programme page, guidelines, the live caption check, training, certificates and team status."""

from __future__ import annotations

import random

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as accounts_selectors
from accounts.audit import AuditAction
from accounts.decorators import manager_required
from accounts.models import Team
from accounts.services import audit_record
from training import selectors, services
from training.diff import line_diff
from training.forms import CaptionCheckForm, GuidelineCompareForm
from training.models import GuidelineVersion, Lesson, Module

PAGE_SIZE = 25


def _language() -> str:
    return "nb" if (get_language() or "").startswith("nb") else "en"


# --- Programme page and guidelines -----------------------------------------------------------


@login_required
@require_GET
def programme(request):
    programme = selectors.programme_get()
    current = selectors.guideline_current()
    language = _language()
    context = {
        "mission": programme.mission_for(language),
        "current": current,
        "guidelines_body": current.body_for(language) if current else "",
        "acknowledged": selectors.guideline_has_acknowledged(user=request.user, version=current),
        "gate": selectors.sharing_gate(user=request.user),
        "gate_enabled": programme.sharing_gate_enabled,
        "rules": selectors.caption_rules_for(language=language, programme=programme),
        "check_form": CaptionCheckForm(),
    }
    return render(request, "training/programme.html", context)


@login_required
@require_POST
def guidelines_acknowledge(request):
    try:
        version_id = int(request.POST.get("version", ""))
    except ValueError:
        version_id = None
    try:
        services.guidelines_acknowledge(user=request.user, version_id=version_id)
    except services.TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you. You have acknowledged the posting guidelines."))
    return redirect("training:programme")


@login_required
@require_GET
def guideline_versions(request):
    page = Paginator(selectors.guideline_versions(), PAGE_SIZE).get_page(request.GET.get("page"))
    versions = list(GuidelineVersion.objects.order_by("-number").only("number")[:200])
    return render(
        request,
        "training/guideline_versions.html",
        {"page": page, "compare_form": GuidelineCompareForm(versions=versions)},
    )


@login_required
@require_GET
def guideline_version(request, number: int):
    version = get_object_or_404(
        GuidelineVersion.objects.select_related("published_by"), number=number
    )
    current = selectors.guideline_current()
    return render(
        request,
        "training/guideline_version.html",
        {
            "version": version,
            "body": version.body_for(_language()),
            "is_current": current is not None and current.pk == version.pk,
        },
    )


@login_required
@require_GET
def guideline_diff(request):
    versions = list(GuidelineVersion.objects.order_by("-number"))
    form = GuidelineCompareForm(request.GET, versions=versions)
    if not form.is_valid():
        return render(
            request, "training/guideline_diff.html", {"form": form, "rows": None}, status=400
        )
    by_number = {v.number: v for v in versions}
    old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
    language = _language()
    rows = line_diff(old.body_for(language), new.body_for(language))
    return render(
        request,
        "training/guideline_diff.html",
        {"form": form, "old": old, "new": new, "rows": rows},
    )


@login_required
@require_POST
def caption_check(request):
    """The live check of a draft caption: an HTMX partial, or a full page without JavaScript."""
    form = CaptionCheckForm(request.POST)
    context = {"check_form": form, "checked": False}
    if form.is_valid():
        language = _language()
        caption, network = form.cleaned_data["caption"], form.cleaned_data["network"]
        context.update(
            checked=True,
            violations=selectors.caption_violations(
                caption=caption, network=network, language=language
            ),
            final_text=selectors.caption_final_text(
                caption=caption, network=network, language=language
            ),
        )
    template = "training/_caption_result.html" if request.htmx else "training/caption_check.html"
    return render(request, template, context)


# --- Training --------------------------------------------------------------------------------


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
        raise Http404
    return module


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
    index = next((i for i, lesson in enumerate(lessons) if lesson.pk == lesson_pk), None)
    if index is None:
        raise Http404
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
    lesson = get_object_or_404(Lesson, pk=lesson_pk, module=module)
    services.lesson_mark_read(user=request.user, lesson=lesson)
    following = module.lessons.filter(position__gt=lesson.position).order_by("position").first()
    if following:
        return redirect("training:lesson", pk=module.pk, lesson_pk=following.pk)
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


@login_required
@require_GET
def certificate(request, code: str):
    completion = selectors.completion_by_code(code=code)
    if completion is None or completion.user_id != request.user.pk:
        raise Http404
    return render(request, "training/certificate.html", {"completion": completion})


@require_GET
def verify(request, code: str | None = None):
    """Public: anyone can check a certificate's code, without signing in."""
    code = code or request.GET.get("code", "")
    completion = selectors.completion_by_code(code=code) if code else None
    return render(
        request,
        "training/verify.html",
        {"code": code, "completion": completion},
        status=404 if code and completion is None else 200,
    )


# --- Status for managers and admins ----------------------------------------------------------


MODULE_COLUMNS = 10  # module columns per page of the team table
MODULE_ROWS = 25


def _published_modules():
    return Module.objects.filter(is_published=True).order_by("position", "id")


@manager_required
@require_GET
def team_status(request):
    """Acknowledgement and completion figures per team: aggregates only, never individuals.

    Every published module is shown; the module columns are paged (``?modules=``) so the
    table stays readable, and the page says which modules it shows out of how many.
    """
    teams = accounts_selectors.teams_managed_by(user=request.user)
    page = Paginator(teams.order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    module_page = Paginator(_published_modules(), MODULE_COLUMNS).get_page(
        request.GET.get("modules")
    )
    tracked = list(module_page.object_list)
    statuses = selectors.team_statuses(
        teams=teams.filter(pk__in=[t.pk for t in page.object_list]), modules=tracked
    )
    for status in statuses:
        status.module_rows = [(m, status.completions[m.pk]) for m in tracked]
    return render(
        request,
        "training/team_status.html",
        {
            "page": page,
            "query": f"modules={module_page.number}",
            "module_page": module_page,
            "statuses": statuses,
            "modules": tracked,
            "current": selectors.guideline_current(),
        },
    )


@manager_required
@require_GET
def team_detail(request, pk: int):
    """One team: guideline acknowledgement by name (issue 5), training completion as team
    figures per module (SECURITY 28). Only admins also see each person's completed modules."""
    team = accounts_selectors.teams_managed_by(user=request.user).filter(pk=pk).first()
    if team is None:
        audit_record(
            actor=request.user,
            action=AuditAction.ACCESS_DENIED,
            detail={"path": request.path[:200], "team": pk},
        )
        raise Http404
    page = Paginator(selectors.team_people_status(team=team), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    module_page = Paginator(_published_modules(), MODULE_ROWS).get_page(request.GET.get("modules"))
    [status] = selectors.team_statuses(
        teams=Team.objects.filter(pk=team.pk), modules=list(module_page.object_list)
    )
    module_rows = [
        (
            module,
            status.completions[module.pk],
            (status.completions[module.pk] * 100) // status.members if status.members else 0,
        )
        for module in module_page.object_list
    ]
    show_individuals = request.user.is_admin
    if show_individuals:
        titles = dict(_published_modules().values_list("pk", "title"))
        done = selectors.person_completed_module_ids(users=list(page.object_list))
        for person in page.object_list:
            person.completed_titles = sorted(titles[m] for m in done[person.pk] if m in titles)
    return render(
        request,
        "training/team_detail.html",
        {
            "team": team,
            "page": page,
            "query": f"modules={module_page.number}",
            "module_page": module_page,
            "module_rows": module_rows,
            "members": status.members,
            "show_individuals": show_individuals,
            "current": selectors.guideline_current(),
        },
    )
