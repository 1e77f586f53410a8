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
from accounts.models import User
from accounts.notifications import draft_for, notifications_create, with_delivery
from accounts.services import audit_record
from ambassador import translated
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
    *translated.localized_fields("mission", "disclosure"),
    "sharing_gate_enabled",
    "two_person_approval",
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
    translated.save_in_default_language(programme)
    if changed:
        audit_record(
            actor=by,
            action=AuditAction.SETTINGS_CHANGED,
            target=programme,
            detail={"area": "programme", "fields": changed},
        )
    return programme


# --- Guidelines ------------------------------------------------------------------------------


GUIDELINE_TEXTS = set(translated.localized_fields("body", "change_summary"))


@transaction.atomic
def guidelines_publish(*, by: User, change_summary: str = "", **texts: str) -> GuidelineVersion:
    """Publish a new guidelines version; everyone is asked to acknowledge it again.

    ``texts`` are the body and change summary per language (``body_en``,
    ``change_summary_nb``, …); the default language's are required. ``change_summary``
    alone is the default language's summary.
    """
    unknown = set(texts) - GUIDELINE_TEXTS
    if unknown:
        raise ValueError(f"Unknown guideline texts: {sorted(unknown)}")
    default = translated.default_language()
    summaries = {
        language: " ".join(texts.get(translated.localized("change_summary", language), "").split())
        for language in translated.content_languages()
    }
    if change_summary:
        summaries[default] = " ".join(change_summary.split())
    if not summaries[default]:
        raise TrainingError(_("Say in a few words what changed in this version."))
    if not texts.get(translated.localized("body", default), "").strip():
        raise TrainingError(_("The guidelines text cannot be empty."))
    # Serialise publishers: the number is the next one, exactly once.
    Programme.objects.select_for_update().get_or_create(pk=PROGRAMME_ID)
    last = GuidelineVersion.objects.aggregate(n=Max("number"))["n"] or 0
    version = GuidelineVersion(number=last + 1, published_by=by)
    for language in translated.content_languages():
        body_field = translated.localized("body", language)
        setattr(version, body_field, texts.get(body_field, ""))
        setattr(version, translated.localized("change_summary", language), summaries[language])
    translated.save_in_default_language(version)
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
            "summary": version.summary_for(language)
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
    now = timezone.now()
    texts: dict[str, tuple[str, str]] = {}
    # Through the notification rows: each person's channels and quiet hours decide how and
    # when it reaches them, and the (subject, period) pair keeps it to one row per version.
    people = with_delivery(
        users_without_current_acknowledgement(), kind=NOTIFICATION_KIND_GUIDELINES
    ).order_by("pk")
    count, last_pk = 0, 0
    while batch := list(people.filter(pk__gt=last_pk)[:ANNOUNCE_BATCH_SIZE]):
        drafts = []
        for person in batch:
            language = person.language or settings.LANGUAGE_CODE
            if language not in texts:
                texts[language] = _announcement(version, language)
            title, body = texts[language]
            drafts.append(
                draft_for(
                    person,
                    kind=NOTIFICATION_KIND_GUIDELINES,
                    subject=f"training.guidelineversion:{version.pk}",
                    period="published",
                    title=title,
                    body=body,
                    url=url,
                    now=now,
                )
            )
        count += notifications_create(drafts=drafts, now=now)
        last_pk = batch[-1].pk
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
    translated.save_in_default_language(module)
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
    translated.save_in_default_language(lesson)
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=lesson.module,
        detail={"area": "training_lesson", "lesson": lesson.pk},
    )
    return lesson


def _answer_texts(text: str | Mapping[str, str]) -> dict[str, str]:
    """An answer's text per language; a plain string is the default language's."""
    if isinstance(text, str):
        return {translated.default_language(): text}
    return dict(text)


@transaction.atomic
def question_save(
    *,
    by: User,
    question: Question,
    answers: Sequence[tuple[str | Mapping[str, str], bool]],
) -> Question:
    """Create or replace a question and its answers.

    ``answers`` are (text, is_correct), the text per language (language → text) or the
    default language's alone; every answer needs the default language's text.
    """
    default = translated.default_language()
    texts = [(_answer_texts(text), ok) for text, ok in answers]
    if any(not by_language.get(default, "").strip() for by_language, _ok in texts):
        raise TrainingError(_("Every answer needs a text in the default language."))
    correct = sum(1 for _text, ok in texts if ok)
    if len(texts) < 2:
        raise TrainingError(_("A question needs at least two answers."))
    if correct == 0:
        raise TrainingError(_("Mark at least one answer as correct."))
    if question.kind == Question.Kind.SINGLE and correct != 1:
        raise TrainingError(_("A single-choice question has exactly one correct answer."))
    if question.pk is None and not question.position:
        last = Question.objects.filter(module=question.module).aggregate(n=Max("position"))["n"]
        question.position = (last or 0) + 1
    translated.save_in_default_language(question)
    question.answers.all().delete()
    rows = []
    for by_language, ok in texts:
        answer = Answer(question=question, is_correct=ok, text=by_language[default])
        for language in translated.content_languages():
            setattr(answer, translated.localized("text", language), by_language.get(language, ""))
        rows.append(answer)
    with translation.override(default):  # the untranslated column: the default language's
        Answer.objects.bulk_create(rows)
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
