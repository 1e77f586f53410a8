"""The programme and its caption rules: the guideline check as the share flow and curation use it."""

from __future__ import annotations

from ambassador.networks import CAPTION_LIMITS, caption_length, posted_length
from training.caption_check import (
    CaptionRules,
    Violation,
    check_caption,
    length_violation,
    with_disclosure,
)
from training.models import PROGRAMME_ID, Programme


def programme_get() -> Programme:
    """The programme row, or an unsaved default when an admin has not saved one yet."""
    return Programme.objects.filter(pk=PROGRAMME_ID).first() or Programme(pk=PROGRAMME_ID)


def caption_rules_for(*, language: str, programme: Programme | None = None) -> CaptionRules:
    programme = programme or programme_get()
    return CaptionRules(
        disclosure=programme.disclosure_for(language),
        forbidden_phrases=programme.forbidden_phrase_list(),
        max_hashtags=programme.max_hashtags,
        max_links=programme.max_links,
    )


def caption_final_text(*, caption: str, network: str, language: str) -> str:
    """The caption as it will be posted (the disclosure appended, when rules define one).

    The tracked link is not part of it: the share intent appends the link after this text
    (``ambassador.networks.caption_with_link``).
    """
    return with_disclosure(caption, caption_rules_for(language=language).disclosure)


def caption_violations(
    *, caption: str, network: str, language: str, link: str | None = None
) -> list[Violation]:
    """Violations of the final caption (the disclosure appended, then ``link`` when given)."""
    return check_caption(
        caption=caption, network=network, rules=caption_rules_for(language=language), link=link
    )


def caption_length_violation(
    *,
    caption: str,
    network: str,
    language: str,
    link: str | None = None,
    programme: Programme | None = None,
) -> Violation | None:
    """The length rule alone, with the disclosure and ``link`` appended: for curation, so that
    a suggested caption an employee cannot edit can always be shared. ``programme``, when
    given, saves reading it again for each caption."""
    return length_violation(
        caption=caption,
        network=network,
        disclosure=caption_rules_for(language=language, programme=programme).disclosure,
        link=link,
    )


def caption_text_limit(
    *, network: str, language: str, link: str | None = None, programme: Programme | None = None
) -> int:
    """How long a caption's own text may be on ``network`` (counted as the network counts it)
    once the disclosure of ``language`` and ``link`` are appended: the limit a live counter
    shows while a caption is written for later sharing."""
    disclosure = caption_rules_for(language=language, programme=programme).disclosure
    probe = "x"
    taken = posted_length(
        network=network, text=with_disclosure(probe, disclosure), link=link
    ) - caption_length(network, probe)
    return CAPTION_LIMITS[network] - taken
