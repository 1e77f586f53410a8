"""Leaderboards: the points each action earns, set by an admin (audited), and the opt-in to
appear with one's own figures (off by default).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.audit import AuditAction
from accounts.models import User
from accounts.services import audit_record
from posts.models import (
    LeaderboardOptIn,
    PointWeight,
)
from posts.selectors.points import point_weights


@transaction.atomic
def point_weights_set(*, weights: dict[str, int], by: User) -> list[PointWeight]:
    """Set the points of each action in ``weights``; only changes are stored and audited."""
    list(PointWeight.objects.select_for_update())
    current = point_weights()
    changed = {}
    saved = []
    for action, points in weights.items():
        if current.get(action) == points:
            continue
        weight, _ = PointWeight.objects.update_or_create(
            action=action,
            defaults={"points": points, "updated_by": by, "updated_at": timezone.now()},
        )
        changed[action] = {"from": current.get(action), "to": points}
        saved.append(weight)
    if changed:
        audit_record(
            actor=by, action=AuditAction.SETTINGS_CHANGED, detail={"point_weights": changed}
        )
    return saved


@transaction.atomic
def leaderboard_opt_in(*, user: User) -> LeaderboardOptIn:
    opt_in, _ = LeaderboardOptIn.objects.get_or_create(user=user)
    return opt_in


@transaction.atomic
def leaderboard_opt_out(*, user: User) -> None:
    LeaderboardOptIn.objects.filter(user=user).delete()
