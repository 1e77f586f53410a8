"""Training modules as a person sees them: lessons, quizzes, due dates, question statistics."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts import selectors as accounts_selectors
from accounts.models import User
from training.models import Answer, Completion, Lesson, LessonRead, Module, Question, QuizAttempt


def _visible_modules_q(*, user: User) -> Q:
    """Published modules for ``user``'s role and teams."""
    q = Q(is_published=True)
    is_manager = user.is_admin or accounts_selectors.user_is_manager(user=user)
    if not is_manager:
        q &= Q(audience=Module.Audience.EVERYONE)
    team_ids = accounts_selectors.user_team_ids(user=user)
    untargeted = ~Exists(Module.teams.through.objects.filter(module_id=OuterRef("pk")))
    targeted_here = Exists(
        Module.teams.through.objects.filter(module_id=OuterRef("pk"), team_id__in=team_ids)
    )
    return q & (untargeted | targeted_here)


def modules_for(*, user: User) -> QuerySet[Module]:
    """Modules ``user`` may take, with their progress (lessons read, completion)."""
    return (
        Module.objects.filter(_visible_modules_q(user=user))
        .annotate(
            lesson_count=Count("lessons", distinct=True),
            lessons_read=Count(
                "lessons__reads", filter=Q(lessons__reads__user=user), distinct=True
            ),
            completed_at=Subquery(
                Completion.objects.filter(user=user, module=OuterRef("pk")).values("completed_at")[
                    :1
                ]
            ),
            certificate_code=Subquery(
                Completion.objects.filter(user=user, module=OuterRef("pk")).values("code")[:1]
            ),
        )
        .order_by("position", "id")
    )


def module_for(*, user: User, module_id: int) -> Module | None:
    return modules_for(user=user).filter(pk=module_id).first()


def module_lessons(*, module: Module, user: User) -> list[Lesson]:
    return list(
        module.lessons.annotate(
            is_read=Exists(LessonRead.objects.filter(user=user, lesson=OuterRef("pk")))
        ).order_by("position", "id")
    )


def lesson_hidden_from(*, user: User, lesson_id: int) -> Lesson | None:
    """Lesson ``lesson_id`` if it exists in a module ``user`` may not take, else None."""
    hidden = ~Q(module__in=Module.objects.filter(_visible_modules_q(user=user)))
    return Lesson.objects.filter(hidden, pk=lesson_id).first()


def quiz_questions(*, module: Module) -> list[Question]:
    return list(
        module.questions.prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("id"))
        ).order_by("position", "id")
    )


def quiz_attempt_count(*, user: User, module: Module) -> int:
    return QuizAttempt.objects.filter(user=user, module=module).count()


def module_due_date(*, module: Module, user: User) -> dt.date | None:
    if module.due_date:
        return module.due_date
    if module.due_days_after_joining is not None:
        joined = timezone.localdate(user.date_joined)
        return joined + dt.timedelta(days=module.due_days_after_joining)
    return None


def question_failure_stats(*, module: Module) -> QuerySet[Question]:
    """The module's questions, most often failed first."""
    return module.questions.annotate(
        answered=Count("results"),
        failed=Count("results", filter=Q(results__correct=False)),
    ).order_by("-failed", "position", "id")
