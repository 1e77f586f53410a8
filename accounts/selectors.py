"""Reads about people and teams that other apps use."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Connection, Team, TeamMembership, User


def team_descendant_ids(*, team_ids: set[int]) -> set[int]:
    """The given teams and every team below them (one query per level of depth)."""
    found = set(team_ids)
    frontier = set(team_ids)
    while frontier:
        frontier = (
            set(Team.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        )
        found |= frontier
    return found


def teams_managed_by(*, user: User) -> QuerySet[Team]:
    """Teams ``user`` manages, including their sub-teams. Admins manage every team."""
    if not user.is_authenticated or not user.is_active:
        return Team.objects.none()
    if user.is_admin:
        return Team.objects.all()
    direct = set(
        TeamMembership.objects.filter(user=user, is_manager=True).values_list("team_id", flat=True)
    )
    return Team.objects.filter(id__in=team_descendant_ids(team_ids=direct))


def user_team_ids(*, user: User) -> set[int]:
    """The teams ``user`` is a member of (managers included)."""
    return set(TeamMembership.objects.filter(user=user).values_list("team_id", flat=True))


def user_is_manager(*, user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return TeamMembership.objects.filter(user=user, is_manager=True).exists()


def users_managed_by(*, user: User) -> QuerySet[User]:
    """Active people in the teams ``user`` manages (including sub-teams)."""
    teams = teams_managed_by(user=user)
    return User.objects.active().filter(memberships__team__in=teams).distinct()


def user_has_mfa(*, user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def people_for(*, viewer: User, query: str = "") -> QuerySet[User]:
    """People ``viewer`` may see in the people list: everyone for admins, else their teams."""
    from django.db.models import Prefetch, Q

    if viewer.is_admin:
        qs = User.objects.all()
    else:
        team_ids = teams_managed_by(user=viewer).values("id")
        qs = User.objects.filter(
            id__in=TeamMembership.objects.filter(team_id__in=team_ids).values("user_id")
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
    if viewer.is_admin or viewer.pk == person.pk:
        return True
    team_ids = teams_managed_by(user=viewer).values("id")
    return TeamMembership.objects.filter(user=person, team_id__in=team_ids).exists()


def person_detail(*, person_id: int) -> User | None:
    from django.db.models import Prefetch

    from accounts.models import SocialProfile

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
    from django.db.models import Count, Q

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


def notifications_for(*, user: User):
    from accounts.models import Notification

    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def audit_events(*, action: str = ""):
    from accounts.models import AuditEvent

    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-at", "-id")


def invitations_pending():
    from accounts.models import Invitation

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
