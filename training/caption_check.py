"""The guideline check: a pure function from (caption, network, rules) to violations.

No database access here: the rules arrive as a ``CaptionRules`` value, so the check is
easy to test as a table and cheap to call before every share.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass, field

import regex
from confusable_homoglyphs.confusables import confusables_data
from django.utils.translation import gettext as _

from ambassador.networks import CAPTION_LIMITS, Network, caption_length, caption_room


@dataclass(frozen=True)
class Violation:
    rule: str  # a stable code, e.g. "LENGTH"
    message: str  # a translated, human explanation of which rule and why


@dataclass(frozen=True)
class CaptionRules:
    disclosure: str = ""
    forbidden_phrases: tuple[str, ...] = field(default_factory=tuple)
    max_hashtags: int | None = None
    max_links: int | None = None


KEPT_LETTERS = frozenset("æøåÆØÅ")  # Norwegian letters of their own, never folded to a or o


def _lookalike_rank(glyph: str, letter: str) -> tuple[bool, bool]:
    """Prefer a letter to a digit, and one of the glyph's own case.

    A Cyrillic capital I looks like both 'I' and 'l'; as a capital it reads as 'I'.
    """
    return (not letter.isalpha(), letter.isupper() != glyph.isupper())


def _lookalikes() -> dict[int, str]:
    """Each character Unicode's confusables data (TR39) lists as looking like an ASCII letter
    or digit, mapped to that letter or digit; ASCII itself and æ, ø, å stay as they are."""
    candidates: dict[str, set[str]] = {}
    for target in string.ascii_letters + string.digits:
        glyphs = [entry["c"].strip("\u200e\u200f") for entry in confusables_data.get(target, ())]
        # Targets confusable among themselves ('l', 'I', '1'): a glyph may stand for any.
        letters = {target} | {g for g in glyphs if g.isascii() and g.isalnum()}
        for glyph in glyphs:
            if len(glyph) == 1 and not glyph.isascii() and glyph not in KEPT_LETTERS:
                candidates.setdefault(glyph, set()).update(letters)
    return {
        ord(glyph): min(sorted(letters), key=lambda letter: _lookalike_rank(glyph, letter))
        for glyph, letters in candidates.items()
    }


LOOKALIKES = _lookalikes()
# Zero-width spaces, joiners, soft hyphens and the like: invisible, so people use them to
# split a word a filter would catch.
INVISIBLE_RE = regex.compile(r"\p{Default_Ignorable_Code_Point}")

HASHTAG_RE = re.compile(r"(?<![\w#])#\w+")
LINK_RE = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


def normalise(text: str) -> str:
    """Fold case, compatibility forms and look-alike letters; keep æ, ø and å as they are.

    NFKC folds fullwidth and other compatibility forms; look-alikes from other scripts are
    mapped before case folding (a capital keeps reading as the capital it imitates) and again
    after it. So a fullwidth S and a Cyrillic DZE both become 's', while 'å' never becomes
    'a' ('sår' and 'sar' stay different words).
    """
    text = INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))
    folded = text.translate(LOOKALIKES).casefold().translate(LOOKALIKES)
    return unicodedata.normalize("NFC", folded)


def _phrase_pattern(phrase: str) -> re.Pattern:
    words = normalise(phrase).split()
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)")


def _ends_with(caption: str, disclosure: str) -> bool:
    tail = caption[-len(disclosure) :]
    before = caption[: len(caption) - len(disclosure)]
    return normalise(tail) == normalise(disclosure) and not (before and before[-1].isalnum())


def with_disclosure(caption: str, disclosure: str) -> str:
    """``caption`` with ``disclosure`` at the end; never twice, never removable."""
    caption = unicodedata.normalize("NFC", caption).rstrip()
    disclosure = disclosure.strip()
    if not disclosure:
        return caption
    if _ends_with(caption, disclosure):
        return caption
    return f"{caption}\n\n{disclosure}" if caption else disclosure


def _without_disclosure(caption: str, disclosure: str) -> str:
    caption = unicodedata.normalize("NFC", caption).rstrip()
    disclosure = disclosure.strip()
    if disclosure and _ends_with(caption, disclosure):
        return caption[: len(caption) - len(disclosure)].rstrip()
    return caption


def check_caption(
    *, caption: str, network: str, rules: CaptionRules | None = None, link: str | None = None
) -> list[Violation]:
    """Every rule ``caption`` breaks on ``network``, each with a translated explanation.

    The length limit applies to the caption as it will be posted: disclosure included and,
    when ``link`` is given, the tracked link appended after it (see ``length_violation``).
    Without ``link`` nothing is counted for it. Hashtag and link limits and forbidden
    phrases apply to what the person wrote.
    """
    if network not in CAPTION_LIMITS:
        return [
            Violation(rule="NETWORK", message=_("%(network)s is not a network we can share to.")
                      % {"network": network})
        ]  # fmt: skip
    rules = rules or CaptionRules()
    violations: list[Violation] = []
    own_text = _without_disclosure(caption, rules.disclosure)
    normalised = normalise(own_text)

    for phrase in rules.forbidden_phrases:
        if phrase.strip() and _phrase_pattern(phrase).search(normalised):
            violations.append(
                Violation(
                    rule="FORBIDDEN",
                    message=_("“%(phrase)s” is on the list of words and phrases not to use.")
                    % {"phrase": phrase.strip()},
                )
            )

    if rules.max_hashtags is not None:
        hashtags = len(HASHTAG_RE.findall(own_text))
        if hashtags > rules.max_hashtags:
            violations.append(
                Violation(
                    rule="HASHTAGS",
                    message=_(
                        "The caption has %(count)d hashtags; the guidelines allow at most %(limit)d."
                    )
                    % {"count": hashtags, "limit": rules.max_hashtags},
                )
            )

    if rules.max_links is not None:
        links = len(LINK_RE.findall(own_text))
        if links > rules.max_links:
            violations.append(
                Violation(
                    rule="LINKS",
                    message=_(
                        "The caption has %(count)d links; the guidelines allow at most %(limit)d."
                    )
                    % {"count": links, "limit": rules.max_links},
                )
            )

    if violation := length_violation(
        caption=caption, network=network, disclosure=rules.disclosure, link=link
    ):
        violations.append(violation)
    return violations


def length_violation(
    *, caption: str, network: str, disclosure: str = "", link: str | None = None
) -> Violation | None:
    """The length rule alone: ``caption`` as posted on ``network`` breaks its limit.

    As posted means with ``disclosure`` appended and then ``link`` (the tracked link the
    share flow adds), counted as the network counts them (``ambassador.networks``).
    ``network`` must be one of ``CAPTION_LIMITS``.
    """
    final = with_disclosure(caption, disclosure)
    room = caption_room(network=network, text=final, link=link)
    if room >= 0:
        return None
    limit = CAPTION_LIMITS[network]
    values = {
        "disclosure": disclosure.strip(),
        "count": limit - room,
        "network": Network(network).label,
        "limit": limit,
        "over": -room,
    }
    own_text_fits = caption_length(network, _without_disclosure(caption, disclosure)) <= limit
    if own_text_fits and disclosure.strip() and link:
        message = _(
            "With the disclosure “%(disclosure)s” and the tracked link added, the caption is "
            "%(count)d characters; %(network)s allows %(limit)d. Shorten it by %(over)d."
        )
    elif own_text_fits and disclosure.strip():
        message = _(
            "With the disclosure “%(disclosure)s” added, the caption is %(count)d characters; "
            "%(network)s allows %(limit)d. Shorten it by %(over)d."
        )
    elif own_text_fits and link:
        message = _(
            "With the tracked link added, the caption is %(count)d characters; "
            "%(network)s allows %(limit)d. Shorten it by %(over)d."
        )
    else:
        message = _(
            "The caption is %(count)d characters; %(network)s allows %(limit)d. "
            "Shorten it by %(over)d."
        )
    return Violation(rule="LENGTH", message=message % values)
