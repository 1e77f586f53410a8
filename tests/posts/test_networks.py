"""Curation's length check; the counting itself is tested in tests/test_networks.py."""

from ambassador.networks import Network
from posts.validators import caption_limit_error


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
