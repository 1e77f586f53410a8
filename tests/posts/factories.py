"""Factories of the posts tests: one per model, a human visitor's user agent, and the rows
the click flush and the engagement collector would have written (for the reach metrics)."""

import datetime as dt

import factory
from django.utils import timezone

from ambassador.networks import Network
from posts.models import (
    Caption,
    Comment,
    ContentItem,
    ContentStatus,
    EngagementReading,
    Feed,
    Share,
    ShareDailyClicks,
    Topic,
)
from posts.services.clicks import clicks_flush
from posts.services.metrics import metrics_rollup
from posts.services.shares import share_code_new
from tests.factories import UserFactory

# A desktop browser: what a human visitor sends.
BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ContentItemFactory(factory.django.DjangoModelFactory):
    """An approved, live item for everyone unless told otherwise."""

    class Meta:
        model = ContentItem
        skip_postgeneration_save = True

    url = factory.Sequence(lambda n: f"https://example.com/articles/{n}")
    slug = factory.Sequence(lambda n: f"item-{n}")
    title = factory.Sequence(lambda n: f"Article number {n}")
    summary = "A short summary of the article."
    status = ContentStatus.APPROVED
    approved_at = factory.LazyFunction(timezone.now)
    target_everyone = True

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.topics.set(extracted)

    @factory.post_generation
    def target_teams(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.target_everyone = False
            obj.save(update_fields=["target_everyone"])
            obj.target_teams.set(extracted)


class CaptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caption

    item = factory.SubFactory(ContentItemFactory)
    network = Network.LINKEDIN
    language = "en"
    text = "Proud of what we built this year."


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed

    name = factory.Sequence(lambda n: f"Newsroom {n}")
    url = factory.Sequence(lambda n: f"https://example.com/feed-{n}.xml")
    daily_max = 5


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    item = factory.SubFactory(ContentItemFactory)
    author = factory.SubFactory(UserFactory)
    body = "Shared it this morning — 12 reactions already!"


class ShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Share

    user = factory.SubFactory(UserFactory)
    item = factory.SubFactory(ContentItemFactory)
    network = Network.LINKEDIN
    caption = "Have a look"
    followers_at_share = 100
    code = factory.LazyFunction(share_code_new)


# --- Reach metrics ----------------------------------------------------------------------------

OSLO = timezone.get_default_timezone()


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    """Noon (or ``hour``) of ``day`` in the programme's time zone."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


def today() -> dt.date:
    return timezone.now().astimezone(OSLO).date()


def daily_clicks(share, day: dt.date, clicks: int, uniques: int | None = None):
    """The click totals the flush would have written for ``share`` on ``day``."""
    row, _ = ShareDailyClicks.objects.update_or_create(
        share=share,
        day=day,
        defaults={
            "clicks": clicks,
            "unique_visitors": clicks if uniques is None else uniques,
            "updated_at": timezone.now(),
        },
    )
    return row


def reading(share, read_at: dt.datetime, **counts) -> EngagementReading:
    """What the engagement collector would have stored for ``share``."""
    return EngagementReading.objects.create(share=share, read_at=read_at, **counts)


def rollup():
    return metrics_rollup()


def flush_clicks() -> int:
    return clicks_flush()
