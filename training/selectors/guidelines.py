"""Posting guidelines versions and who has acknowledged the current one."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from accounts.models import User
from training.models import GuidelineAcknowledgement, GuidelineVersion


def guideline_current() -> GuidelineVersion | None:
    return GuidelineVersion.objects.current()


def guideline_versions() -> QuerySet[GuidelineVersion]:
    return GuidelineVersion.objects.select_related("published_by").order_by("-number")


def guideline_has_acknowledged(*, user: User, version: GuidelineVersion | None) -> bool:
    if version is None:
        return True
    return GuidelineAcknowledgement.objects.filter(user=user, version=version).exists()


def guideline_current_id() -> Subquery:
    """The current version's id, as a subquery to filter acknowledgements by."""
    return Subquery(GuidelineVersion.objects.order_by("-number").values("id")[:1])


def users_without_current_acknowledgement() -> QuerySet[User]:
    """Active people who have not acknowledged the current guidelines (one query).

    Empty when no guidelines are published. The reminders work chases these people.
    """
    acknowledged = GuidelineAcknowledgement.objects.filter(
        user=OuterRef("pk"), version_id=guideline_current_id()
    )
    return (
        User.objects.active()
        .filter(Exists(GuidelineVersion.objects.all()))
        .exclude(Exists(acknowledged))
    )
