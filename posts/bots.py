"""User agents whose visits to a tracked link are redirected but never counted.

Our own list comes first: each entry is (name, case-insensitive regular expression).
Link-preview bots fetch a link the moment it is posted; counting them would credit the
sharer with clicks nobody made. On top of it sits the maintained crawler list of the
``crawler-user-agents`` package (its patterns are case-sensitive, as that list writes them).
Both are compiled once, at import, into one pattern.

In-app browsers (``[LinkedInApp]``, Facebook's ``FBAN``/``FBAV``, ``Instagram``) are people
reading the post inside the network's app: they stay counted even where a pattern matches
(the crawler list names some Android build numbers, which in-app browsers also send).
"""

import re
from functools import lru_cache

from crawleruseragents import CRAWLER_USER_AGENTS_DATA

BOT_PATTERNS: list[tuple[str, str]] = [
    ("LinkedInBot", r"linkedinbot"),
    ("Twitterbot", r"twitterbot"),
    ("facebookexternalhit", r"facebookexternalhit|facebookcatalog|meta-externalagent"),
    ("Slackbot", r"slackbot|slack-imgproxy"),
    ("Discordbot", r"discordbot"),
    # Mastodon servers fetch previews as "http.rb/5.1.1 (Mastodon/4.2.0; +https://...)".
    ("Mastodon http.rb", r"^http\.rb/|\(mastodon/"),
    ("TelegramBot", r"telegrambot"),
    ("WhatsApp", r"^whatsapp/"),
    ("SkypeUriPreview", r"skypeuripreview"),
    ("Bluesky", r"bluesky cardyb|cardyb/"),
    ("Googlebot", r"googlebot|google-inspectiontool|storebot-google"),
    ("bingbot", r"bingbot|bingpreview"),
    ("Applebot", r"applebot"),
    ("Embedly", r"embedly"),
    ("Iframely", r"iframely"),
    ("curl", r"^curl/"),
    ("Wget", r"^wget/"),
    ("python-requests", r"python-requests|python-urllib|aiohttp|httpx"),
    ("Go-http-client", r"go-http-client"),
    ("Java", r"^java/|okhttp|apache-httpclient"),
    ("headless", r"headlesschrome|phantomjs"),
    # "bot" as a word or product ("AhrefsBot/7.0"), not inside a name like "CUBOT" phones.
    ("generic bot", r"(?<![a-z])bot\b|bot/|crawler|crawl/|spider|scraper|linkpreview"),
]

IN_APP_PATTERNS: list[tuple[str, str]] = [
    ("LinkedIn app", r"\[LinkedInApp\]"),
    ("Facebook app", r"\bFBAN/|\bFBAV/|\bFB_IAB/"),
    ("Instagram app", r"\bInstagram \d"),
]

# Characters that make a crawler-list entry a pattern rather than a plain string.
_REGEX_SYNTAX_RE = re.compile(r"[][(){}*+?|^$.\\]")


def _crawler_list_pattern() -> str:
    """The crawler list as one alternation: its plain strings as a prefix tree (one branch
    per first letter, not 1,500 alternatives tried at every position), then the rest."""
    plain: list[str] = []
    patterns: list[str] = []
    for entry in CRAWLER_USER_AGENTS_DATA:
        pattern = entry["pattern"]
        if not pattern:  # an empty entry would match every visitor
            continue
        if _REGEX_SYNTAX_RE.search(re.sub(r"\\.", "", pattern)):
            patterns.append(pattern)
        else:  # only escaped punctuation such as "\/" or "\.": a plain string
            plain.append(re.sub(r"\\(.)", r"\1", pattern))
    return "|".join([_prefix_tree(plain), *(f"(?:{pattern})" for pattern in patterns)])


def _prefix_tree(words: list[str]) -> str:
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def branch(node: dict) -> str:
        if "" in node:  # a shorter word already matches: what follows cannot matter
            return ""
        alternatives = [re.escape(char) + branch(child) for char, child in sorted(node.items())]
        return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"

    return branch(tree)


_BOT_RE = re.compile(
    "|".join(
        [
            *(f"(?i:{pattern})" for _name, pattern in BOT_PATTERNS),
            f"(?:{_crawler_list_pattern()})",
        ]
    )
)
_IN_APP_RE = re.compile("|".join(pattern for _name, pattern in IN_APP_PATTERNS), re.IGNORECASE)


def is_in_app_browser(user_agent: str) -> bool:
    """A network's own app showing the link: a person, whatever else the agent says."""
    return _IN_APP_RE.search(user_agent) is not None


@lru_cache(maxsize=4096)  # the same few agents arrive over and over on the hot path
def is_bot(user_agent: str) -> bool:
    """True for a known crawler or link-preview agent, or no user agent at all; never for
    an in-app browser."""
    if not user_agent.strip():
        return True
    if is_in_app_browser(user_agent):
        return False
    return _BOT_RE.search(user_agent) is not None
