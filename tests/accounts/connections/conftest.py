"""Connected-account tests: the fake networks of tests/fakes on free ports, and the app
pointed at them over real HTTP."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.models import NetworkApp
from ambassador import apiclient
from ambassador.networks import Network
from tests.factories import PASSWORD
from tests.fakes.bluesky import FakeBluesky
from tests.fakes.linkedin import FakeLinkedIn
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.x import FakeX

SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _reach_fakes(settings):
    """http:// to 127.0.0.1 is accepted only with DEBUG on and the address allowed."""
    settings.DEBUG = True
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SITE_URL = SITE_URL


@pytest.fixture
def mastodon():
    with FakeMastodon() as fake:
        yield fake


@pytest.fixture
def bluesky(settings):
    with FakeBluesky() as fake:
        settings.BLUESKY_DEFAULT_SERVICE = fake.base_url
        settings.BLUESKY_PLC_DIRECTORY = fake.base_url
        yield fake


@pytest.fixture
def linkedin(settings, db):
    with FakeLinkedIn() as fake:
        settings.LINKEDIN_OAUTH_URL = settings.LINKEDIN_API_URL = fake.base_url
        app = fake.register_app(
            redirect_uris=[f"{SITE_URL}/people/me/connections/linkedin/callback/"]
        )
        NetworkApp.objects.create(
            network=Network.LINKEDIN, client_id=app.client_id, client_secret=app.client_secret
        )
        yield fake


@pytest.fixture
def x(settings, db):
    with FakeX() as fake:
        settings.X_AUTHORIZE_URL = settings.X_API_URL = fake.base_url
        app = fake.register_app(redirect_uris=[f"{SITE_URL}/people/me/connections/x/callback/"])
        NetworkApp.objects.create(
            network=Network.X, client_id=app.client_id, client_secret=app.client_secret
        )
        yield fake


def sign_in(client, user):
    """Sign in with the password and confirm it again, as a sensitive change asks."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return client


def follow_authorize(fake, authorize_url: str) -> str:
    """Open the fake's auto-approving authorize page; returns the callback path + query the
    network redirects the browser to."""
    response = apiclient.request("GET", authorize_url)
    assert response.status == 302, response.content
    location = response.headers["location"]
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}" == SITE_URL
    return f"{parts.path}?{parts.query}"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
