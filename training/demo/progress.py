"""Generated progress (acknowledgements, lesson reads, quiz attempts, completions) and the
demo employee's journey put back at its start."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from training.models import (
    Completion,
    GuidelineAcknowledgement,
    LessonRead,
    Module,
    QuestionResult,
    QuizAttempt,
    new_verification_code,
)

JOURNEY_EMAIL = "employee@example.com"


def progress_generate(rng, people, managers, v1, v2, modules) -> int:
    now = timezone.now()
    acks, reads, completions, attempts, outcomes = [], [], [], [], []
    for user in people:
        if rng.random() < 0.85:
            acks.append(
                GuidelineAcknowledgement(
                    user=user, version=v1, acknowledged_at=v1.published_at + dt.timedelta(days=5)
                )
            )
            if rng.random() < 0.55:
                acks.append(
                    GuidelineAcknowledgement(
                        user=user, version=v2, acknowledged_at=now - dt.timedelta(days=1)
                    )
                )
        for module, lessons, questions, rates in modules:
            if module.audience == Module.Audience.MANAGERS and user.pk not in managers:
                continue
            roll = rng.random()
            if roll < 0.3:
                continue  # not started
            read_count = len(lessons) if roll > 0.45 else rng.randint(1, len(lessons))
            reads += [LessonRead(user=user, lesson=lesson) for lesson in lessons[:read_count]]
            if read_count < len(lessons):
                continue
            when = now - dt.timedelta(days=rng.randint(4, 90))
            tries = 2 if rng.random() < 0.3 else 1
            for attempt_index in range(tries):
                passed = attempt_index == tries - 1
                correct = [passed or rng.random() > rate * 2 for rate in rates]
                if not passed and all(correct):
                    correct[0] = False
                score = sum(correct) * 100 // len(questions)
                attempts.append(
                    QuizAttempt(user=user, module=module, score=score, passed=passed,
                                created_at=when)
                )  # fmt: skip
                outcomes.append(list(zip(questions, correct, strict=True)))
            completions.append(
                Completion(
                    user=user, module=module, completed_at=when, code=new_verification_code()
                )
            )
    GuidelineAcknowledgement.objects.bulk_create(acks, ignore_conflicts=True)
    LessonRead.objects.bulk_create(reads, ignore_conflicts=True)
    saved = QuizAttempt.objects.bulk_create(attempts)
    QuestionResult.objects.bulk_create(
        [
            QuestionResult(attempt=attempt, question=question, correct=ok)
            for attempt, pairs in zip(saved, outcomes, strict=True)
            for question, ok in pairs
        ]
    )
    Completion.objects.bulk_create(completions, ignore_conflicts=True)
    return len(completions)


def journey_reset(v1, v2, modules) -> None:
    user = User.objects.filter(email=JOURNEY_EMAIL).first()
    if user is None:
        return
    GuidelineAcknowledgement.objects.filter(user=user, version=v2).delete()
    GuidelineAcknowledgement.objects.get_or_create(
        user=user, version=v1, defaults={"acknowledged_at": v1.published_at + dt.timedelta(days=2)}
    )
    required = [m for m, _l, _q, _r in modules if m.is_required]
    Completion.objects.filter(user=user, module__in=required).delete()
    QuizAttempt.objects.filter(user=user, module__in=required).delete()
    LessonRead.objects.filter(user=user, lesson__module__in=required).delete()
