import pytest

from posts.networks import Network, caption_length
from posts.validators import caption_limit_error

# (id, network, text, expected length)
LENGTHS = [
    ("x-latin", Network.X, "Hei på deg", 10),
    ("x-cjk", Network.X, "日本語", 6),
    ("x-emoji", Network.X, "🎉", 2),
    ("x-zwj-sequence", Network.X, "👩🏽\u200d💻", 2),
    ("x-flag", Network.X, "🇳🇴", 2),
    ("x-keycap", Network.X, "#\ufe0f\u20e3", 2),
    ("x-heart-with-selector", Network.X, "\u2764\ufe0f", 2),
    ("x-decomposed-normalised", Network.X, "a\u030a", 1),
    ("x-url", Network.X, "see https://example.com/a/very/long/path?q=1", 27),
    ("x-url-trailing-period", Network.X, "https://example.com/x.", 24),
    ("x-two-urls", Network.X, "http://a.example https://b.example", 47),
    ("mastodon-url", Network.MASTODON, "see https://example.com/a/very/long/path", 27),
    ("mastodon-mention", Network.MASTODON, "hi @anna@mastodon.social!", 9),
    ("mastodon-local-mention", Network.MASTODON, "hi @anna!", 9),
    ("mastodon-email-not-mention", Network.MASTODON, "mail a@b.no", 11),
    ("mastodon-emoji", Network.MASTODON, "🎉", 1),
    ("bluesky-zwj-sequence", Network.BLUESKY, "👨\u200d👩\u200d👧", 1),
    ("bluesky-skin-tone", Network.BLUESKY, "👍🏽", 1),
    ("bluesky-combining", Network.BLUESKY, "x\u0301y", 2),
    ("bluesky-url-in-full", Network.BLUESKY, "https://example.com", 19),
    ("linkedin-characters", Network.LINKEDIN, "👍🏽 https://example.com", 22),
    ("facebook-characters", Network.FACEBOOK, "æøå🎉", 4),
]


@pytest.mark.parametrize(
    ("network", "text", "expected"),
    [case[1:] for case in LENGTHS],
    ids=[case[0] for case in LENGTHS],
)
def test_caption_length_table(network, text, expected):
    assert caption_length(network, text) == expected


def test_caption_limit_error_url_counts_23_on_x():
    text = "a" * 250 + " https://example.com/" + "p" * 100
    assert caption_limit_error(network=Network.X, text=text) is None


def test_caption_limit_error_counts_cjk_twice_on_x():
    assert caption_limit_error(network=Network.X, text="日" * 141) == (
        "X caption: at most 280 characters (this one has 282)."
    )


def test_caption_limit_error_counts_mentions_by_local_part_on_mastodon():
    text = "@anna@mastodon.social " * 30
    assert caption_limit_error(network=Network.MASTODON, text=text) is None
