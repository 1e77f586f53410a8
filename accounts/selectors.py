"""Reads about people and teams that other apps use, and the one access layer.

``access_for(user=...)`` answers who a person is to the programme — the teams they belong
to, the teams they manage (with every sub-team), whether they are a manager or an admin —
in two queries (their memberships, and the whole team tree at once: teams are few). Inside
a request (``accounts.middleware.AccessMiddleware``) the answer is computed once per person
and shared by every check, template and selector that asks; outside one (tasks, shell,
tests calling selectors) each call reads the database afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import (
    AuditEvent,
    Connection,
    Invitation,
    Notification,
    SocialProfile,
    Team,
    TeamMembership,
    User,
)

# --- The team tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamTree:
    """Every team's parent, read in one query, walked in memory in both directions."""

    parent_of: dict[int, int | None]
    children_of: dict[int, list[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        children_of: dict[int, list[int]] = {}
        for team_id, parent_id in self.parent_of.items():
            if parent_id is not None:
                children_of.setdefault(parent_id, []).append(team_id)
        object.__setattr__(self, "children_of", children_of)

    @classmethod
    def load(cls) -> TeamTree:
        return cls(dict(Team.objects.order_by().values_list("id", "parent_id")))

    @property
    def team_ids(self) -> frozenset[int]:
        return frozenset(self.parent_of)

    def descendants(self, team_ids: Iterable[int]) -> frozenset[int]:
        """The given teams and every team below them."""
        found = set(team_ids)
        stack = list(found)
        while stack:
            for child in self.children_of.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return frozenset(found)

    def ancestors(self, team_ids: Iterable[int]) -> frozenset[int]:
        """The given teams and every team above them."""
        found = set(team_ids)
        for team_id in list(found):
            parent = self.parent_of.get(team_id)
            while parent is not None and parent not in found:
                found.add(parent)
                parent = self.parent_of.get(parent)
        return frozenset(found)


def team_descendant_ids(*, team_ids: set[int]) -> set[int]:
    """The given teams and every team below them (one query, whatever the depth)."""
    return set(TeamTree.load().descendants(team_ids))


def team_ancestor_ids(*, team_ids: set[int]) -> set[int]:
    """The given teams and every team above them (one query, whatever the depth)."""
    return set(TeamTree.load().ancestors(team_ids))


# --- Access: who a person is to the programme ------------------------------------------------


@dataclass(frozen=True)
class Access:
    """What one person may reach, by team and role. Build it with ``access_for``."""

    user_id: int | None
    # An active programme admin: manages every team.
    is_admin: bool
    # An active person who manages at least one team directly (admins need not).
    is_manager: bool
    # The teams they belong to, as member or manager.
    member_team_ids: frozenset[int]
    # Their teams and every team above them: whose content is aimed at them.
    audience_team_ids: frozenset[int]
    # The teams they manage and every team below them; every team for admins.
    managed_team_ids: frozenset[int]
    # A manager an admin named a company-wide curator (``User.company_curator``).
    is_company_curator: bool = False

    @property
    def may_curate(self) -> bool:
        """Admins and managers review and edit content and see manager pages."""
        return self.is_admin or self.is_manager

    @property
    def may_curate_everyone(self) -> bool:
        """Content aimed at everyone is curated by admins and company-wide curators only:
        its destination is behind every employee's tracked links."""
        return self.is_admin or (self.is_manager and self.is_company_curator)

    def manages(self, team_id: int) -> bool:
        return team_id in self.managed_team_ids


NOBODY = Access(
    user_id=None,
    is_admin=False,
    is_manager=False,
    member_team_ids=frozenset(),
    audience_team_ids=frozenset(),
    managed_team_ids=frozenset(),
)

# Person -> Access for the request being answered; None outside a request.
_request_access: ContextVar[dict[tuple, Access] | None] = ContextVar(
    "accounts_request_access", default=None
)


@contextmanager
def access_cached() -> Iterator[None]:
    """Inside this block ``access_for`` computes each person's access once."""
    token = _request_access.set({})
    try:
        yield
    finally:
        _request_access.reset(token)


def access_forget() -> None:
    """Drop the answers cached for this request (roles, teams or memberships just changed)."""
    cached = _request_access.get()
    if cached is not None:
        cached.clear()


def access_for(*, user: User | None) -> Access:
    """``user``'s teams and roles: two queries, once per request and person."""
    if user is None or not user.is_authenticated or user.pk is None:
        return NOBODY
    cached = _request_access.get()
    key = (user.pk, user.is_active, user.is_admin, user.company_curator)
    if cached is not None and key in cached:
        return cached[key]
    access = _access_load(user)
    if cached is not None:
        cached[key] = access
    return access


def _access_load(user: User) -> Access:
    memberships = list(
        TeamMembership.objects.filter(user_id=user.pk)
        .order_by()
        .values_list("team_id", "is_manager")
    )
    member = frozenset(team_id for team_id, _manager in memberships)
    is_admin = user.is_active and user.is_admin
    direct = {team_id for team_id, manager in memberships if manager} if user.is_active else set()
    if not member and not is_admin:
        return Access(user.pk, False, False, frozenset(), frozenset(), frozenset())
    tree = TeamTree.load()
    return Access(
        user_id=user.pk,
        is_admin=is_admin,
        is_manager=bool(direct),
        member_team_ids=member,
        audience_team_ids=tree.ancestors(member),
        managed_team_ids=tree.team_ids if is_admin else tree.descendants(direct),
        is_company_curator=user.is_active and user.company_curator,
    )


def teams_managed_by(*, user: User) -> QuerySet[Team]:
    """Teams ``user`` manages, including their sub-teams. Admins manage every team."""
    access = access_for(user=user)
    if access.is_admin:
        return Team.objects.all()
    return Team.objects.filter(id__in=access.managed_team_ids)


def user_team_ids(*, user: User) -> set[int]:
    """The teams ``user`` is a member of (managers included)."""
    return set(access_for(user=user).member_team_ids)


def user_audience_team_ids(*, user: User) -> set[int]:
    """The teams whose content ``user`` sees: their own teams and every team above them."""
    return set(access_for(user=user).audience_team_ids)


def user_is_manager(*, user: User) -> bool:
    """Whether ``user`` (active) manages at least one team; admins count only if they do."""
    return access_for(user=user).is_manager


def users_managed_by(*, user: User) -> QuerySet[User]:
    """Active people in the teams ``user`` manages (including sub-teams)."""
    teams = teams_managed_by(user=user)
    return User.objects.active().filter(memberships__team__in=teams).distinct()


def user_has_mfa(*, user: User) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


# --- People and teams pages ----------------------------------------------------------------


def people_for(*, viewer: User, query: str = "") -> QuerySet[User]:
    """People ``viewer`` may see in the people list: everyone for admins, else their teams."""
    access = access_for(user=viewer)
    if access.is_admin:
        qs = User.objects.all()
    else:
        qs = User.objects.filter(
            id__in=TeamMembership.objects.filter(team_id__in=access.managed_team_ids).values(
                "user_id"
            )
        )
    query = query.strip()
    if query:
        qs = qs.filter(Q(email__icontains=query) | Q(display_name__icontains=query))
    return qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=TeamMembership.objects.select_related("team").order_by("team__name"),
        )
    ).order_by("-is_active", "display_name", "email")


def person_visible_to(*, viewer: User, person: User) -> bool:
    access = access_for(user=viewer)
    if access.is_admin or viewer.pk == person.pk:
        return True
    return TeamMembership.objects.filter(user=person, team_id__in=access.managed_team_ids).exists()


def person_detail(*, person_id: int) -> User | None:
    return (
        User.objects.filter(pk=person_id)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=TeamMembership.objects.select_related("team").order_by("team__name"),
            ),
            Prefetch("social_profiles", queryset=SocialProfile.objects.order_by("network")),
        )
        .first()
    )


def teams_for(*, viewer: User) -> QuerySet[Team]:
    return (
        teams_managed_by(user=viewer)
        .select_related("parent")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__user__is_active=True)),
        )
        .order_by("name")
    )


def team_members(*, team: Team) -> QuerySet[TeamMembership]:
    return (
        TeamMembership.objects.filter(team=team)
        .select_related("user")
        .order_by("-is_manager", "user__display_name", "user__email")
    )


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def audit_events(*, action: str = "") -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-at", "-id")


def invitations_pending() -> QuerySet[Invitation]:
    return (
        Invitation.objects.pending()
        .select_related("team", "invited_by")
        .order_by("-created_at", "-id")
    )


# --- Connected accounts ----------------------------------------------------------------------


def connections_expiring(*, start, end) -> QuerySet[Connection]:
    """Working connections whose grant runs out in [start, end): for expiry reminders."""
    return (
        Connection.objects.usable()
        .filter(expires_at__gte=start, expires_at__lt=end)
        .select_related("user")
        .order_by("expires_at", "pk")
    )
