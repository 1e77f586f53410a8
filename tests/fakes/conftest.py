"""Each fake network started on a free port for one test, and stopped after it."""

import pytest

from tests.fakes.bluesky import FakeBluesky
from tests.fakes.linkedin import FakeLinkedIn
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.x import FakeX


@pytest.fixture
def mastodon():
    with FakeMastodon() as fake:
        yield fake


@pytest.fixture
def bluesky():
    with FakeBluesky() as fake:
        yield fake


@pytest.fixture
def linkedin():
    with FakeLinkedIn() as fake:
        yield fake


@pytest.fixture
def x():
    with FakeX() as fake:
        yield fake
