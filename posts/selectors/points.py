"""Points per action: the weights an admin set, else the defaults; counted from person days."""

from __future__ import annotations

from posts.models import PointAction, PointWeight

# The default points of each action until an admin sets them.
DEFAULT_POINTS = {
    PointAction.SHARE: 10,
    PointAction.CLICK: 1,
    PointAction.MODULE_COMPLETED: 20,
    PointAction.SUGGESTION_APPROVED: 15,
    PointAction.GUIDELINES_ACKNOWLEDGED: 5,
}
# The person-day columns that count each action.
POINT_FIELDS = {
    PointAction.SHARE: ("shares_posted", "shares_intent"),
    PointAction.CLICK: ("clicks",),
    PointAction.MODULE_COMPLETED: ("modules_completed",),
    PointAction.SUGGESTION_APPROVED: ("suggestions_approved",),
    PointAction.GUIDELINES_ACKNOWLEDGED: ("guidelines_acknowledged",),
}
ACTIVITY_FIELDS = ("modules_completed", "guidelines_acknowledged", "suggestions_approved")


def point_weights() -> dict[str, int]:
    weights = {str(action): points for action, points in DEFAULT_POINTS.items()}
    weights.update(dict(PointWeight.objects.values_list("action", "points")))
    return weights


def points_of(row: dict, weights: dict[str, int]) -> int:
    """The points of a row of person-day sums."""
    return sum(
        weights[action] * sum(row.get(f) or 0 for f in fields)
        for action, fields in POINT_FIELDS.items()
    )
