"""Public reads of the training app that other apps (the sharing flow) call."""

from __future__ import annotations

from dataclasses import dataclass, field

from training.caption_check import Violation, check_caption


@dataclass(frozen=True)
class MissingStep:
    label: str  # translated, e.g. "Acknowledge the posting guidelines"
    url: str


@dataclass(frozen=True)
class SharingGate:
    allowed: bool
    missing: list[MissingStep] = field(default_factory=list)


def caption_final_text(*, caption: str, network: str, language: str) -> str:
    """The caption as it will be posted (the disclosure appended, when rules define one)."""
    return caption


def caption_violations(*, caption: str, network: str, language: str) -> list[Violation]:
    """Violations of the final caption (after the disclosure is appended)."""
    final = caption_final_text(caption=caption, network=network, language=language)
    return check_caption(caption=final, network=network)


def sharing_gate(*, user) -> SharingGate:
    """May ``user`` share now, and if not, what is missing?"""
    return SharingGate(allowed=True)
