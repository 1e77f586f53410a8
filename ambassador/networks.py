"""The social networks Ambassador knows, their caption limits, and how each counts a caption.

This is the one rule "does this caption fit this network" (``caption_fits``), below every
app, so that curation, the guideline check and the share flow cannot disagree about it.
"""

import re
import unicodedata

import regex
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
# Bluesky: grapheme clusters (Unicode text segmentation, the same as Intl.Segmenter).
# LinkedIn and Facebook: characters (code points).
# static/js/library.js mirrors these rules for the live counter; the server check decides.

URL_LENGTH = 23
URL_RE = re.compile(r"https?://[^\s<>\"]+?(?=[.,:;!?)\]}'\"»\u201d\u2019]*(?:\s|$))", re.IGNORECASE)
MASTODON_MENTION_RE = re.compile(r"(?<![/\w])(@\w+)@[\w.-]*\w", re.IGNORECASE)
X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
GRAPHEME_RE = regex.compile(r"\X")

ZWJ = 0x200D

# The networks that shorten every URL to the same counted length, whatever its real length.
URL_SHORTENING_NETWORKS = frozenset({Network.X, Network.MASTODON})

# How the tracked link joins the caption: X's share intent puts it after a space; on the
# other networks it goes on a line of its own, after a blank line.
LINK_SEPARATORS: dict[str, str] = {Network.X: " "}
LINK_SEPARATOR = "\n\n"


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
    for cluster in GRAPHEME_RE.findall(text):
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
        return len(GRAPHEME_RE.findall(text))
    return len(text)


# --- The caption with the tracked link appended --------------------------------------------


def caption_with_link(*, network: str, text: str, link: str) -> str:
    """``text`` followed by ``link`` the way the share flow posts them on ``network``."""
    if not text:
        return link
    return text + LINK_SEPARATORS.get(network, LINK_SEPARATOR) + link


def posted_length(*, network: str, text: str, link: str | None = None) -> int:
    """The length of ``text`` as posted on ``network``, with ``link`` appended when given.

    X and Mastodon count any link as ``URL_LENGTH``, however long it is; Bluesky, LinkedIn
    and Facebook count it in full.
    """
    length = caption_length(network, text)
    if not link:
        return length
    if text:
        length += caption_length(network, LINK_SEPARATORS.get(network, LINK_SEPARATOR))
    if network in URL_SHORTENING_NETWORKS:
        return length + URL_LENGTH
    return length + caption_length(network, link)


def caption_room(*, network: str, text: str, link: str | None = None) -> int:
    """Characters left on ``network`` once ``link`` is appended; negative by how much it is over."""
    return CAPTION_LIMITS[network] - posted_length(network=network, text=text, link=link)


def caption_fits(*, network: str, text: str, link: str | None = None) -> bool:
    """Whether ``text``, with ``link`` appended when given, fits ``network``'s limit."""
    return caption_room(network=network, text=text, link=link) >= 0
