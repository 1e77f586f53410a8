"""The demo with FAKE_NETWORKS on: a few employees connected on the fake networks through
the real connect flows, posts really published there, engagement history stored; a second
run replaces rather than adds."""

import pytest
from django.db import connection as db_connection

from accounts.connections import demo as connections_demo
from accounts.models import Connection
from posts.demo import publishing as publishing_demo
from posts.models import EngagementReading, Share, ShareStatus
from tests.factories import UserFactory
from tests.fakes.__main__ import start_all
from tests.posts.factories import ContentItemFactory


class _Out:
    def __init__(self):
        self.lines = []

    def write(self, line):
        self.lines.append(line)


@pytest.fixture
def fakes(settings):
    started = start_all()
    settings.FAKE_NETWORKS = True
    settings.FAKE_MASTODON_URL = started["mastodon"].base_url
    settings.BLUESKY_DEFAULT_SERVICE = settings.BLUESKY_PLC_DIRECTORY = started["bluesky"].base_url
    settings.X_AUTHORIZE_URL = settings.X_API_URL = started["x"].base_url
    settings.LINKEDIN_OAUTH_URL = settings.LINKEDIN_API_URL = started["linkedin"].base_url
    yield started
    for fake in started.values():
        fake.stop()


def test_demo_connects_employees_on_the_fakes_and_posts_with_history(fakes, db):
    for email, *_ in connections_demo.CONNECTED:
        UserFactory(email=email)
    ContentItemFactory.create_batch(3, status="APPROVED")
    out = _Out()

    for _run in range(2):
        connections_demo.build(stdout=out)
        publishing_demo.build(stdout=out)

    networks = sorted(Connection.objects.values_list("network", flat=True))
    assert networks == ["BLUESKY", "MASTODON", "MASTODON", "MASTODON", "X", "X"]
    assert set(Connection.objects.values_list("state", flat=True)) == {"CONNECTED"}
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM accounts_connection")
        stored = {row[0] for row in cursor.fetchall()}
    assert stored.isdisjoint(set(fakes["x"].tokens) | set(fakes["mastodon"].tokens))
    shares = Share.objects.filter(code__startswith=publishing_demo.DEMO_CODE_PREFIX)
    assert shares.count() == 6 * publishing_demo.POSTS_EACH
    assert set(shares.values_list("status", flat=True)) == {ShareStatus.POSTED}
    on_fakes = {p.id for fake in fakes.values() for p in fake.posts.values()}
    assert set(shares.values_list("post_id", flat=True)) <= on_fakes
    assert EngagementReading.objects.filter(share__in=shares).count() >= shares.count()
    assert out.lines[-1].startswith("Publishing demo: 12 posts")
