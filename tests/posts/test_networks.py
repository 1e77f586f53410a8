"""Curation's length check (posts.selectors.caption_problems): each suggested caption with the
disclosure and a tracked link appended, as the share flow will post it. The counting itself
is tested in tests/test_networks.py."""

import pytest

from ambassador.networks import Network
from posts.selectors import caption_problems, caption_text_limits
from posts.tracked_links import CODE_LENGTH, tracked_link_shaped, tracked_link_url
from training.models import PROGRAMME_ID, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosures():
    """``#ad`` (3 characters) in English, ``#ansatt`` (7) in Norwegian."""
    return Programme.objects.create(pk=PROGRAMME_ID, disclosure_en="#ad", disclosure_nb="#ansatt")


def test_tracked_link_shaped_is_as_long_as_a_real_one():
    assert len(tracked_link_shaped()) == len(tracked_link_url(code="A" * CODE_LENGTH))


def test_caption_problems_url_in_caption_counts_23_on_x():
    # 200 + 1 + 23 (the article's URL) + 1 + 23 (the tracked link) = 248 of 280.
    text = "a" * 200 + " https://example.com/" + "p" * 100
    assert caption_problems(captions={(Network.X, "en"): text}) == {}


def test_caption_problems_counts_cjk_twice_and_the_tracked_link_on_x():
    # 129 x 2 = 258, + 1 space + 23 for the tracked link = 282.
    assert caption_problems(captions={(Network.X, "en"): "日" * 129}) == {
        (Network.X, "en"): "X caption (English): With the tracked link added, the caption is "
        "282 characters; X allows 280. Shorten it by 2."
    }


def test_caption_problems_cjk_caption_fitting_with_the_tracked_link_passes():
    # 128 x 2 + 1 + 23 = 280.
    assert caption_problems(captions={(Network.X, "en"): "日" * 128}) == {}


def test_caption_problems_counts_mentions_by_local_part_on_mastodon():
    # 75 x "@anna " = 449 once stripped, + 2 + 23 = 474 of 500 (1,649 characters written).
    text = "@anna@mastodon.social " * 75
    assert caption_problems(captions={(Network.MASTODON, "en"): text}) == {}


def test_caption_problems_x_caption_of_256_fits_without_disclosure():
    # 256 + 1 space + 23 = 280: the longest X caption when no disclosure is set.
    assert caption_problems(captions={(Network.X, "en"): "a" * 256}) == {}


def test_caption_problems_x_caption_of_257_over_without_disclosure():
    assert list(caption_problems(captions={(Network.X, "en"): "a" * 257})) == [(Network.X, "en")]


def test_caption_problems_x_caption_of_251_fits_with_english_disclosure(disclosures):
    # 251 + "\n\n#ad" (5) + " " + 23 = 280; the Norwegian caption exists, so Norwegian
    # speakers never get the English one.
    captions = {(Network.X, "en"): "a" * 251, (Network.X, "nb"): "b"}
    assert caption_problems(captions=captions) == {}


def test_caption_problems_x_caption_of_252_over_with_english_disclosure(disclosures):
    captions = {(Network.X, "en"): "a" * 252, (Network.X, "nb"): "b"}
    assert caption_problems(captions=captions) == {
        (Network.X, "en"): "X caption (English): With the disclosure “#ad” and the tracked link "
        "added, the caption is 281 characters; X allows 280. Shorten it by 1."
    }


def test_caption_problems_english_caption_checked_with_norwegian_disclosure_when_no_nb(
    disclosures,
):
    # Norwegian speakers without a Norwegian caption are offered the English one, with
    # "#ansatt": 251 + 2 + 7 + 1 + 23 = 284.
    assert caption_problems(captions={(Network.X, "en"): "a" * 251}) == {
        (Network.X, "en"): "X caption (English): With the disclosure “#ansatt” and the tracked "
        "link added, the caption is 284 characters; X allows 280. Shorten it by 4."
    }


def test_caption_problems_norwegian_caption_checked_with_its_own_disclosure(disclosures):
    # 247 + 2 + 7 + 1 + 23 = 280.
    assert caption_problems(captions={(Network.X, "nb"): "a" * 247}) == {}
    assert list(caption_problems(captions={(Network.X, "nb"): "a" * 248})) == [(Network.X, "nb")]


def test_caption_problems_bluesky_counts_the_tracked_link_in_full(settings):
    settings.SHORT_LINK_BASE_URL = "https://go.example.com"
    link = tracked_link_shaped()  # https://go.example.com/r/xxxxxxxxxxxx: 37 characters
    assert len(link) == 37
    # 261 + 2 + 37 = 300.
    assert caption_problems(captions={(Network.BLUESKY, "en"): "a" * 261}) == {}
    assert list(caption_problems(captions={(Network.BLUESKY, "en"): "a" * 262})) == [
        (Network.BLUESKY, "en")
    ]


def test_caption_text_limits_leave_room_for_disclosure_and_link(disclosures):
    limits = caption_text_limits()
    assert limits[(Network.X, "nb")] == 247
    # The English caption may be offered to Norwegian speakers too: the tighter limit.
    assert limits[(Network.X, "en")] == 247
    assert limits[(Network.MASTODON, "nb")] == 500 - 2 - 7 - 2 - 23
