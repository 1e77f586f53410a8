import pytest
from django.utils import translation

from ambassador.networks import Network
from training.caption_check import CaptionRules, check_caption, with_disclosure
from training.selectors import caption_final_text, caption_violations

NB = CaptionRules(
    disclosure="#ansatt",
    forbidden_phrases=("konfidensielt", "garantert avkastning", "sår", "confidential"),
    max_hashtags=2,
    max_links=1,
)
EN = CaptionRules(disclosure="#employee", forbidden_phrases=("insider tip",))
NONE = None

# fmt: off
CASES = [
    # (id, caption, network, rules, expected rule codes)
    ("plain-ok", "Stolt av det nye kontoret vårt i Bergen!", Network.LINKEDIN, NB, []),
    ("norwegian-letters-emoji-ok", "Æ, ø og å er helt fine 🎉🇳🇴", Network.X, NB, []),
    ("forbidden-uppercase", "Dette er KONFIDENSIELT", Network.LINKEDIN, NB, ["FORBIDDEN"]),
    ("forbidden-cyrillic-o", "Dette er k\u043enfidensielt", Network.LINKEDIN, NB, ["FORBIDDEN"]),
    ("forbidden-cyrillic-a-e", "Gar\u0430ntert \u0430vk\u0430stning", Network.X, NB, ["FORBIDDEN"]),
    (
        "forbidden-fullwidth",
        "Totally \uff43\uff4f\uff4e\uff46\uff49\uff44\uff45\uff4e\uff54\uff49\uff41\uff4c",
        Network.X,
        NB,
        ["FORBIDDEN"],
    ),
    ("forbidden-zero-width", "confi\u200bdential", Network.X, NB, ["FORBIDDEN"]),
    ("forbidden-phrase-spacing", "Garantert\n   avkastning!", Network.LINKEDIN, NB, ["FORBIDDEN"]),
    ("forbidden-whole-phrase-only", "Unconfidentially speaking", Network.LINKEDIN, NB, []),
    ("forbidden-norwegian-a-ring", "Et SÅR i markedet", Network.LINKEDIN, NB, ["FORBIDDEN"]),
    ("forbidden-decomposed-a-ring", "Et sa\u030ar i markedet", Network.LINKEDIN, NB, ["FORBIDDEN"]),
    ("a-ring-not-folded-to-a", "Vi sar frø i vår", Network.LINKEDIN, NB, []),
    ("forbidden-english-rules", "An insider tip for you", Network.MASTODON, EN, ["FORBIDDEN"]),
    ("hashtags-at-limit", "Nytt bygg #bergen #arkitektur", Network.X, NB, []),
    ("hashtags-over-limit", "#en #to #tre", Network.X, NB, ["HASHTAGS"]),
    ("hashtags-disclosure-not-counted", "#en #to #ansatt", Network.X, NB, []),
    ("links-at-limit", "Les mer: https://example.com/æøå?x=1", Network.X, NB, []),
    ("links-over-limit", "https://a.example og https://b.example", Network.X, NB, ["LINKS"]),
    ("links-www-counted", "www.example.com og https://b.example", Network.X, NB, ["LINKS"]),
    ("x-at-limit-no-rules", "a" * 280, Network.X, NONE, []),
    ("x-over-limit-no-rules", "a" * 281, Network.X, NONE, ["LENGTH"]),
    ("x-disclosure-pushes-over", "a" * 275, Network.X, NB, ["LENGTH"]),
    ("x-disclosure-fits", "a" * 271, Network.X, NB, []),
    ("mastodon-disclosure-pushes-over", "ø" * 495, Network.MASTODON, EN, ["LENGTH"]),
    ("linkedin-long-ok", "å" * 2900, Network.LINKEDIN, NB, []),
    ("x-emoji-count-two-each-fits", "🎉" * 135, Network.X, NB, []),
    ("x-emoji-count-two-each-over", "🎉" * 136, Network.X, NB, ["LENGTH"]),
    ("emoji-over-with-disclosure", "🎉" * 280, Network.X, NB, ["LENGTH"]),
    ("x-zwj-family-counts-two", "👨\u200d👩\u200d👧" * 140, Network.X, NONE, []),
    ("x-skin-tone-counts-two", "👍🏽" * 141, Network.X, NONE, ["LENGTH"]),
    ("x-flags-count-two", "🇳🇴" * 140, Network.X, NONE, []),
    ("x-cjk-counts-two-fits", "日" * 140, Network.X, NONE, []),
    ("x-cjk-counts-two-over", "日" * 141, Network.X, NONE, ["LENGTH"]),
    ("x-norwegian-letters-weigh-one", "æøå" * 93 + "a", Network.X, NONE, []),
    ("x-dash-weighs-one", "\u2014" * 280, Network.X, NONE, []),
    ("x-url-counts-23", "a" * 250 + " https://example.com/" + "p" * 100, Network.X, NONE, []),
    ("x-url-counts-23-over", "a" * 257 + " https://example.com/p", Network.X, NONE, ["LENGTH"]),
    ("x-url-with-disclosure-over", "a" * 249 + " https://example.com/p", Network.X, NB, ["LENGTH"]),
    ("mastodon-url-counts-23", "a" * 470 + " https://example.com/" + "x" * 100, Network.MASTODON, NONE, []),
    ("mastodon-mention-counts-local-part", "@anna@mastodon.social " * 30, Network.MASTODON, NONE, []),
    ("mastodon-emoji-counts-one", "🎉" * 500, Network.MASTODON, NONE, []),
    ("mastodon-over", "a" * 501, Network.MASTODON, NONE, ["LENGTH"]),
    ("bluesky-zwj-emoji-one-grapheme", "👩🏽\u200d💻" * 300, Network.BLUESKY, NONE, []),
    ("bluesky-zwj-emoji-over", "👩🏽\u200d💻" * 301, Network.BLUESKY, NONE, ["LENGTH"]),
    ("bluesky-flags-one-grapheme", "🇳🇴" * 300, Network.BLUESKY, NONE, []),
    ("bluesky-variation-selector-one", "\u2764\ufe0f" * 300, Network.BLUESKY, NONE, []),
    ("bluesky-url-counted-in-full", "a" * 280 + " https://example.com/abcdefgh", Network.BLUESKY, NONE, ["LENGTH"]),
    ("linkedin-emoji-count-one", "🎉" * 3000, Network.LINKEDIN, NONE, []),
    ("linkedin-over", "🎉" * 3001, Network.LINKEDIN, NONE, ["LENGTH"]),
    ("linkedin-url-counted-in-full", "a" * 2990 + " https://example.com/", Network.LINKEDIN, NONE, ["LENGTH"]),
    ("facebook-at-limit", "x" * 63206, Network.FACEBOOK, NONE, []),
    ("facebook-over", "ø" * 63207, Network.FACEBOOK, NONE, ["LENGTH"]),
    ("bluesky-decomposed-counted-composed", "a\u030a" * 300, Network.BLUESKY, NONE, []),
    ("bluesky-over", "b" * 295, Network.BLUESKY, NB, ["LENGTH"]),
    ("no-rules-ignore-forbidden", "konfidensielt #a #b #c #d", Network.X, NONE, []),
    (
        "everything-wrong",
        "KONFIDENSIELT #a #b #c https://a.example https://b.example " + "x" * 230,
        Network.X,
        NB,
        ["FORBIDDEN", "HASHTAGS", "LINKS", "LENGTH"],
    ),
    ("unknown-network", "Hello", "MYSPACE", NB, ["NETWORK"]),
]
# fmt: on


@pytest.mark.parametrize(
    ("caption", "network", "rules", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_check_caption_table(caption, network, rules, expected):
    violations = check_caption(caption=caption, network=network, rules=rules)
    assert [v.rule for v in violations] == expected


def test_check_caption_forbidden_message_names_the_phrase():
    [violation] = check_caption(caption="Dette er konfidensielt", network=Network.X, rules=NB)
    assert violation.message == "“konfidensielt” is on the list of words and phrases not to use."


def test_check_caption_length_message_explains_the_disclosure():
    [violation] = check_caption(caption="a" * 275, network=Network.X, rules=NB)
    assert violation.message == (
        "With the disclosure “#ansatt” added, the caption is 284 characters; "
        "X allows 280. Shorten it by 4."
    )


def test_check_caption_length_message_counts_as_x_does():
    [violation] = check_caption(caption="日" * 141, network=Network.X, rules=None)
    assert violation.message == "The caption is 282 characters; X allows 280. Shorten it by 2."


def test_check_caption_message_is_translated_to_norwegian():
    with translation.override("nb"):
        [violation] = check_caption(caption="#en #to #tre", network=Network.X, rules=NB)
    assert violation.message == ("Teksten har 3 emneknagger; retningslinjene tillater høyst 2.")


def test_with_disclosure_appends_once():
    once = with_disclosure("Hei!", "#ansatt")
    assert once == "Hei!\n\n#ansatt"
    assert with_disclosure(once, "#ansatt") == once


def test_with_disclosure_case_variant_is_not_appended_again():
    assert with_disclosure("Hei #ANSATT", "#ansatt") == "Hei #ANSATT"


def test_with_disclosure_longer_tag_still_gets_disclosure():
    assert with_disclosure("Hei #ansatte", "#ansatt") == "Hei #ansatte\n\n#ansatt"


def test_caption_final_text_uses_the_language_disclosure(programme):
    assert caption_final_text(caption="Hei", network=Network.X, language="nb") == "Hei\n\n#ansatt"
    assert caption_final_text(caption="Hi", network=Network.X, language="en") == "Hi\n\n#employee"


def test_caption_final_text_without_programme_is_unchanged(db):
    assert caption_final_text(caption="Hi ", network=Network.X, language="en") == "Hi"


def test_caption_violations_reads_the_admin_rules(programme):
    violations = caption_violations(
        caption="This is confidential #a #b #c", network=Network.X, language="en"
    )
    assert [v.rule for v in violations] == ["FORBIDDEN", "HASHTAGS"]


def test_caption_violations_counts_length_after_disclosure(programme):
    violations = caption_violations(caption="a" * 275, network=Network.X, language="en")
    assert [v.rule for v in violations] == ["LENGTH"]
