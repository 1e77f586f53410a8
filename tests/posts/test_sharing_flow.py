"""The share flow: pick a network, check the caption, record the share, go to the intent."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.audit import AuditAction
from accounts.models import AuditEvent, SocialProfile
from ambassador.networks import Network
from posts.models import ContentStatus, Share
from tests.factories import SocialProfileFactory
from tests.posts.factories import CaptionFactory, ContentItemFactory, ShareFactory

pytestmark = pytest.mark.django_db


def _share_url(item, network=None):
    url = reverse("posts:share", args=[item.pk])
    return f"{url}?network={network}" if network else url


def _submit(client, item, **data):
    return client.post(reverse("posts:share_submit", args=[item.pk]), data)


def test_share_page_requires_login(client):
    item = ContentItemFactory()
    response = client.get(_share_url(item))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_share_page_visible_item_opens(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    assert client.get(_share_url(item)).status_code == 200


def test_share_page_item_for_other_team_is_404(client, personas):
    item = ContentItemFactory(target_everyone=False)
    item.target_teams.add(personas.team_b)
    client.force_login(personas.employee)
    assert client.get(_share_url(item)).status_code == 404


def test_share_page_unapproved_item_is_404(client, personas):
    item = ContentItemFactory(status=ContentStatus.IN_REVIEW)
    client.force_login(personas.employee)
    assert client.get(_share_url(item)).status_code == 404


def test_share_submit_item_for_other_team_is_404_and_records_nothing(client, personas):
    item = ContentItemFactory(target_everyone=False)
    item.target_teams.add(personas.team_b)
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="Hi", action="intent")
    assert response.status_code == 404
    assert Share.objects.count() == 0


def test_share_page_suggests_caption_in_viewer_language(client, personas):
    item = ContentItemFactory()
    CaptionFactory(item=item, network=Network.X, language="en", text="English caption")
    CaptionFactory(item=item, network=Network.X, language="nb", text="Norsk tekst")
    personas.employee.language = "nb"
    personas.employee.save()
    client.force_login(personas.employee)
    response = client.get(_share_url(item, Network.X))
    assert response.context["form"]["caption"].value() == "Norsk tekst"


def test_share_page_falls_back_to_english_caption(client, personas):
    item = ContentItemFactory()
    CaptionFactory(item=item, network=Network.X, language="en", text="English caption")
    personas.employee.language = "nb"
    personas.employee.save()
    client.force_login(personas.employee)
    response = client.get(_share_url(item, Network.X))
    assert response.context["form"]["caption"].value() == "English caption"


def test_share_page_not_editable_caption_is_readonly(client, personas):
    item = ContentItemFactory(caption_editable=False)
    client.force_login(personas.employee)
    content = client.get(_share_url(item)).content.decode()
    assert "readonly" in content
    assert "hx-post" not in content


def test_share_submit_x_records_share_and_redirects_to_intent(client, personas):
    item = ContentItemFactory()
    SocialProfileFactory(user=personas.employee, network=Network.X, followers_count=321)
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="Look at this", action="intent")
    share = Share.objects.get()
    assert (share.user, share.item, share.network, share.caption) == (
        personas.employee,
        item,
        Network.X,
        "Look at this",
    )
    assert share.followers_at_share == 321
    parts = urlsplit(response["Location"])
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "x.com", "/intent/post")
    assert parse_qs(parts.query) == {
        "text": ["Look at this"],
        "url": [f"http://127.0.0.1:8000/r/{share.code}"],
    }


def test_share_code_is_short_urlsafe_and_unique(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    for _ in range(5):
        _submit(client, item, network=Network.X, caption="Hi", action="intent")
    codes = list(Share.objects.values_list("code", flat=True))
    assert len(set(codes)) == 5
    assert all(len(code) == 12 for code in codes)
    assert all(
        set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for code in codes
    )


def test_share_link_uses_short_link_base_url(client, personas, settings):
    settings.SHORT_LINK_BASE_URL = "https://go.example"
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="Hi", action="intent")
    code = Share.objects.get().code
    assert parse_qs(urlsplit(response["Location"]).query)["url"] == [f"https://go.example/r/{code}"]


def test_share_submit_mastodon_without_instance_asks_for_it(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.MASTODON, caption="Hi", action="intent")
    assert response.status_code == 400
    assert "mastodon_instance" in response.context["form"].errors
    assert Share.objects.count() == 0


def test_share_submit_mastodon_stores_instance_and_goes_there(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(
        client,
        item,
        network=Network.MASTODON,
        caption="Hei",
        mastodon_instance="https://social.example/",
        action="intent",
    )
    share = Share.objects.get()
    profile = SocialProfile.objects.get(user=personas.employee, network=Network.MASTODON)
    assert profile.instance_url == "https://social.example"
    assert response["Location"] == (
        f"https://social.example/share?text=Hei%0A%0Ahttp%3A%2F%2F127.0.0.1%3A8000%2Fr%2F{share.code}"
    )


def test_share_submit_mastodon_instance_must_be_https_host(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(
        client,
        item,
        network=Network.MASTODON,
        caption="Hei",
        mastodon_instance="javascript:alert(1)",
        action="intent",
    )
    assert response.status_code == 400
    assert Share.objects.count() == 0


def test_share_submit_mastodon_uses_stored_instance(client, personas):
    item = ContentItemFactory()
    SocialProfileFactory(
        user=personas.employee, network=Network.MASTODON, instance_url="https://m.example"
    )
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.MASTODON, caption="Hei", action="intent")
    assert response["Location"].startswith("https://m.example/share?text=Hei")


def test_share_submit_bluesky_redirects_to_compose_intent(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.BLUESKY, caption="Hi", action="intent")
    assert response["Location"].startswith("https://bsky.app/intent/compose?text=Hi%0A%0A")


def test_share_submit_linkedin_shows_paste_hint_page(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.LINKEDIN, caption="Hi", action="intent")
    share = Share.objects.get()
    assert response["Location"] == reverse("posts:share_done", args=[share.pk])
    page = client.get(response["Location"]).content.decode()
    assert (
        "https://www.linkedin.com/sharing/share-offsite/?url=http%3A%2F%2F127.0.0.1%3A8000%2Fr%2F"
        in page
    )
    assert "data-copy-then-go" in page


def test_share_submit_facebook_links_to_sharer(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.FACEBOOK, caption="Hi", action="intent")
    page = client.get(response["Location"]).content.decode()
    assert "https://www.facebook.com/sharer/sharer.php?u=" in page


def test_share_submit_copy_shows_link_and_caption(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="Copy me", action="copy")
    share = Share.objects.get()
    page = client.get(response["Location"]).content.decode()
    # X's intent joins caption and link with a space: the copy text is what was counted.
    assert f"Copy me http://127.0.0.1:8000/r/{share.code}" in page


def test_share_submit_too_long_caption_is_rejected(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="x" * 281, action="intent")
    assert response.status_code == 400
    assert [v.rule for v in response.context["violations"]] == ["LENGTH"]
    assert "The caption is 305 characters; X allows 280. Shorten it by 25." in (
        response.content.decode()
    )
    assert Share.objects.count() == 0


def test_share_submit_not_editable_uses_suggested_caption(client, personas):
    item = ContentItemFactory(caption_editable=False)
    CaptionFactory(item=item, network=Network.X, language="en", text="Official words")
    client.force_login(personas.employee)
    _submit(client, item, network=Network.X, caption="My own words", action="intent")
    assert Share.objects.get().caption == "Official words"


def test_share_submit_ignores_extra_fields(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    _submit(
        client,
        item,
        network=Network.X,
        caption="Hi",
        action="intent",
        followers_at_share="999999",
        code="chosen-code",
        user=str(personas.employee_b.pk),
    )
    share = Share.objects.get()
    assert (share.followers_at_share, share.user) == (0, personas.employee)
    assert share.code != "chosen-code"


def test_share_submit_get_is_not_allowed(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    assert client.get(reverse("posts:share_submit", args=[item.pk])).status_code == 405


def test_share_check_reports_violation(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = client.post(
        reverse("posts:share_check", args=[item.pk]),
        {"network": Network.X, "caption": "x" * 300},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "324 of 280 characters, the tracked link included" in response.content.decode()
    assert "errorlist" in response.content.decode()


def test_share_check_accepts_good_caption(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = client.post(
        reverse("posts:share_check", args=[item.pk]), {"network": Network.X, "caption": "Fine"}
    )
    assert "The caption follows the posting guidelines." in response.content.decode()


def test_share_done_of_someone_else_is_404(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee_b)
    _submit(client, item, network=Network.X, caption="Hi", action="copy")
    share = Share.objects.get()
    client.force_login(personas.employee)
    assert client.get(reverse("posts:share_done", args=[share.pk])).status_code == 404


def test_share_check_item_for_other_team_is_404(client, personas):
    item = ContentItemFactory(target_everyone=False)
    item.target_teams.add(personas.team_b)
    client.force_login(personas.employee)
    response = client.post(
        reverse("posts:share_check", args=[item.pk]), {"network": Network.X, "caption": "Hi"}
    )
    assert response.status_code == 404


def test_share_check_get_is_not_allowed(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    assert client.get(reverse("posts:share_check", args=[item.pk])).status_code == 405


def test_share_page_offers_another_network(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    page = client.get(_share_url(item)).content.decode()
    assert 'href="?network=OTHER"' in page
    assert "Another network" in page


def test_share_page_another_network_offers_only_copy(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    page = client.get(_share_url(item, "OTHER")).content.decode()
    assert 'value="copy"' in page
    assert 'value="intent"' not in page


def test_share_page_another_network_suggests_linkedin_caption(client, personas):
    item = ContentItemFactory()
    CaptionFactory(item=item, network=Network.X, language="en", text="Short for X")
    CaptionFactory(item=item, network=Network.LINKEDIN, language="en", text="Longer for LinkedIn")
    client.force_login(personas.employee)
    response = client.get(_share_url(item, "OTHER"))
    assert response.context["form"]["caption"].value() == "Longer for LinkedIn"


def test_share_submit_another_network_records_share_and_shows_copy(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network="OTHER", caption="For my newsletter", action="intent")
    share = Share.objects.get()
    assert (share.network, share.caption) == ("OTHER", "For my newsletter")
    assert response["Location"] == reverse("posts:share_done", args=[share.pk])
    page = client.get(response["Location"]).content.decode()
    assert f"For my newsletter\n\nhttp://127.0.0.1:8000/r/{share.code}" in page
    assert "data-copy-then-go" not in page


def test_share_submit_another_network_has_no_network_length_limit(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    _submit(client, item, network="OTHER", caption="x" * 3500, action="copy")
    assert Share.objects.get().network == "OTHER"


def test_redirect_of_another_network_share_has_utm_source_other(client, personas):
    item = ContentItemFactory(url="https://www.example.com/a", slug="a")
    client.force_login(personas.employee)
    _submit(client, item, network="OTHER", caption="Hi", action="copy")
    share = Share.objects.get()
    client.logout()
    location = client.get(f"/r/{share.code}")["Location"]
    assert parse_qs(urlsplit(location).query)["utm_source"] == ["other"]


def test_share_submit_unknown_network_is_rejected_and_records_nothing(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network="MYSPACE", caption="Hi", action="copy")
    assert response.status_code == 400
    assert "network" in response.context["form"].errors
    assert Share.objects.count() == 0


# --- Refusals are audited ---------------------------------------------------------------------


def _denied(user):
    return AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user)


def test_share_done_of_someone_else_is_audited(client, personas):
    share = ShareFactory(user=personas.employee_b)
    client.force_login(personas.employee)
    url = reverse("posts:share_done", args=[share.pk])
    assert client.get(url).status_code == 404
    [event] = _denied(personas.employee)
    assert (event.target_type, event.target_id, event.detail) == (
        "posts.share",
        str(share.pk),
        {"path": url},
    )


def test_share_done_of_own_share_is_not_audited(client, personas):
    share = ShareFactory(user=personas.employee)
    client.force_login(personas.employee)
    assert client.get(reverse("posts:share_done", args=[share.pk])).status_code == 200
    assert not _denied(personas.employee).exists()


def test_share_done_of_unknown_share_is_404_without_audit(client, personas):
    client.force_login(personas.employee)
    assert client.get(reverse("posts:share_done", args=[999999])).status_code == 404
    assert not _denied(personas.employee).exists()


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("posts:share", "get", {}),
        ("posts:share_submit", "post", {"network": "X", "caption": "Hi", "action": "intent"}),
        ("posts:share_check", "post", {"network": "X", "caption": "Hi"}),
    ],
)
def test_share_of_item_for_another_team_is_audited(client, personas, name, method, data):
    item = ContentItemFactory(target_teams=[personas.team_b])
    client.force_login(personas.employee)
    url = reverse(name, args=[item.pk])
    assert getattr(client, method)(url, data).status_code == 404
    [event] = _denied(personas.employee)
    assert (event.target_type, event.target_id, event.detail) == (
        "posts.contentitem",
        str(item.pk),
        {"path": url},
    )
    assert Share.objects.count() == 0


def test_share_page_of_unknown_item_is_404_without_audit(client, personas):
    client.force_login(personas.employee)
    assert client.get(reverse("posts:share", args=[999999])).status_code == 404
    assert not _denied(personas.employee).exists()
