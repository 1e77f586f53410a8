"""Writes for the programme, guidelines, caption rules and training. Keyword-only, atomic."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import Notification, User
from accounts.services import audit_record
from training import tasks  # tasks imports this module too: use tasks.<name> at call time only
from training.models import (
    PROGRAMME_ID,
    Answer,
    Completion,
    GuidelineAcknowledgement,
    GuidelineVersion,
    Lesson,
    LessonRead,
    Module,
    Programme,
    Question,
    QuestionResult,
    QuizAttempt,
)
from training.selectors import guideline_current, users_without_current_acknowledgement


class TrainingError(Exception):
    """An expected failure; ``str()`` is a translated message for the person."""


class NothingToAcknowledge(TrainingError):
    pass


class QuizRejected(TrainingError):
    pass


# --- Programme: mission, caption rules, settings ---------------------------------------------

PROGRAMME_FIELDS = {
    "mission_en",
    "mission_nb",
    "sharing_gate_enabled",
    "two_person_approval",
    "disclosure_en",
    "disclosure_nb",
    "forbidden_phrases",
    "max_hashtags",
    "max_links",
}


@transaction.atomic
def programme_update(*, by: User, **changes) -> Programme:
    """Change some of the programme's fields (mission, caption rules or the sharing gate)."""
    unknown = set(changes) - PROGRAMME_FIELDS
    if unknown:
        raise ValueError(f"Unknown programme fields: {sorted(unknown)}")
    programme, _created = Programme.objects.select_for_update().get_or_create(pk=PROGRAMME_ID)
    changed = sorted(k for k, v in changes.items() if getattr(programme, k) != v)
    for key, value in changes.items():
        setattr(programme, key, value)
    programme.updated_at = timezone.now()
    programme.save()
    if changed:
        audit_record(
            actor=by,
            action=AuditAction.SETTINGS_CHANGED,
            target=programme,
            detail={"area": "programme", "fields": changed},
        )
    return programme


# --- Guidelines ------------------------------------------------------------------------------


@transaction.atomic
def guidelines_publish(
    *,
    by: User,
    body_en: str,
    body_nb: str = "",
    change_summary: str,
    change_summary_nb: str = "",
) -> GuidelineVersion:
    """Publish a new guidelines version; everyone is asked to acknowledge it again."""
    change_summary = " ".join(change_summary.split())
    if not change_summary:
        raise TrainingError(_("Say in a few words what changed in this version."))
    if not body_en.strip():
        raise TrainingError(_("The guidelines text cannot be empty."))
    # Serialise publishers: the number is the next one, exactly once.
    Programme.objects.select_for_update().get_or_create(pk=PROGRAMME_ID)
    last = GuidelineVersion.objects.aggregate(n=Max("number"))["n"] or 0
    version = GuidelineVersion.objects.create(
        number=last + 1,
        body_en=body_en,
        body_nb=body_nb,
        change_summary=change_summary,
        change_summary_nb=" ".join(change_summary_nb.split()),
        published_by=by,
    )
    audit_record(
        actor=by,
        action=AuditAction.GUIDELINES_PUBLISHED,
        target=version,
        detail={"number": version.number},
    )
    transaction.on_commit(lambda: tasks.announce_guidelines.delay(version.pk))
    return version


NOTIFICATION_KIND_GUIDELINES = "training.guidelines_published"
ANNOUNCE_BATCH_SIZE = 1000


def _announcement(version: GuidelineVersion, language: str) -> tuple[str, str]:
    """The notification's title and body in ``language``."""
    with translation.override(language):
        title = _("New posting guidelines (version %(number)d)") % {"number": version.number}
        body = _("What changed: %(summary)s Please read and acknowledge them.") % {
            "summary": version.summary_for(translation.get_language() or "")
        }
    return title[:200], body


@transaction.atomic
def guidelines_announce(*, version: GuidelineVersion) -> int:
    """Tell everyone who has not acknowledged ``version`` that it is out. Exactly once.

    The version row is claimed with a conditional UPDATE: a retried or duplicated task
    finds it claimed and sends nothing. The claim and the notifications commit together.
    The notifications are inserted in batches, one statement per batch, each in the
    recipient's language. Returns how many people were notified.
    """
    claimed = GuidelineVersion.objects.filter(pk=version.pk, announced_at__isnull=True).update(
        announced_at=timezone.now()
    )
    current = guideline_current()
    if not claimed or current is None or current.pk != version.pk:
        return 0
    url = reverse("training:programme") + "#guidelines"
    texts: dict[str, tuple[str, str]] = {}
    recipients = (
        users_without_current_acknowledgement().order_by("pk").values_list("pk", "language")
    )
    count, last_pk = 0, 0
    while batch := list(recipients.filter(pk__gt=last_pk)[:ANNOUNCE_BATCH_SIZE]):
        notifications = []
        for user_id, language in batch:
            language = language or settings.LANGUAGE_CODE
            if language not in texts:
                texts[language] = _announcement(version, language)
            title, body = texts[language]
            notifications.append(
                Notification(
                    recipient_id=user_id,
                    kind=NOTIFICATION_KIND_GUIDELINES,
                    title=title,
                    body=body,
                    url=url,
                )
            )
        Notification.objects.bulk_create(notifications)
        count += len(notifications)
        last_pk = batch[-1][0]
        if len(batch) < ANNOUNCE_BATCH_SIZE:
            break
    return count


@transaction.atomic
def guidelines_acknowledge(
    *, user: User, version_id: int | None = None
) -> GuidelineAcknowledgement:
    """``user`` acknowledges the current version (idempotent).

    ``version_id`` is the version the person read; acknowledging an old version while a
    newer one exists is refused so nobody agrees to text they have not seen.
    """
    current = GuidelineVersion.objects.current()
    if current is None:
        raise NothingToAcknowledge(_("No posting guidelines have been published yet."))
    if version_id is not None and version_id != current.pk:
        raise NothingToAcknowledge(
            _("A newer version of the guidelines has been published. Read it, then acknowledge.")
        )
    ack, created = GuidelineAcknowledgement.objects.get_or_create(user=user, version=current)
    if created:
        audit_record(
            actor=user,
            action=AuditAction.GUIDELINES_ACKNOWLEDGED,
            target=current,
            detail={"number": current.number},
        )
    return ack


# --- Modules, lessons and questions ----------------------------------------------------------


@transaction.atomic
def module_save(*, by: User, module: Module, teams: Sequence | None = None) -> Module:
    """Create or update a module from a validated (unsaved) instance."""
    module.save()
    if teams is not None:
        module.teams.set(teams)
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=module,
        detail={"area": "training_module"},
    )
    return module


@transaction.atomic
def lesson_save(*, by: User, lesson: Lesson) -> Lesson:
    if lesson.pk is None and not lesson.position:
        last = Lesson.objects.filter(module=lesson.module).aggregate(n=Max("position"))["n"]
        lesson.position = (last or 0) + 1
    lesson.save()
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=lesson.module,
        detail={"area": "training_lesson", "lesson": lesson.pk},
    )
    return lesson


@transaction.atomic
def question_save(
    *,
    by: User,
    question: Question,
    answers: Sequence[tuple[str, bool]],
) -> Question:
    """Create or replace a question and its answers. ``answers`` are (text, is_correct)."""
    correct = sum(1 for _text, ok in answers if ok)
    if len(answers) < 2:
        raise TrainingError(_("A question needs at least two answers."))
    if correct == 0:
        raise TrainingError(_("Mark at least one answer as correct."))
    if question.kind == Question.Kind.SINGLE and correct != 1:
        raise TrainingError(_("A single-choice question has exactly one correct answer."))
    if question.pk is None and not question.position:
        last = Question.objects.filter(module=question.module).aggregate(n=Max("position"))["n"]
        question.position = (last or 0) + 1
    question.save()
    question.answers.all().delete()
    Answer.objects.bulk_create(
        [Answer(question=question, text=text, is_correct=ok) for text, ok in answers]
    )
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=question.module,
        detail={"area": "training_question", "question": question.pk},
    )
    return question


@transaction.atomic
def question_delete(*, by: User, question: Question) -> None:
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=question.module,
        detail={"area": "training_question_deleted", "question": question.pk},
    )
    question.delete()


@transaction.atomic
def lesson_mark_read(*, user: User, lesson: Lesson) -> None:
    LessonRead.objects.get_or_create(user=user, lesson=lesson)


# --- Quizzes ---------------------------------------------------------------------------------


def _score(
    questions: Sequence[Question], chosen: Mapping[int, list[int]]
) -> tuple[int, dict[int, bool]]:
    results: dict[int, bool] = {}
    for question in questions:
        correct_ids = {a.pk for a in question.answers.all() if a.is_correct}
        results[question.pk] = set(chosen.get(question.pk, [])) == correct_ids
    right = sum(results.values())
    score = (right * 100) // len(questions) if questions else 0
    return score, results


@transaction.atomic
def quiz_submit(*, user: User, module: Module, chosen: Mapping[int, list[int]]) -> QuizAttempt:
    """Score ``chosen`` (question id → answer ids) and record the attempt.

    Anything a quiz form cannot produce — a question that is not in this quiz, an answer
    that belongs to another question, the same answer twice, two answers to a
    single-choice question, an unanswered question — is refused and nothing is saved.
    Passing completes the module (and issues its certificate).
    """
    # Lock the person's row so two parallel submissions cannot both count.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if Completion.objects.filter(user=user, module=module).exists():
        raise QuizRejected(_("You have already passed this quiz."))
    attempts = QuizAttempt.objects.filter(user=user, module=module).count()
    if module.max_attempts is not None and attempts >= module.max_attempts:
        raise QuizRejected(_("You have used all your attempts at this quiz."))
    questions = list(module.questions.prefetch_related("answers").order_by("position", "id"))
    if not questions:
        raise QuizRejected(_("This module has no quiz yet."))
    by_id = {q.pk: q for q in questions}
    unknown = set(chosen) - set(by_id)
    if unknown:
        raise QuizRejected(_("The answers do not match this quiz. Reload the page and try again."))
    for question in questions:
        picked = list(chosen.get(question.pk, []))
        if not picked:
            raise QuizRejected(
                _("Answer every question. “%(question)s” has no answer.")
                % {"question": question.text}
            )
        if len(picked) != len(set(picked)):
            raise QuizRejected(
                _("The answers do not match this quiz. Reload the page and try again.")
            )
        if not set(picked) <= {a.pk for a in question.answers.all()}:
            raise QuizRejected(
                _("The answers do not match this quiz. Reload the page and try again.")
            )
        if question.kind == Question.Kind.SINGLE and len(picked) > 1:
            raise QuizRejected(
                _("Choose one answer to “%(question)s”.") % {"question": question.text}
            )
    score, results = _score(questions, chosen)
    passed = score >= module.pass_mark
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user=user, module=module, score=score, passed=passed
            )
    except IntegrityError as exc:  # a parallel pass won the race
        raise QuizRejected(_("You have already passed this quiz.")) from exc
    QuestionResult.objects.bulk_create(
        [
            QuestionResult(attempt=attempt, question_id=qid, correct=ok)
            for qid, ok in results.items()
        ]
    )
    if passed:
        Completion.objects.create(user=user, module=module)
    return attempt
