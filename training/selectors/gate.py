"""The sharing gate: may this person share, and if not, which steps are missing?"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from training.selectors.guidelines import guideline_current, guideline_has_acknowledged
from training.selectors.modules import modules_for
from training.selectors.programme import programme_get


@dataclass(frozen=True)
class MissingStep:
    label: str  # translated, e.g. "Acknowledge the posting guidelines"
    url: str


@dataclass(frozen=True)
class SharingGate:
    allowed: bool
    missing: list[MissingStep] = field(default_factory=list)


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
