"""Public reads of the training app that other apps (the sharing flow, reminders) call."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as accounts_selectors
from accounts.models import Team, TeamMembership, User
from ambassador.networks import CAPTION_LIMITS, caption_length, posted_length
from training.caption_check import (
    CaptionRules,
    Violation,
    check_caption,
    length_violation,
    with_disclosure,
)
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
    QuizAttempt,
)


@dataclass(frozen=True)
class MissingStep:
    label: str  # translated, e.g. "Acknowledge the posting guidelines"
    url: str


@dataclass(frozen=True)
class SharingGate:
    allowed: bool
    missing: list[MissingStep] = field(default_factory=list)


# --- Programme and caption rules -------------------------------------------------------------


def programme_get() -> Programme:
    """The programme row, or an unsaved default when an admin has not saved one yet."""
    return Programme.objects.filter(pk=PROGRAMME_ID).first() or Programme(pk=PROGRAMME_ID)


def caption_rules_for(*, language: str, programme: Programme | None = None) -> CaptionRules:
    programme = programme or programme_get()
    return CaptionRules(
        disclosure=programme.disclosure_for(language),
        forbidden_phrases=programme.forbidden_phrase_list(),
        max_hashtags=programme.max_hashtags,
        max_links=programme.max_links,
    )


def caption_final_text(*, caption: str, network: str, language: str) -> str:
    """The caption as it will be posted (the disclosure appended, when rules define one).

    The tracked link is not part of it: the share intent appends the link after this text
    (``ambassador.networks.caption_with_link``).
    """
    return with_disclosure(caption, caption_rules_for(language=language).disclosure)


def caption_violations(
    *, caption: str, network: str, language: str, link: str | None = None
) -> list[Violation]:
    """Violations of the final caption (the disclosure appended, then ``link`` when given)."""
    return check_caption(
        caption=caption, network=network, rules=caption_rules_for(language=language), link=link
    )


def caption_length_violation(
    *,
    caption: str,
    network: str,
    language: str,
    link: str | None = None,
    programme: Programme | None = None,
) -> Violation | None:
    """The length rule alone, with the disclosure and ``link`` appended: for curation, so that
    a suggested caption an employee cannot edit can always be shared. ``programme``, when
    given, saves reading it again for each caption."""
    return length_violation(
        caption=caption,
        network=network,
        disclosure=caption_rules_for(language=language, programme=programme).disclosure,
        link=link,
    )


def caption_text_limit(
    *, network: str, language: str, link: str | None = None, programme: Programme | None = None
) -> int:
    """How long a caption's own text may be on ``network`` (counted as the network counts it)
    once the disclosure of ``language`` and ``link`` are appended: the limit a live counter
    shows while a caption is written for later sharing."""
    disclosure = caption_rules_for(language=language, programme=programme).disclosure
    probe = "x"
    taken = posted_length(
        network=network, text=with_disclosure(probe, disclosure), link=link
    ) - caption_length(network, probe)
    return CAPTION_LIMITS[network] - taken


# --- Guidelines ------------------------------------------------------------------------------


def guideline_current() -> GuidelineVersion | None:
    return GuidelineVersion.objects.current()


def guideline_versions() -> QuerySet[GuidelineVersion]:
    return GuidelineVersion.objects.select_related("published_by").order_by("-number")


def guideline_has_acknowledged(*, user: User, version: GuidelineVersion | None) -> bool:
    if version is None:
        return True
    return GuidelineAcknowledgement.objects.filter(user=user, version=version).exists()


def _current_version_id():
    return Subquery(GuidelineVersion.objects.order_by("-number").values("id")[:1])


def users_without_current_acknowledgement() -> QuerySet[User]:
    """Active people who have not acknowledged the current guidelines (one query).

    Empty when no guidelines are published. The reminders work chases these people.
    """
    acknowledged = GuidelineAcknowledgement.objects.filter(
        user=OuterRef("pk"), version_id=_current_version_id()
    )
    return (
        User.objects.active()
        .filter(Exists(GuidelineVersion.objects.all()))
        .exclude(Exists(acknowledged))
    )


# --- Modules ---------------------------------------------------------------------------------


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


def completions_of(*, user: User) -> QuerySet[Completion]:
    return Completion.objects.filter(user=user).select_related("module").order_by("-completed_at")


_CODE_SHAPE = re.compile(r"[A-Z0-9-]{1,16}")


def completion_by_code(*, code: str) -> Completion | None:
    code = code.strip().upper()
    if not _CODE_SHAPE.fullmatch(code):  # also keeps NUL, which PostgreSQL refuses, away
        return None
    return Completion.objects.filter(code=code).select_related("user", "module").first()


# --- The sharing gate ------------------------------------------------------------------------


def sharing_gate(*, user) -> SharingGate:
    """May ``user`` share now, and if not, what is missing?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return SharingGate(allowed=False)
    programme = programme_get()
    if not programme.sharing_gate_enabled:
        return SharingGate(allowed=True)
    missing: list[MissingStep] = []
    if not guideline_has_acknowledged(user=user, version=guideline_current()):
        missing.append(
            MissingStep(
                label=_("Read and acknowledge the posting guidelines"),
                url=reverse("training:programme") + "#guidelines",
            )
        )
    required = modules_for(user=user).filter(is_required=True, completed_at__isnull=True)
    for module in required:
        missing.append(
            MissingStep(
                label=_("Complete the required module “%(title)s”") % {"title": module.title},
                url=reverse("training:module", args=[module.pk]),
            )
        )
    return SharingGate(allowed=not missing, missing=missing)


# --- Team figures for managers and admins ----------------------------------------------------


@dataclass
class TeamStatus:
    team: Team
    members: int
    acknowledged: int
    completions: dict[int, int]  # module id → people in the team who completed it
    module_rows: list = field(default_factory=list)


def team_statuses(*, teams: QuerySet[Team], modules: list[Module]) -> list[TeamStatus]:
    """Acknowledgement and completion figures per team, in a fixed number of queries."""
    current_id = _current_version_id()
    active_members = Q(memberships__user__is_active=True)
    rows = list(
        teams.annotate(
            member_count=Count("memberships__user", filter=active_members, distinct=True),
            acknowledged_count=Count(
                "memberships__user",
                filter=active_members
                & Q(memberships__user__guideline_acknowledgements__version_id=current_id),
                distinct=True,
            ),
        ).order_by("name")
    )
    counts: dict[tuple[int, int], int] = {}
    if modules:
        for row in (
            TeamMembership.objects.filter(team__in=[t.pk for t in rows], user__is_active=True)
            .filter(user__module_completions__module__in=[m.pk for m in modules])
            .values("team_id", "user__module_completions__module_id")
            .annotate(n=Count("user_id", distinct=True))
        ):
            counts[(row["team_id"], row["user__module_completions__module_id"])] = row["n"]
    return [
        TeamStatus(
            team=team,
            members=team.member_count,
            acknowledged=team.acknowledged_count,
            completions={m.pk: counts.get((team.pk, m.pk), 0) for m in modules},
        )
        for team in rows
    ]


def _team_people_status(*, team: Team) -> QuerySet[User]:
    """Active members of ``team`` with whether they acknowledged the current guidelines."""
    acknowledged = GuidelineAcknowledgement.objects.filter(
        user=OuterRef("pk"), version_id=_current_version_id()
    )
    return (
        User.objects.active()
        .filter(memberships__team=team)
        .annotate(
            has_acknowledged=Exists(acknowledged),
            completed_count=Count("module_completions", distinct=True),
        )
        .order_by("display_name", "email")
    )


def _person_completed_module_ids(*, users: list[User]) -> dict[int, set[int]]:
    result: dict[int, set[int]] = {u.pk: set() for u in users}
    for user_id, module_id in Completion.objects.filter(user__in=users).values_list(
        "user_id", "module_id"
    ):
        result[user_id].add(module_id)
    return result


TEAM_PAGE_SIZE = 25  # teams per page of the overview, people per page of one team
MODULE_COLUMNS = 10  # module columns per page of the overview
MODULE_ROWS = 25  # module rows per page of one team


def _published_modules() -> QuerySet[Module]:
    return Module.objects.filter(is_published=True).order_by("position", "id")


@dataclass
class TeamsTraining:
    """The overview of the teams a person manages: one page of teams, one page of modules."""

    page: Page  # of teams
    module_page: Page
    modules: list[Module]
    statuses: list[TeamStatus]
    current: GuidelineVersion | None


def teams_training_for(*, user: User, page=None, modules_page=None) -> TeamsTraining:
    """Acknowledgement and completion figures for the teams ``user`` manages: aggregates
    only, never individuals. Every published module is shown, ``MODULE_COLUMNS`` at a time.

    The team tree is walked once; the other queries do not grow with teams or modules.
    """
    teams = accounts_selectors.teams_managed_by(user=user)
    team_page = Paginator(teams.order_by("name"), TEAM_PAGE_SIZE).get_page(page)
    module_page = Paginator(_published_modules(), MODULE_COLUMNS).get_page(modules_page)
    modules = list(module_page.object_list)
    statuses = team_statuses(
        teams=Team.objects.filter(pk__in=[t.pk for t in team_page.object_list]), modules=modules
    )
    for status in statuses:
        status.module_rows = [(m, status.completions[m.pk]) for m in modules]
    return TeamsTraining(
        page=team_page,
        module_page=module_page,
        modules=modules,
        statuses=statuses,
        current=guideline_current(),
    )


@dataclass
class TeamTraining:
    """One team: guideline acknowledgement by name, training completion as team figures
    per module; each person's completed modules only when ``show_individuals``."""

    team: Team
    page: Page  # of people, each with ``has_acknowledged`` (and ``completed_titles``)
    module_page: Page
    module_rows: list[tuple[Module, int, int]]  # module, people who completed it, percent
    members: int
    show_individuals: bool
    current: GuidelineVersion | None


def team_training_for(
    *, user: User, team_id: int, page=None, modules_page=None
) -> TeamTraining | None:
    """The training page of one team ``user`` manages, or None when they do not manage it.

    Only admins see each person's completed modules: managers get team figures, so that
    training does not become a way to monitor individual employees.
    """
    team = accounts_selectors.teams_managed_by(user=user).filter(pk=team_id).first()
    if team is None:
        return None
    people = Paginator(_team_people_status(team=team), TEAM_PAGE_SIZE).get_page(page)
    module_page = Paginator(_published_modules(), MODULE_ROWS).get_page(modules_page)
    modules = list(module_page.object_list)
    [status] = team_statuses(teams=Team.objects.filter(pk=team.pk), modules=modules)
    module_rows = [
        (
            module,
            status.completions[module.pk],
            (status.completions[module.pk] * 100) // status.members if status.members else 0,
        )
        for module in modules
    ]
    show_individuals = user.is_admin
    if show_individuals:
        done = _person_completed_module_ids(users=list(people.object_list))
        titles = dict(_published_modules().values_list("pk", "title"))
        for person in people.object_list:
            person.completed_titles = sorted(titles[m] for m in done[person.pk] if m in titles)
    return TeamTraining(
        team=team,
        page=people,
        module_page=module_page,
        module_rows=module_rows,
        members=status.members,
        show_individuals=show_individuals,
        current=guideline_current(),
    )


def question_failure_stats(*, module: Module) -> QuerySet[Question]:
    """The module's questions, most often failed first."""
    return module.questions.annotate(
        answered=Count("results"),
        failed=Count("results", filter=Q(results__correct=False)),
    ).order_by("-failed", "position", "id")
