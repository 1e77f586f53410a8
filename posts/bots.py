"""User agents whose visits to a tracked link are redirected but never counted.

Data, in one place: each entry is (name, case-insensitive regular expression). Link-preview
bots fetch a link the moment it is posted; counting them would credit the sharer with
clicks nobody made. In-app browsers (``[LinkedInApp]``, ``FBAN``, ``Instagram``...) are
people and stay counted, so patterns must not match them.
"""

import re
from functools import lru_cache

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

_BOT_RE = re.compile("|".join(f"(?:{pattern})" for _, pattern in BOT_PATTERNS), re.IGNORECASE)


@lru_cache(maxsize=4096)  # the same few agents arrive over and over on the hot path
def is_bot(user_agent: str) -> bool:
    """True for a known crawler or link-preview agent, or no user agent at all."""
    if not user_agent.strip():
        return True
    return _BOT_RE.search(user_agent) is not None
