"""The guideline check: a pure function from (caption, network, rules) to violations.

No database access here: the rules arrive as a ``CaptionRules`` value, so the check is
easy to test as a table and cheap to call before every share.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ambassador.networks import CAPTION_LIMITS, Network, caption_length


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


# Letters from other scripts that look like Latin ones, as people use them to dodge filters.
# NFKC already folds fullwidth and most compatibility forms; these survive it.
CONFUSABLES = str.maketrans(
    {
        "\u0430": "a",  # cyrillic small letter a
        "\u0432": "b",  # cyrillic small letter ve
        "\u0435": "e",  # cyrillic small letter ie
        "\u0451": "e",  # cyrillic small letter io
        "\u043a": "k",  # cyrillic small letter ka
        "\u043c": "m",  # cyrillic small letter em
        "\u043d": "h",  # cyrillic small letter en
        "\u043e": "o",  # cyrillic small letter o
        "\u0440": "p",  # cyrillic small letter er
        "\u0441": "c",  # cyrillic small letter es
        "\u0442": "t",  # cyrillic small letter te
        "\u0443": "y",  # cyrillic small letter u
        "\u0445": "x",  # cyrillic small letter ha
        "\u0455": "s",  # cyrillic small letter dze
        "\u0456": "i",  # cyrillic small letter byelorussian-ukrainian i
        "\u0457": "i",  # cyrillic small letter yi
        "\u0458": "j",  # cyrillic small letter je
        "\u0501": "d",  # cyrillic small letter komi de
        "\u051b": "q",  # cyrillic small letter qa
        "\u051d": "w",  # cyrillic small letter we
        "\u04bb": "h",  # cyrillic small letter shha
        "\u04cf": "l",  # cyrillic small letter palochka
        "\u03b1": "a",  # greek small letter alpha
        "\u03b2": "b",  # greek small letter beta
        "\u03b5": "e",  # greek small letter epsilon
        "\u03b9": "i",  # greek small letter iota
        "\u03ba": "k",  # greek small letter kappa
        "\u03bd": "v",  # greek small letter nu
        "\u03bf": "o",  # greek small letter omicron
        "\u03c1": "p",  # greek small letter rho
        "\u03c4": "t",  # greek small letter tau
        "\u03c5": "u",  # greek small letter upsilon
        "\u03c7": "x",  # greek small letter chi
        "\u03f2": "c",  # greek lunate sigma symbol
        "\u0131": "i",  # latin small letter dotless i
        "\u0251": "a",  # latin small letter alpha
        "\u0261": "g",  # latin small letter script g
        "\u200b": "",  # zero width space
        "\u200c": "",  # zero width non-joiner
        "\u200d": "",  # zero width joiner
        "\u2060": "",  # word joiner
        "\ufeff": "",  # zero width no-break space
        "\u00ad": "",  # soft hyphen
    }
)

HASHTAG_RE = re.compile(r"(?<![\w#])#\w+")
LINK_RE = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


def normalise(text: str) -> str:
    """Fold case, compatibility forms and look-alike letters; keep æ, ø and å as they are.

    Casefolded look-alikes are mapped after NFKC, so a fullwidth S and a Cyrillic DZE
    both become 's', while 'å' never becomes 'a' ('sår' and 'sar' stay different words).
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(CONFUSABLES)
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
    *, caption: str, network: str, rules: CaptionRules | None = None
) -> list[Violation]:
    """Every rule ``caption`` breaks on ``network``, each with a translated explanation.

    The length limit applies to the caption as it will be posted, disclosure included,
    counted as the network counts it (``posts.networks.caption_length``).
    Hashtag and link limits and forbidden phrases apply to what the person wrote.
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

    final = with_disclosure(caption, rules.disclosure)
    limit = CAPTION_LIMITS[network]
    length = caption_length(network, final)
    if length > limit:
        network_label = Network(network).label
        if rules.disclosure.strip() and caption_length(network, own_text) <= limit:
            message = _(
                "With the disclosure “%(disclosure)s” added, the caption is %(count)d characters; "
                "%(network)s allows %(limit)d. Shorten it by %(over)d."
            ) % {
                "disclosure": rules.disclosure.strip(),
                "count": length,
                "network": network_label,
                "limit": limit,
                "over": length - limit,
            }
        else:
            message = _(
                "The caption is %(count)d characters; %(network)s allows %(limit)d. "
                "Shorten it by %(over)d."
            ) % {
                "count": length,
                "network": network_label,
                "limit": limit,
                "over": length - limit,
            }
        violations.append(Violation(rule="LENGTH", message=message))
    return violations
