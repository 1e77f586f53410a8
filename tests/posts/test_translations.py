"""The library in the reader's language: the feed, its search, the share page, the item
editor and the review queue."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notification, NotificationKind, User
from ambassador.networks import Network
from posts import reminders
from posts.models import ContentItem, ContentStatus
from tests.factories import UserFactory
from tests.posts.factories import CaptionFactory, ContentItemFactory, TopicFactory

FEED = reverse("posts:feed")
MARKER_NB = '<span class="fallback-marker">vises på engelsk</span>'


def _norwegian(client, user):
    User.objects.filter(pk=user.pk).update(language="nb")
    client.force_login(user)


def test_feed_shows_items_in_the_readers_language(client, personas):
    topic = TopicFactory(name_en="Careers", name_nb="Karriere")
    item = ContentItemFactory(
        title_en="We are hiring",
        title_nb="Vi ansetter",
        summary_en="Join us",
        summary_nb="Bli med oss",
        topics=[topic],
    )
    _norwegian(client, personas.employee)
    html = client.get(FEED).content.decode()
    assert f'<a href="{reverse("posts:item_detail", args=[item.pk])}">Vi ansetter</a>' in html
    assert '<p class="library-summary"><span>Bli med oss</span></p>' in html
    assert '<span class="tag">Karriere</span>' in html
    assert MARKER_NB not in html


def test_feed_marks_an_item_shown_in_the_default_language(client, personas):
    item = ContentItemFactory(title_en="We are hiring", title_nb="", summary_en="Join us")
    _norwegian(client, personas.employee)
    html = client.get(FEED).content.decode()
    url = reverse("posts:item_detail", args=[item.pk])
    assert f'<a href="{url}"><span lang="en">We are hiring</span>{MARKER_NB}</a>' in html
    assert f'<span lang="en">Join us</span>{MARKER_NB}</p>' in html


def _feed_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FEED)
    assert response.status_code == 200
    return len(queries)


def _load(n, *, translated: bool):
    topics = [
        TopicFactory(name_en=f"Topic {i}", name_nb=f"Emne {i}" if translated else "")
        for i in range(3)
    ]
    for i in range(n):
        item = ContentItemFactory(
            title_nb=f"Sak {i}" if translated else "",
            summary_nb="Kort" if translated else "",
            topics=topics,
        )
        CaptionFactory(item=item, network=Network.LINKEDIN, language="en")
        if translated:
            CaptionFactory(item=item, network=Network.LINKEDIN, language="nb")


def test_feed_query_count_is_the_same_with_two_languages_as_with_one(client, personas):
    _norwegian(client, personas.employee)
    _load(10, translated=False)
    _feed_queries(client)  # warm the session
    one_language = _feed_queries(client)
    ContentItem.objects.all().delete()
    _load(10, translated=True)
    assert _feed_queries(client) == one_language


def test_feed_search_matches_the_readers_language(client, personas):
    item = ContentItemFactory(title_en="We are hiring", title_nb="Vi ansetter")
    _norwegian(client, personas.employee)
    found = client.get(FEED, {"q": "ansetter"}).context["page"].object_list
    assert [i.pk for i in found] == [item.pk]


def test_feed_search_matches_the_default_language(client, personas):
    item = ContentItemFactory(title_en="We are hiring", title_nb="Vi ansetter")
    _norwegian(client, personas.employee)
    found = client.get(FEED, {"q": "hiring"}).context["page"].object_list
    assert [i.pk for i in found] == [item.pk]


def test_feed_search_leaves_out_languages_the_reader_does_not_read(client, personas):
    ContentItemFactory(title_en="We are hiring", title_nb="Vi ansetter")
    client.force_login(personas.employee)  # English
    assert list(client.get(FEED, {"q": "ansetter"}).context["page"].object_list) == []


def test_share_page_names_the_item_in_the_readers_language(client, personas):
    item = ContentItemFactory(title_en="We are hiring", title_nb="Vi ansetter")
    CaptionFactory(item=item, network=Network.LINKEDIN, language="nb", text="Bli med!")
    _norwegian(client, personas.employee)
    html = client.get(reverse("posts:share", args=[item.pk])).content.decode()
    assert "<h1>Del «Vi ansetter»</h1>" in html


def test_review_queue_shows_which_items_lack_a_translation(client, personas):
    missing = ContentItemFactory(
        status=ContentStatus.IN_REVIEW, title_en="Only English", title_nb=""
    )
    ContentItemFactory(
        status=ContentStatus.IN_REVIEW,
        title_en="Both",
        title_nb="Begge",
        summary_en="Yes",
        summary_nb="Ja",
    )
    client.force_login(personas.admin)
    html = client.get(reverse("posts:review")).content.decode()
    row = html.split(f'value="{missing.pk}"')[1].split("</tr>")[0]
    assert '<span class="tag" data-testid="missing-translation">Norwegian Bokmål</span>' in row
    assert html.count('data-testid="missing-translation"') == 1


def test_item_editor_saves_the_title_and_summary_in_every_language(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("posts:item_create"),
        {
            "url": "https://example.com/hiring",
            "title_en": "We are hiring",
            "title_nb": "Vi ansetter",
            "summary_nb": "Bli med oss",
            "target_everyone": "on",
            "draft": "1",
        },
    )
    assert response.status_code == 302
    item = ContentItem.objects.get()
    assert (item.title_en, item.title_nb, item.summary_en, item.summary_nb) == (
        "We are hiring",
        "Vi ansetter",
        "",
        "Bli med oss",
    )


def test_item_editor_shows_the_languages_side_by_side(client, personas):
    item = ContentItemFactory(title_en="We are hiring", title_nb="Vi ansetter")
    client.force_login(personas.admin)
    html = client.get(reverse("posts:item_edit", args=[item.pk])).content.decode()
    assert '<fieldset class="translations">' in html
    assert 'name="title_nb"' in html and 'value="Vi ansetter"' in html


def test_digest_lists_the_items_in_the_recipients_language(db):
    monday = dt.datetime(2025, 6, 2, 8, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    kari = UserFactory(language="nb", date_joined=monday - dt.timedelta(days=100))
    ContentItemFactory(
        title_en="We are hiring",
        title_nb="Vi ansetter",
        approved_at=monday - dt.timedelta(days=1),
    )
    ContentItemFactory(
        title_en="Only in English", title_nb="", approved_at=monday - dt.timedelta(days=2)
    )
    reminders.digest_collect(now=monday)
    row = Notification.objects.get(recipient=kari, kind=NotificationKind.DIGEST)
    assert row.body == "Vi ansetter\nOnly in English"
