"""The guideline check: a pure function from (caption, network, rules) to violations.

This first version enforces only the network's length limit; the guidelines work adds
the admin-defined caption rules behind the same interface.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from posts.networks import CAPTION_LIMITS


@dataclass(frozen=True)
class Violation:
    rule: str  # a stable code, e.g. "LENGTH"
    message: str  # a translated, human explanation of which rule and why


def check_caption(*, caption: str, network: str, rules=None) -> list[Violation]:
    limit = CAPTION_LIMITS[network]
    if len(caption) > limit:
        return [
            Violation(
                rule="LENGTH",
                message=_("The caption is %(count)d characters; this network allows %(limit)d.")
                % {"count": len(caption), "limit": limit},
            )
        ]
    return []
