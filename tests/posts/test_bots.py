"""Which user agents count as people: our link-preview list, the crawler list, in-app browsers."""

import re

import pytest
from crawleruseragents import CRAWLER_USER_AGENTS_DATA

from posts.bots import BOT_PATTERNS, is_bot, is_in_app_browser

# Real in-app browser agents, as the apps send them (iOS and Android of each).
LINKEDIN_APP_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.8019"
)
LINKEDIN_APP_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240705.005; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.122 Mobile Safari/537.36 "
    "[LinkedInApp]/4.1.972"
)
FACEBOOK_APP_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.38.108;FBBV/622473015;"
    "FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5.1;FBSS/3;FBID/phone;FBLC/nb_NO;FBOP/5;"
    "FBRV/624354155]"
)
FACEBOOK_APP_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.134 Mobile Safari/537.36 "
    "[FB_IAB/FB4A;FBAV/473.0.0.40.109;]"
)
INSTAGRAM_APP_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Instagram 337.0.3.23.54 (iPhone15,3; iOS 17_5; nb_NO; "
    "nb; scale=3.00; 1290x2796; 612269853)"
)
INSTAGRAM_APP_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/AP2A.240705.005; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.122 Mobile Safari/537.36 "
    "Instagram 339.0.0.30.105 Android (34/14; 420dpi; 1080x2400; Google/google; Pixel 7; "
    "panther; panther; nb_NO; 619285133)"
)

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 Chrome/120.0 Mobile "
    "Safari/537.36",
]

# Crawlers that only the crawler-user-agents list names: our own list let them through.
CRAWLER_LIST_ONLY = [
    "AdsBot-Google (+http://www.google.com/adsbot.html)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp/3.0; http://help.yahoo.com/help/us/ysearch/slurp)",
    "Mediapartners-Google",
]

OUR_LIST_RE = re.compile("|".join(pattern for _name, pattern in BOT_PATTERNS), re.IGNORECASE)


@pytest.mark.parametrize(
    "agent",
    [
        LINKEDIN_APP_IOS,
        LINKEDIN_APP_ANDROID,
        FACEBOOK_APP_IOS,
        FACEBOOK_APP_ANDROID,
        INSTAGRAM_APP_IOS,
        INSTAGRAM_APP_ANDROID,
    ],
    ids=[
        "linkedin-ios",
        "linkedin-android",
        "fban-ios",
        "fbav-android",
        "instagram-ios",
        "instagram-android",
    ],
)
def test_is_bot_in_app_browser_is_a_person(agent):
    assert is_bot(agent) is False


# A phone's web view on an Android build that the crawler list names as a scraper's
# ("AP3A.240617.008"): on its own it reads as a crawler.
WEBVIEW_ON_LISTED_BUILD = (
    "Mozilla/5.0 (Linux; Android 15; CPH2557 Build/AP3A.240617.008; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/142.0.7444.142 Mobile Safari/537.36"
)
# What each app adds to that web view's agent; the Instagram one is the crawler list's own
# example of the pattern.
APP_SUFFIXES = {
    "linkedin": " [LinkedInApp]/4.1.1050",
    "facebook-fbav": " [FB_IAB/FB4A;FBAV/473.0.0.40.109;]",
    "facebook-fban": " [FBAN/EMA;FBLC/nb_NO;FBAV/412.0.0.10.115;]",
    "instagram": (
        " Instagram 406.0.0.58.159 Android (35/15; 480dpi; 1080x2400; OPPO; CPH2557; OP573DL1; "
        "mt6833; en_MY; 822918295; IABMV/1) NV/1"
    ),
}


def test_is_bot_web_view_on_a_build_the_crawler_list_names_is_a_bot():
    assert OUR_LIST_RE.search(WEBVIEW_ON_LISTED_BUILD) is None
    assert is_bot(WEBVIEW_ON_LISTED_BUILD) is True


def test_is_bot_crawler_list_gives_an_instagram_app_as_an_example():
    examples = {agent for entry in CRAWLER_USER_AGENTS_DATA for agent in entry["instances"]}
    assert WEBVIEW_ON_LISTED_BUILD + APP_SUFFIXES["instagram"] in examples


@pytest.mark.parametrize("app", sorted(APP_SUFFIXES))
def test_is_bot_in_app_browser_counts_even_where_a_crawler_pattern_matches(app):
    assert is_bot(WEBVIEW_ON_LISTED_BUILD + APP_SUFFIXES[app]) is False


@pytest.mark.parametrize("agent", BROWSERS)
def test_is_bot_ordinary_browser_is_a_person(agent):
    assert is_bot(agent) is False


@pytest.mark.parametrize("agent", CRAWLER_LIST_ONLY)
def test_is_bot_agent_named_only_by_the_crawler_list_is_not_counted(agent):
    assert OUR_LIST_RE.search(agent) is None  # our own list alone would have counted it
    assert is_bot(agent) is True


def test_is_bot_every_example_of_the_crawler_list_but_in_app_browsers_is_not_counted():
    examples = [agent for entry in CRAWLER_USER_AGENTS_DATA for agent in entry["instances"]]
    assert len(examples) > 1000
    assert [agent for agent in examples if not is_bot(agent)] == [
        agent for agent in examples if is_in_app_browser(agent)
    ]


def test_is_bot_link_preview_agent_is_not_counted():
    assert is_bot("http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)") is True


def test_is_bot_blank_user_agent_is_not_counted():
    assert is_bot("  ") is True


def test_is_bot_answers_a_repeated_agent_from_its_cache():
    agent = BROWSERS[0] + " cache-probe"
    is_bot(agent)
    hits = is_bot.cache_info().hits
    assert is_bot(agent) is False
    assert is_bot.cache_info().hits == hits + 1
