import pytest

from ambassador.networks import (
    CAPTION_LIMITS,
    Network,
    caption_fits,
    caption_length,
    caption_room,
    caption_with_link,
    posted_length,
)

# The shared vector: tests/browser/test_training_caption_length.py checks that the live
# counter in static/js/library.js gives the same numbers.
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
    ("bluesky-crlf-one-grapheme", Network.BLUESKY, "a\r\nb", 3),
    ("bluesky-spacing-mark", Network.BLUESKY, "\u0915\u093f", 1),
    ("bluesky-rainbow-flag", Network.BLUESKY, "\U0001f3f3\ufe0f\u200d\U0001f308", 1),
    (
        "bluesky-subdivision-flag",
        Network.BLUESKY,
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
        1,
    ),
    ("bluesky-hangul-jamo", Network.BLUESKY, "\u1100\u1100\u1161", 1),
    ("linkedin-characters", Network.LINKEDIN, "👍🏽 https://example.com", 22),
    ("facebook-characters", Network.FACEBOOK, "æøå🎉", 4),
]

TRACKED = "https://amb.example/r/abcdefghijkl"  # 34 characters, the shape of a tracked link
LONG_LINK = "https://example.com/" + "p" * 200


@pytest.mark.parametrize(
    ("network", "text", "expected"),
    [case[1:] for case in LENGTHS],
    ids=[case[0] for case in LENGTHS],
)
def test_caption_length_table(network, text, expected):
    assert caption_length(network, text) == expected


def test_caption_fits_x_280_characters_and_a_link_do_not_fit():
    text = "a" * 280
    assert caption_fits(network=Network.X, text=text) is True
    assert caption_fits(network=Network.X, text=text, link=TRACKED) is False
    assert caption_room(network=Network.X, text=text, link=TRACKED) == -24


@pytest.mark.parametrize("link", [TRACKED, LONG_LINK, "https://t.co/x"])
def test_caption_fits_x_256_characters_space_and_any_link_fit_exactly(link):
    assert posted_length(network=Network.X, text="a" * 256, link=link) == 280
    assert caption_fits(network=Network.X, text="a" * 256, link=link) is True
    assert caption_room(network=Network.X, text="a" * 256, link=link) == 0


def test_caption_fits_x_257_characters_and_a_link_are_one_over():
    assert caption_fits(network=Network.X, text="a" * 257, link=TRACKED) is False
    assert caption_room(network=Network.X, text="a" * 257, link=TRACKED) == -1


@pytest.mark.parametrize("link", [TRACKED, LONG_LINK])
def test_caption_fits_mastodon_counts_the_link_as_23_after_a_blank_line(link):
    assert posted_length(network=Network.MASTODON, text="a" * 475, link=link) == 500
    assert caption_fits(network=Network.MASTODON, text="a" * 475, link=link) is True
    assert caption_fits(network=Network.MASTODON, text="a" * 476, link=link) is False


def test_caption_fits_bluesky_counts_the_link_in_full():
    assert len(TRACKED) == 34
    assert posted_length(network=Network.BLUESKY, text="a" * 264, link=TRACKED) == 300
    assert caption_fits(network=Network.BLUESKY, text="a" * 264, link=TRACKED) is True
    assert caption_room(network=Network.BLUESKY, text="a" * 265, link=TRACKED) == -1


def test_caption_fits_bluesky_counts_graphemes_of_caption_and_link():
    text = "👨\u200d👩\u200d👧" * 264
    assert caption_fits(network=Network.BLUESKY, text=text, link=TRACKED) is True
    assert caption_fits(network=Network.BLUESKY, text=text + "👍🏽", link=TRACKED) is False


def test_caption_fits_bluesky_long_link_takes_its_real_length():
    assert posted_length(network=Network.BLUESKY, text="Hei", link=LONG_LINK) == 3 + 2 + 220


def test_caption_fits_linkedin_counts_the_link_in_code_points():
    assert posted_length(network=Network.LINKEDIN, text="a" * 2964, link=TRACKED) == 3000
    assert caption_fits(network=Network.LINKEDIN, text="a" * 2965, link=TRACKED) is False


def test_caption_fits_without_link_counts_the_caption_only():
    assert posted_length(network=Network.X, text="a" * 280) == 280
    assert caption_fits(network=Network.X, text="a" * 280) is True
    assert caption_fits(network=Network.X, text="a" * 281) is False


def test_posted_length_empty_caption_is_the_link_alone():
    assert posted_length(network=Network.X, text="", link=LONG_LINK) == 23
    assert posted_length(network=Network.BLUESKY, text="", link=TRACKED) == 34


def test_caption_with_link_x_joins_with_a_space():
    assert caption_with_link(network=Network.X, text="Hei", link=TRACKED) == f"Hei {TRACKED}"


@pytest.mark.parametrize("network", [Network.MASTODON, Network.BLUESKY, Network.LINKEDIN])
def test_caption_with_link_other_networks_put_it_after_a_blank_line(network):
    assert caption_with_link(network=network, text="Hei", link=TRACKED) == f"Hei\n\n{TRACKED}"


def test_caption_with_link_empty_caption_is_the_link():
    assert caption_with_link(network=Network.MASTODON, text="", link=TRACKED) == TRACKED


@pytest.mark.parametrize("network", list(CAPTION_LIMITS))
@pytest.mark.parametrize("link", [TRACKED, LONG_LINK])
def test_posted_length_counts_the_joined_text_as_the_network_does(network, link):
    text = "Hei på deg 👍🏽 #ansatt"
    joined = caption_with_link(network=network, text=text, link=link)
    assert posted_length(network=network, text=text, link=link) == caption_length(network, joined)
