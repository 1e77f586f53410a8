import pytest
from django.utils import translation

from ambassador.networks import Network
from training.caption_check import (
    LOOKALIKES,
    CaptionRules,
    check_caption,
    length_violation,
    normalise,
    with_disclosure,
)
from training.selectors import caption_final_text, caption_length_violation, caption_violations

NB = CaptionRules(
    disclosure="#ansatt",
    forbidden_phrases=("konfidensielt", "garantert avkastning", "sår", "confidential"),
    max_hashtags=2,
    max_links=1,
)
EN = CaptionRules(disclosure="#employee", forbidden_phrases=("insider tip",))
WORDS = CaptionRules(forbidden_phrases=("gratis", "få", "sol"))
LINK = "https://amb.example/r/abcdefghijkl"  # 34 characters, the shape of a tracked link
LONG_LINK = "https://example.com/" + "p" * 200
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
    # Look-alikes from Unicode's confusables data; Norwegian letters stay letters of their own.
    ("forbidden-plain", "Helt gratis i dag", Network.LINKEDIN, WORDS, ["FORBIDDEN"]),
    ("ae-not-folded-to-a", "Helt grætis i dag", Network.LINKEDIN, WORDS, []),
    ("a-ring-rule-not-matching-a", "Vi fa ikke lov", Network.LINKEDIN, WORDS, []),
    ("a-ring-rule-matches-a-ring", "Vi FÅ lov", Network.LINKEDIN, WORDS, ["FORBIDDEN"]),
    ("o-slash-not-folded-to-o", "Ikke søl kaffe", Network.LINKEDIN, WORDS, []),
    ("forbidden-cyrillic-a", "Helt gr\u0430tis", Network.LINKEDIN, WORDS, ["FORBIDDEN"]),
    ("forbidden-cyrillic-capital-i", "HELT GRAT\u0406S", Network.LINKEDIN, WORDS, ["FORBIDDEN"]),
    ("forbidden-greek-capitals", "\u0397ELT GR\u0391TIS", Network.LINKEDIN, WORDS, ["FORBIDDEN"]),
    ("forbidden-latin-script-g", "\u0261ratis", Network.LINKEDIN, WORDS, ["FORBIDDEN"]),
    ("forbidden-math-bold", "\U0001d420\U0001d42b\U0001d41a\U0001d42d\U0001d422\U0001d42c", Network.LINKEDIN, WORDS, ["FORBIDDEN"]),
    ("forbidden-fullwidth-capitals", "\uff27\uff32\uff21\uff34\uff29\uff33", Network.LINKEDIN, WORDS, ["FORBIDDEN"]),
    ("forbidden-soft-hyphen", "gra\u00adtis", Network.LINKEDIN, WORDS, ["FORBIDDEN"]),
    ("forbidden-word-joiner", "gra\u2060tis", Network.LINKEDIN, WORDS, ["FORBIDDEN"]),
]
# fmt: on

# The tracked link appended after the caption (and after the disclosure), counted as the
# network counts it: 23 on X (after a space) and Mastodon (after a blank line), in full on
# Bluesky and LinkedIn (after a blank line).
# fmt: off
LINK_CASES = [
    # (id, caption, network, rules, link, expected rule codes)
    ("x-280-without-link-fits", "a" * 280, Network.X, NONE, None, []),
    ("x-280-with-link-over", "a" * 280, Network.X, NONE, LINK, ["LENGTH"]),
    ("x-256-with-link-fits", "a" * 256, Network.X, NONE, LINK, []),
    ("x-256-with-long-link-fits", "a" * 256, Network.X, NONE, LONG_LINK, []),
    ("x-257-with-link-over", "a" * 257, Network.X, NONE, LINK, ["LENGTH"]),
    ("x-disclosure-and-link-fit", "a" * 247, Network.X, NB, LINK, []),
    ("x-disclosure-and-link-over", "a" * 248, Network.X, NB, LINK, ["LENGTH"]),
    ("mastodon-disclosure-and-link-fit", "a" * 464, Network.MASTODON, EN, LONG_LINK, []),
    ("mastodon-disclosure-and-link-over", "a" * 465, Network.MASTODON, EN, LINK, ["LENGTH"]),
    ("bluesky-link-in-full-fits", "a" * 264, Network.BLUESKY, NONE, LINK, []),
    ("bluesky-link-in-full-over", "a" * 265, Network.BLUESKY, NONE, LINK, ["LENGTH"]),
    ("bluesky-long-link-over", "a" * 100, Network.BLUESKY, NONE, LONG_LINK * 2, ["LENGTH"]),
    ("linkedin-link-in-full-fits", "a" * 2964, Network.LINKEDIN, NONE, LINK, []),
    ("linkedin-link-in-full-over", "a" * 2965, Network.LINKEDIN, NONE, LINK, ["LENGTH"]),
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


@pytest.mark.parametrize(
    ("caption", "network", "rules", "link", "expected"),
    [case[1:] for case in LINK_CASES],
    ids=[case[0] for case in LINK_CASES],
)
def test_check_caption_counts_the_tracked_link(caption, network, rules, link, expected):
    violations = check_caption(caption=caption, network=network, rules=rules, link=link)
    assert [v.rule for v in violations] == expected


def test_check_caption_link_message_explains_the_link():
    [violation] = check_caption(caption="a" * 257, network=Network.X, rules=None, link=LINK)
    assert violation.message == (
        "With the tracked link added, the caption is 281 characters; X allows 280. Shorten it by 1."
    )


def test_check_caption_link_message_explains_disclosure_and_link():
    [violation] = check_caption(caption="a" * 271, network=Network.X, rules=NB, link=LINK)
    assert violation.message == (
        "With the disclosure “#ansatt” and the tracked link added, the caption is 304 "
        "characters; X allows 280. Shorten it by 24."
    )


def test_check_caption_link_message_is_translated_to_norwegian():
    with translation.override("nb"):
        [violation] = check_caption(caption="a" * 257, network=Network.X, rules=None, link=LINK)
    assert violation.message == (
        "Med sporingslenken lagt til er teksten 281 tegn; X tillater 280. Kort den ned med 1."
    )


def test_check_caption_too_long_on_its_own_says_so_plainly():
    [violation] = check_caption(caption="a" * 290, network=Network.X, rules=NB, link=LINK)
    assert violation.message == ("The caption is 323 characters; X allows 280. Shorten it by 43.")


def test_length_violation_alone_ignores_the_other_rules():
    assert length_violation(caption="KONFIDENSIELT #a #b #c", network=Network.X) is None
    violation = length_violation(
        caption="a" * 248, network=Network.X, disclosure="#ansatt", link=LINK
    )
    assert violation is not None
    assert violation.rule == "LENGTH"


def test_lookalikes_come_from_the_unicode_confusables_data():
    assert LOOKALIKES[0x0430] == "a"  # cyrillic small letter a
    assert LOOKALIKES[0x0455] == "s"  # cyrillic small letter dze
    assert LOOKALIKES[0x03BF] == "o"  # greek small letter omicron
    assert LOOKALIKES[0x0406] == "I"  # cyrillic capital byelorussian-ukrainian i
    assert len(LOOKALIKES) > 1000


def test_lookalikes_leave_ascii_and_norwegian_letters_alone():
    assert not [chr(cp) for cp in LOOKALIKES if cp < 128]
    assert not {ord(ch) for ch in "æøåÆØÅ"} & LOOKALIKES.keys()
    assert normalise("Ærlig talt, FÅ ØL") == "ærlig talt, få øl"


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


def test_caption_violations_counts_the_link_after_the_disclosure(programme):
    # 245 + "\n\n#employee" (11) + " " + 23 for the link = 280 on X.
    assert caption_violations(caption="a" * 245, network=Network.X, language="en", link=LINK) == []
    violations = caption_violations(caption="a" * 246, network=Network.X, language="en", link=LINK)
    assert [v.rule for v in violations] == ["LENGTH"]


def test_caption_length_violation_uses_the_language_disclosure(programme):
    # "\n\n#ansatt" is 9 characters, "\n\n#employee" 11: the same caption fits in Norwegian.
    caption = "a" * 247
    assert (
        caption_length_violation(caption=caption, network=Network.X, language="nb", link=LINK)
        is None
    )
    violation = caption_length_violation(
        caption=caption, network=Network.X, language="en", link=LINK
    )
    assert violation is not None
    assert violation.message == (
        "With the disclosure “#employee” and the tracked link added, the caption is 282 "
        "characters; X allows 280. Shorten it by 2."
    )


def test_caption_length_violation_ignores_forbidden_phrases(programme):
    assert (
        caption_length_violation(
            caption="This is confidential", network=Network.X, language="en", link=LINK
        )
        is None
    )
