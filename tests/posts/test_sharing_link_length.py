"""The tracked link counts against the caption's limit wherever it is appended: curation,
the share check, the share itself, the copy text and the share intents."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from ambassador.networks import Network, caption_length
from posts.models import Share
from posts.selectors import caption_text_limits
from posts.services import content as content_services
from tests.factories import SocialProfileFactory
from tests.posts.factories import ContentItemFactory
from training.models import PROGRAMME_ID, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosures():
    """``#ad`` in English, ``#ansatt`` in Norwegian: the Norwegian one is 4 longer."""
    return Programme.objects.create(pk=PROGRAMME_ID, disclosure_en="#ad", disclosure_nb="#ansatt")


def _submit(client, item, **data):
    return client.post(reverse("posts:share_submit", args=[item.pk]), data)


def _check(client, item, *, network, caption):
    return client.post(
        reverse("posts:share_check", args=[item.pk]), {"network": network, "caption": caption}
    )


def _fixed_item(*, by, network, text):
    """An approved item whose caption employees may not edit, made through curation."""
    item = content_services.content_create(
        by=by,
        url="https://example.com/fixed",
        title="Fixed words",
        caption_editable=False,
        captions={(network, "en"): text},
    )
    return content_services.content_approve(item=item, by=by)


@pytest.mark.parametrize("language", ["en", "nb"])
@pytest.mark.parametrize("network", list(Network))
def test_longest_curated_fixed_caption_is_shared_as_it_is(
    client, personas, disclosures, network, language
):
    # The longest English caption curation accepts for the network: with the longer
    # Norwegian disclosure and a tracked link it still fits (X: 280 - 23 - 1 - 9 = 247).
    longest = caption_text_limits()[(network.value, "en")]
    item = _fixed_item(by=personas.admin, network=network, text="a" * longest)
    personas.employee.language = language
    personas.employee.save(update_fields=["language"])
    SocialProfileFactory(
        user=personas.employee, network=Network.MASTODON, instance_url="https://mastodon.example"
    )
    client.force_login(personas.employee)
    response = _submit(client, item, network=network, caption="ignored", action="copy")
    assert response.status_code == 302
    disclosure = "#ansatt" if language == "nb" else "#ad"
    assert Share.objects.get().caption == "a" * longest + "\n\n" + disclosure


def test_x_longest_fixed_caption_is_247_with_norwegian_disclosure(personas, disclosures):
    assert caption_text_limits()[(Network.X, "en")] == 247


def test_curation_refuses_fixed_caption_one_over(personas, disclosures):
    with pytest.raises(content_services.ContentValidationError) as exc:
        _fixed_item(by=personas.admin, network=Network.X, text="a" * 248)
    assert str(exc.value) == (
        "X caption (English): With the disclosure “#ansatt” and the tracked link added, the "
        "caption is 281 characters; X allows 280. Shorten it by 1."
    )


def test_share_x_caption_of_256_without_disclosure_is_recorded(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="a" * 256, action="intent")
    assert response.status_code == 302
    assert Share.objects.get().caption == "a" * 256


def test_share_x_caption_refused_because_the_link_pushes_it_over(client, personas):
    # 257 fits X's 280 on its own; with " " and the 23 of the tracked link it is 281.
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="a" * 257, action="intent")
    assert response.status_code == 400
    assert [v.message for v in response.context["violations"]] == [
        "With the tracked link added, the caption is 281 characters; X allows 280. Shorten it by 1."
    ]
    assert Share.objects.count() == 0


def test_share_x_caption_refused_with_disclosure_and_link(client, personas, disclosures):
    # 252 + "\n\n#ad" + " " + 23 = 281.
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="a" * 252, action="intent")
    assert response.status_code == 400
    assert response.context["length"] == 281
    assert Share.objects.count() == 0


def test_share_check_counter_counts_the_link(client, personas, disclosures):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _check(client, item, network=Network.X, caption="a" * 251)
    assert response.context["length"] == 280
    assert response.context["violations"] == []
    assert "280 of 280 characters, the tracked link included" in response.content.decode()


@pytest.mark.parametrize("network", [Network.X, Network.BLUESKY, Network.MASTODON])
def test_copy_text_counts_what_the_check_counted(client, personas, disclosures, network):
    item = ContentItemFactory()
    caption = "Proud of the team 🎉 https://example.com/story"
    client.force_login(personas.employee)
    counted = _check(client, item, network=network, caption=caption).context["length"]
    _submit(client, item, network=network, caption=caption, action="copy")
    share = Share.objects.get()
    done = client.get(reverse("posts:share_done", args=[share.pk]))
    copy_text = done.context["copy_text"]
    assert (
        copy_text
        == share.caption + (" " if network == Network.X else "\n\n") + done.context["link"]
    )
    assert caption_length(network, copy_text) == counted


def test_bluesky_intent_text_is_the_copy_text(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.BLUESKY, caption="Look", action="intent")
    share = Share.objects.get()
    text = parse_qs(urlsplit(response["Location"]).query)["text"][0]
    done = client.get(reverse("posts:share_done", args=[share.pk]))
    assert text == done.context["copy_text"] == f"Look\n\n{done.context['link']}"


def test_x_intent_sends_caption_and_link_apart(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="Look", action="intent")
    share = Share.objects.get()
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["text"] == ["Look"]
    assert query["url"] == [f"http://127.0.0.1:8000/r/{share.code}"]
