"""Factories and helpers for the metrics tests (imported explicitly by those tests)."""

import datetime as dt
import secrets

import factory
from celery import current_app
from django.utils import timezone

from posts.models import ContentItem, ContentStatus, EngagementReading, Share, ShareDailyClicks
from posts.services.metrics import metrics_rollup
from tests.factories import UserFactory

OSLO = timezone.get_default_timezone()
BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    """Noon (or ``hour``) of ``day`` in the programme's time zone."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


def today() -> dt.date:
    return timezone.now().astimezone(OSLO).date()


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentItem

    url = factory.Sequence(lambda n: f"https://www.example.com/metrics/{n}")
    slug = factory.Sequence(lambda n: f"metrics-{n}")
    title = factory.Sequence(lambda n: f"Story {n}")
    status = ContentStatus.APPROVED
    target_everyone = True


class ShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Share

    user = factory.SubFactory(UserFactory)
    item = factory.SubFactory(ItemFactory)
    network = "LINKEDIN"
    caption = "Have a look"
    followers_at_share = 100
    code = factory.LazyFunction(lambda: secrets.token_urlsafe(9))


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
    return EngagementReading.objects.create(share=share, read_at=read_at, **counts)


def rollup():
    return metrics_rollup()


def flush_clicks() -> int:
    """The click flush, run by its task name (no import of the click pipeline's module)."""
    current_app.loader.import_default_modules()
    return current_app.tasks["posts.flush_clicks"]()
