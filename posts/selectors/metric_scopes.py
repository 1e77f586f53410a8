"""Who sees which teams' figures, and how small teams are shown with their parent.

A manager sees their teams and sub-teams, an admin the whole programme. A team with fewer
active people than ``METRICS_MIN_GROUP_SIZE`` is shown together with its nearest big enough
ancestor (visibly), so that no figure points at one person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts import selectors as accounts_selectors
from accounts.models import Team, TeamMembership, User


def min_group_size() -> int:
    return max(1, settings.METRICS_MIN_GROUP_SIZE)


@dataclass
class TeamGroup:
    """One row of a teams table: a team and the small teams shown with it."""

    team_id: int | None
    name: str
    people: int
    merged: list[str] = field(default_factory=list)
    member_team_ids: set = field(default_factory=set)


@dataclass
class Scope:
    """What a dashboard covers: the whole programme, or a set of teams."""

    label: str
    team_ids: frozenset[int] | None  # None: the whole programme, people in no team included
    people: int
    user_ids: frozenset[int]
    groups: list[TeamGroup]
    hidden_people: int = 0  # people in teams too small to show even merged
    selected_team: Team | None = None
    merged_into: str = ""  # the selected team was too small: shown with this group

    @property
    def too_small(self) -> bool:
        return self.people < min_group_size()

    @property
    def is_programme(self) -> bool:
        return self.team_ids is None

    def team_q(self, field_name: str = "team") -> Q:
        if self.team_ids is None:
            return Q()
        return Q(**{f"{field_name}__in": self.team_ids})

    def group_of(self, team_id: int | None) -> TeamGroup | None:
        for group in self.groups:
            if team_id in group.member_team_ids:
                return group
        return None


def _team_groups(
    *, teams: list[dict], members: dict[int, set[int]], include_no_team: bool
) -> tuple[list[TeamGroup], int]:
    """Merge teams smaller than the minimum group size into their nearest ancestor in scope
    that is big enough (counting what merged into it); the rest into one "smaller teams" row,
    hidden if that is still too small. Returns the groups and the people hidden."""
    minimum = min_group_size()
    by_id = {t["id"]: t for t in teams}
    children: dict[int | None, list[int]] = defaultdict(list)
    for t in teams:
        parent = t["parent_id"] if t["parent_id"] in by_id else None
        children[parent].append(t["id"])

    # Bottom-up: a small team hands its people (and its merged teams) to its parent.
    carried: dict[int, set[int]] = {t["id"]: set(members.get(t["id"], set())) for t in teams}
    merged_names: dict[int, list[str]] = defaultdict(list)
    merged_ids: dict[int, set[int]] = {t["id"]: {t["id"]} for t in teams}
    shown: set[int] = set()
    orphans: list[int] = []

    def visit(team_id: int) -> None:
        for child in sorted(children.get(team_id, []), key=lambda i: by_id[i]["name"]):
            visit(child)
        if len(carried[team_id]) >= minimum:
            shown.add(team_id)
            return
        parent = by_id[team_id]["parent_id"]
        if parent in by_id:
            carried[parent] |= carried[team_id]
            merged_names[parent] += [by_id[team_id]["name"], *merged_names[team_id]]
            merged_ids[parent] |= merged_ids[team_id]
        else:
            orphans.append(team_id)

    for root in sorted(children.get(None, []), key=lambda i: by_id[i]["name"]):
        visit(root)

    groups = [
        TeamGroup(
            team_id=team_id,
            name=by_id[team_id]["name"],
            people=len(carried[team_id]),
            merged=sorted(merged_names[team_id]),
            member_team_ids=merged_ids[team_id],
        )
        for team_id in sorted(shown, key=lambda i: by_id[i]["name"].lower())
    ]
    leftover_people: set[int] = set()
    leftover_ids: set = set()
    leftover_names: list[str] = []
    for team_id in orphans:
        leftover_people |= carried[team_id]
        leftover_ids |= merged_ids[team_id]
        leftover_names += [by_id[team_id]["name"], *merged_names[team_id]]
    if include_no_team:
        leftover_people |= members.get(None, set())
        leftover_ids.add(None)
    hidden = 0
    if leftover_ids:
        if len(leftover_people) >= minimum:
            groups.append(
                TeamGroup(
                    team_id=None,
                    name=_("Smaller teams and people in no team")
                    if include_no_team
                    else _("Smaller teams together"),
                    people=len(leftover_people),
                    merged=sorted(leftover_names),
                    member_team_ids=leftover_ids,
                )
            )
        else:
            hidden = len(leftover_people)
    return groups, hidden


def _memberships(team_ids) -> dict[int | None, set[int]]:
    members: dict[int | None, set[int]] = defaultdict(set)
    rows = TeamMembership.objects.filter(user__is_active=True)
    if team_ids is not None:
        rows = rows.filter(team_id__in=team_ids)
    for team_id, user_id in rows.values_list("team_id", "user_id"):
        members[team_id].add(user_id)
    return members


def scope_of(*, label: str, team_ids: set[int] | None, selected: Team | None = None) -> Scope:
    teams = list(
        (Team.objects.filter(id__in=team_ids) if team_ids is not None else Team.objects.all())
        .values("id", "name", "parent_id")
        .order_by("name")
    )
    members = _memberships(team_ids)
    if team_ids is None:
        everyone = set(User.objects.active().values_list("id", flat=True))
        in_teams = set().union(*members.values()) if members else set()
        members[None] = everyone - in_teams
        user_ids = everyone
    else:
        user_ids = set().union(*members.values()) if members else set()
    groups, hidden = _team_groups(teams=teams, members=members, include_no_team=team_ids is None)
    return Scope(
        label=label,
        team_ids=frozenset(team_ids) if team_ids is not None else None,
        people=len(user_ids),
        user_ids=frozenset(user_ids),
        groups=groups,
        hidden_people=hidden,
        selected_team=selected,
    )


def dashboard_scope(*, viewer: User, team_id: int | None = None) -> Scope | None:
    """The scope ``viewer`` may see: an admin the programme, a manager their teams and their
    sub-teams; narrowed to ``team_id`` when given. None: not theirs to see (answer 404)."""
    access = accounts_selectors.access_for(user=viewer)
    if not access.may_curate:
        return None
    if access.is_admin and team_id is None:
        return scope_of(label=_("Whole programme"), team_ids=None)
    managed = set(access.managed_team_ids)
    if team_id is None:
        return scope_of(label=_("Your teams"), team_ids=managed)
    if not access.manages(team_id):
        return None
    team = Team.objects.get(pk=team_id)
    tree = accounts_selectors.TeamTree.load()
    scope = scope_of(label=team.name, team_ids=set(tree.descendants({team_id})), selected=team)
    if scope.too_small:
        # Too small alone: show it with the nearest ancestor the viewer sees that is big enough.
        ancestor = team.parent
        while ancestor is not None and access.manages(ancestor.pk):
            wider = scope_of(
                label=ancestor.name,
                team_ids=set(tree.descendants({ancestor.pk})),
                selected=ancestor,
            )
            if not wider.too_small:
                wider.merged_into = ancestor.name
                return wider
            ancestor = ancestor.parent
    return scope


def selectable_teams(*, viewer: User) -> QuerySet[Team]:
    """The teams a viewer can narrow their dashboard to."""
    return accounts_selectors.teams_managed_by(user=viewer).order_by("name")
