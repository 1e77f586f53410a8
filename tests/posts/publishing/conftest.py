"""Publishing and engagement tests: the fake networks, and connected accounts on them made
the way the networks would issue tokens."""

import pytest
from django.utils import timezone

from accounts.models import Connection
from ambassador.networks import Network
from tests.fakes.bluesky import FakeBluesky
from tests.fakes.linkedin import FakeLinkedIn
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.x import FakeX
from tests.posts.factories import ShareFactory

SCOPES = {
    Network.MASTODON: ["read", "write"],
    Network.BLUESKY: ["com.atproto.appPass"],
    Network.LINKEDIN: ["openid", "profile", "email", "w_member_social"],
    Network.X: ["tweet.read", "tweet.write", "users.read", "offline.access"],
}


@pytest.fixture(autouse=True)
def _reach_fakes(settings):
    settings.DEBUG = True
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SHORT_LINK_BASE_URL = "https://amb.example"


@pytest.fixture
def mastodon():
    with FakeMastodon() as fake:
        yield fake


@pytest.fixture
def bluesky(settings):
    with FakeBluesky() as fake:
        yield fake


@pytest.fixture
def linkedin(settings):
    with FakeLinkedIn() as fake:
        settings.LINKEDIN_OAUTH_URL = settings.LINKEDIN_API_URL = fake.base_url
        yield fake


@pytest.fixture
def x(settings):
    with FakeX() as fake:
        settings.X_AUTHORIZE_URL = settings.X_API_URL = fake.base_url
        yield fake


def connect(fake, user, network, handle="alice", followers=100):
    """A connected account of ``user`` on ``fake``, with a token the fake issued."""
    account = fake.add_account(handle, followers=followers)
    token = fake.issue_token(
        "access", account_id=account.id, client_id=None, scopes=SCOPES[network], ttl=None
    )
    service_url = fake.base_url if network in (Network.MASTODON, Network.BLUESKY) else ""
    connection = Connection.objects.create(
        user=user,
        network=network,
        handle=account.handle,
        remote_id=account.id,
        service_url=service_url,
        access_token=token.value,
    )
    return account, connection


def scheduled_share(user, network, caption="Read this", **extra):
    return ShareFactory(
        user=user,
        network=network,
        caption=caption,
        status="SCHEDULED",
        scheduled_at=extra.pop("scheduled_at", timezone.now()),
        **extra,
    )
