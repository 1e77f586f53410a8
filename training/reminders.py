"""What training has to say: required modules due soon or overdue, and posting guidelines
still to acknowledge a week after they were published.

Each "who is due" selector returns people through ``accounts.notifications.with_delivery``
(their channels and quiet hours), never a loop of queries over people. The sources are
registered in ``TrainingConfig.ready`` and run by the accounts tick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import Notification, NotificationKind, TeamMembership, User
from accounts.notifications import (
    Draft,
    PreviewLine,
    ReminderSource,
    draft_for,
    in_language_of,
    notifications_create,
    with_delivery,
    zone,
)
from training.models import Completion, GuidelineVersion, Module
from training.selectors import (
    guideline_current,
    module_due_date,
    users_without_current_acknowledgement,
)

WARN_DAYS = 7
OVERDUE_REMINDERS = 3
GUIDELINES_FOLLOW_UP_AFTER = dt.timedelta(days=7)
GUIDELINES_FOLLOW_UP_PERIOD = "follow-up"


# --- Training due ------------------------------------------------------------------------------


def training_period(*, due: dt.date, today: dt.date) -> str:
    """Which reminder a person gets today for a module due on ``due``, or "" for none:
    one in the week before, then one a week while overdue, at most three times."""
    days_left = (due - today).days
    if 0 <= days_left <= WARN_DAYS:
        return f"due-{due.isoformat()}"
    if days_left < 0:
        week = (-days_left - 1) // 7 + 1
        if week <= OVERDUE_REMINDERS:
            return f"overdue{week}-{due.isoformat()}"
    return ""


def module_audience(*, module: Module) -> QuerySet[User]:
    """Active people who should take ``module`` and have not completed it (the same rule
    as the training pages: role, and the module's teams when it has any)."""
    people = User.objects.active().exclude(
        Exists(Completion.objects.filter(user=OuterRef("pk"), module=module))
    )
    if module.audience == Module.Audience.MANAGERS:
        manages = TeamMembership.objects.filter(user=OuterRef("pk"), is_manager=True)
        people = people.filter(Q(is_admin=True) | Q(Exists(manages)))
    team_ids = [team.pk for team in module.teams.all()]
    if team_ids:
        people = people.filter(
            Exists(TeamMembership.objects.filter(user=OuterRef("pk"), team_id__in=team_ids))
        )
    return people


def _due_window(module: Module, *, now: dt.datetime) -> Q | None:
    """Only people whose due date is near enough to get a reminder (a day's margin for
    time zones): the query stays small whatever the company's age."""
    today = now.date()
    first = today - dt.timedelta(days=7 * OVERDUE_REMINDERS + 1)
    last = today + dt.timedelta(days=WARN_DAYS + 1)
    if module.due_date is not None:
        return Q() if first <= module.due_date <= last else None
    days = dt.timedelta(days=module.due_days_after_joining)
    return Q(
        date_joined__gte=now - days - (today - first), date_joined__lte=now - days + (last - today)
    )


@dataclass(frozen=True)
class TrainingDue:
    person: User  # a ``with_delivery`` row
    module: Module
    due: dt.date
    period: str


def training_due(*, now: dt.datetime) -> Iterator[TrainingDue]:
    """Every (person, required module) with a reminder due today in the person's time zone.
    One query per required module with a due date."""
    modules = (
        Module.objects.filter(is_published=True, is_required=True)
        .filter(Q(due_date__isnull=False) | Q(due_days_after_joining__isnull=False))
        .prefetch_related("teams")
        .order_by("pk")
    )
    for module in modules:
        window = _due_window(module, now=now)
        if window is None:
            continue
        people = with_delivery(
            module_audience(module=module).filter(window), kind=NotificationKind.TRAINING_DUE
        ).order_by("pk")
        for person in people:
            due = module_due_date(module=module, user=person)
            today = now.astimezone(zone(person.time_zone)).date()
            period = training_period(due=due, today=today)
            if period:
                yield TrainingDue(person=person, module=module, due=due, period=period)


def _training_draft(due: TrainingDue, *, now: dt.datetime) -> Draft:
    with in_language_of(due.person):
        date = formats.date_format(due.due, "DATE_FORMAT")
        if due.period.startswith("due-"):
            title = _("Training due on %(date)s: %(title)s") % {
                "date": date,
                "title": due.module.title,
            }
            body = _("Complete the required module “%(title)s” by %(date)s.") % {
                "title": due.module.title,
                "date": date,
            }
        else:
            title = _("Training overdue: %(title)s") % {"title": due.module.title}
            body = _("The required module “%(title)s” was due on %(date)s.") % {
                "title": due.module.title,
                "date": date,
            }
    return draft_for(
        due.person,
        kind=NotificationKind.TRAINING_DUE,
        subject=f"training.module:{due.module.pk}",
        period=due.period,
        title=title,
        body=body,
        url=reverse("training:module", args=[due.module.pk]),
        now=now,
    )


def training_collect(*, now: dt.datetime) -> int:
    drafts = [_training_draft(due, now=now) for due in training_due(now=now)]
    return notifications_create(drafts=drafts, now=now)


# --- Guidelines to acknowledge ---------------------------------------------------------------


def guidelines_follow_up_due(*, now: dt.datetime) -> tuple[GuidelineVersion | None, QuerySet[User]]:
    """The current guidelines a week after they came out, and the people who still have
    not acknowledged them and have not been reminded yet (one query)."""
    current = guideline_current()
    if current is None or current.published_at > now - GUIDELINES_FOLLOW_UP_AFTER:
        return None, User.objects.none()
    reminded = Notification.objects.filter(
        recipient=OuterRef("pk"),
        kind=NotificationKind.GUIDELINES,
        subject=_guidelines_subject(current),
        period=GUIDELINES_FOLLOW_UP_PERIOD,
    )
    people = with_delivery(
        users_without_current_acknowledgement().filter(
            date_joined__lte=now - GUIDELINES_FOLLOW_UP_AFTER
        ),
        kind=NotificationKind.GUIDELINES,
    ).exclude(Exists(reminded))
    return current, people.order_by("pk")


def _guidelines_subject(version: GuidelineVersion) -> str:
    return f"training.guidelineversion:{version.pk}"


def guidelines_collect(*, now: dt.datetime) -> int:
    version, people = guidelines_follow_up_due(now=now)
    if version is None:
        return 0
    url = reverse("training:programme") + "#guidelines"
    drafts = []
    for person in people.iterator(chunk_size=1000):
        with in_language_of(person):
            title = _(
                "Reminder: please acknowledge the posting guidelines (version %(number)d)"
            ) % {"number": version.number}
            body = _("What changed: %(summary)s") % {
                "summary": version.summary_for(person.language or "en")
            }
        drafts.append(
            draft_for(
                person,
                kind=NotificationKind.GUIDELINES,
                subject=_guidelines_subject(version),
                period=GUIDELINES_FOLLOW_UP_PERIOD,
                title=title,
                body=body,
                url=url,
                now=now,
            )
        )
    return notifications_create(drafts=drafts, now=now)


def guidelines_preview(*, now: dt.datetime) -> list[PreviewLine]:
    version, people = guidelines_follow_up_due(now=now)
    if version is None:
        current = guideline_current()
        if current is None:
            return []
        return [
            PreviewLine(
                kind=NotificationKind.GUIDELINES,
                when=current.published_at + GUIDELINES_FOLLOW_UP_AFTER,
                people=users_without_current_acknowledgement().count(),
                note=_("Follow-up to everyone who has not acknowledged by then"),
            )
        ]
    return [
        PreviewLine(
            kind=NotificationKind.GUIDELINES,
            when=None,
            people=people.count(),
            note=_("Follow-up to everyone who has not acknowledged"),
        )
    ]


TRAINING_SOURCE = ReminderSource(
    name="training.due",
    kinds=(NotificationKind.TRAINING_DUE,),
    collect=training_collect,
    every=dt.timedelta(minutes=15),
)
GUIDELINES_SOURCE = ReminderSource(
    name="training.guidelines",
    kinds=(NotificationKind.GUIDELINES,),
    collect=guidelines_collect,
    preview=guidelines_preview,
)
