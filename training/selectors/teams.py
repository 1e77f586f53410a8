"""Training status of teams for their managers and admins: team aggregates, paginated."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts import selectors as accounts_selectors
from accounts.models import Team, TeamMembership, User
from training.models import Completion, GuidelineAcknowledgement, GuidelineVersion, Module
from training.selectors.guidelines import guideline_current, guideline_current_id


@dataclass
class TeamStatus:
    team: Team
    members: int
    acknowledged: int
    completions: dict[int, int]  # module id → people in the team who completed it
    module_rows: list = field(default_factory=list)


def team_statuses(*, teams: QuerySet[Team], modules: list[Module]) -> list[TeamStatus]:
    """Acknowledgement and completion figures per team, in a fixed number of queries."""
    current_id = guideline_current_id()
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
        user=OuterRef("pk"), version_id=guideline_current_id()
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
