"""The social networks Ambassador knows, and their limits — kept in this one place."""

import re
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class Network(models.TextChoices):
    LINKEDIN = "LINKEDIN", _("LinkedIn")
    X = "X", _("X")
    FACEBOOK = "FACEBOOK", _("Facebook")
    MASTODON = "MASTODON", _("Mastodon")
    BLUESKY = "BLUESKY", _("Bluesky")


# Maximum caption length, as each network counts it (see ``caption_length``).
CAPTION_LIMITS: dict[str, int] = {
    Network.LINKEDIN: 3000,
    Network.X: 280,
    Network.FACEBOOK: 63206,
    Network.MASTODON: 500,
    Network.BLUESKY: 300,
}


# --- Counting a caption as each network counts it ------------------------------------------
#
# X: URLs count as 23 (t.co), emoji sequences as 2, other characters by weight: 1 in the
#    ranges below, 2 elsewhere (CJK and the like).
# Mastodon: URLs count as 23, and an @user@domain mention counts only its "@user" part.
# Bluesky: grapheme clusters, approximated without a dependency (see ``_clusters``).
# LinkedIn and Facebook: characters (code points).
# static/js/library.js mirrors these rules for the live counter; the server check decides.

URL_LENGTH = 23
URL_RE = re.compile(r"https?://[^\s<>\"]+?(?=[.,:;!?)\]}'\"»\u201d\u2019]*(?:\s|$))", re.IGNORECASE)
MASTODON_MENTION_RE = re.compile(r"(?<![/\w])(@\w+)@[\w.-]*\w", re.IGNORECASE)
X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

ZWJ = 0x200D


def _is_extender(cp: int) -> bool:
    """Code points that belong to the cluster before them rather than starting one."""
    return (
        0x0300 <= cp <= 0x036F  # combining diacritical marks
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors
        or 0x1F3FB <= cp <= 0x1F3FF  # skin-tone modifiers
        or cp == 0x20E3  # combining enclosing keycap
        or 0xE0020 <= cp <= 0xE007F  # tag characters (subdivision flags)
        or cp == ZWJ
    )


def _is_regional_indicator(cp: int) -> bool:
    return 0x1F1E6 <= cp <= 0x1F1FF


def _clusters(text: str) -> list[str]:
    """Approximate grapheme clusters: a character with its combining marks, variation
    selectors and skin tones, characters joined by ZWJ, and pairs of regional indicators."""
    clusters: list[str] = []
    for char in text:
        cp = ord(char)
        if clusters:
            last = clusters[-1]
            joined = ord(last[-1]) == ZWJ
            flag_pair = (
                _is_regional_indicator(cp) and len(last) == 1 and _is_regional_indicator(ord(last))
            )
            if _is_extender(cp) or joined or flag_pair:
                clusters[-1] = last + char
                continue
        clusters.append(char)
    return clusters


def _is_emoji_cluster(cluster: str) -> bool:
    for char in cluster:
        cp = ord(char)
        if (
            0x1F000 <= cp <= 0x1FAFF
            or 0x2600 <= cp <= 0x27BF
            or cp in (0xFE0F, 0x20E3, ZWJ)
            or 0xE0020 <= cp <= 0xE007F
        ):
            return True
    return False


def _x_weight(char: str) -> int:
    cp = ord(char)
    return 1 if any(low <= cp <= high for low, high in X_LIGHT_RANGES) else 2


def _x_length(text: str) -> int:
    total = 0
    position = 0
    for match in URL_RE.finditer(text):
        total += _x_text_length(text[position : match.start()]) + URL_LENGTH
        position = match.end()
    return total + _x_text_length(text[position:])


def _x_text_length(text: str) -> int:
    total = 0
    for cluster in _clusters(text):
        if len(cluster) > 1 and _is_emoji_cluster(cluster):
            total += 2
        else:
            total += sum(_x_weight(char) for char in cluster)
    return total


def _mastodon_length(text: str) -> int:
    text = MASTODON_MENTION_RE.sub(r"\1", text)
    urls = URL_RE.findall(text)
    return len(URL_RE.sub("", text)) + URL_LENGTH * len(urls)


def caption_length(network: str, text: str) -> int:
    """The length of ``text`` as ``network`` counts it against ``CAPTION_LIMITS``."""
    text = unicodedata.normalize("NFC", text)
    if network == Network.X:
        return _x_length(text)
    if network == Network.MASTODON:
        return _mastodon_length(text)
    if network == Network.BLUESKY:
        return len(_clusters(text))
    return len(text)
