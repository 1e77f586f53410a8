"""Factories and helpers for the sharing tests (imported explicitly by those tests)."""

import factory

from posts.models import Caption, ContentItem, ContentStatus, Share
from posts.networks import Network
from posts.services.sharing import share_code_new
from tests.factories import UserFactory

# A desktop browser: what a human visitor sends.
BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


class SharedItemFactory(factory.django.DjangoModelFactory):
    """An approved item for everyone: visible to every employee."""

    class Meta:
        model = ContentItem

    url = factory.Sequence(lambda n: f"https://www.example.com/news/{n}?lang=en")
    slug = factory.Sequence(lambda n: f"news-{n}")
    title = factory.Sequence(lambda n: f"News {n}")
    status = ContentStatus.APPROVED
    target_everyone = True


class CaptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caption

    item = factory.SubFactory(SharedItemFactory)
    network = Network.X
    language = "en"
    text = "Proud of what we built."


class ShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Share

    user = factory.SubFactory(UserFactory)
    item = factory.SubFactory(SharedItemFactory)
    network = Network.LINKEDIN
    caption = "Have a look"
    followers_at_share = 100
    code = factory.LazyFunction(share_code_new)
