"""Benchmark: the library feed as an employee, on PostgreSQL with 5,000 items.

Creates its own database (``amb_bench_feed`` on the server of ``BENCH_DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432``), loads 5,000 items, 1,000 people and
50 teams, then times 200 feed requests through Django's test client next to a bare
template page (the base layout, no data), and drops the database again.

    .venv/bin/python bench/feed.py

The last line is machine-readable:
``feed_p50_ms=<n> feed_p95_ms=<n> bare_p95_ms=<n> queries=<n>``
(``queries`` is the count of a 50-item feed page; the line before compares it with 5 items).
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import statistics
import sys
import time
import types
from datetime import timedelta
from pathlib import Path

import django
import psycopg
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, connections
from django.shortcuts import render
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches, path
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = "amb_bench_feed"
ITEMS, USERS, TEAMS, TOPICS = 5000, 1000, 50, 20
REQUESTS, WARMUP = 200, 20


def admin_connection():
    return psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True)


def create_database() -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DB_NAME}"
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambassador.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django.setup()
    call_command("migrate", verbosity=0)


def load(rng: random.Random):
    from accounts.models import Team, TeamMembership, User  # noqa: PLC0415 — needs the app registry (setup_django)
    from ambassador.networks import Network  # noqa: PLC0415 — the repository joins sys.path below the imports
    from posts.models import Caption, ContentItem, ContentStatus, Share, Topic  # noqa: PLC0415 — needs the app registry (setup_django)

    now = timezone.now()
    teams = Team.objects.bulk_create(
        [Team(name=f"Team {n}", slug=f"team-{n}") for n in range(TEAMS)]
    )
    password = make_password("bench-password")
    users = User.objects.bulk_create(
        [
            User(
                email=f"person{n}@bench.example.com", display_name=f"Person {n}", password=password
            )
            for n in range(USERS)
        ]
    )
    memberships = []
    for index, user in enumerate(users):
        for team in {teams[index % TEAMS], rng.choice(teams)}:
            memberships.append(TeamMembership(team=team, user=user))
    TeamMembership.objects.bulk_create(memberships)
    topics = Topic.objects.bulk_create(
        [Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(TOPICS)]
    )
    statuses = [ContentStatus.APPROVED] * 8 + [ContentStatus.ARCHIVED, ContentStatus.IN_REVIEW]
    items = ContentItem.objects.bulk_create(
        [
            ContentItem(
                url=f"https://example.com/news/{n}",
                slug=f"bench-item-{n}",
                title=f"Bench article {n} about {rng.choice(['wind', 'solar', 'hiring', 'grid', 'culture'])}",
                summary="A realistic summary of a realistic article. " * 3,
                status=rng.choice(statuses),
                featured=rng.random() < 0.02,
                target_everyone=rng.random() < 0.3,
                publish_at=now - timedelta(minutes=n),
                approved_at=now - timedelta(minutes=n),
            )
            for n in range(ITEMS)
        ]
    )
    through_topics = ContentItem.topics.through
    through_teams = ContentItem.target_teams.through
    topic_rows, team_rows, captions = [], [], []
    networks = list(Network)
    for item in items:
        for topic in rng.sample(topics, 2):
            topic_rows.append(through_topics(contentitem_id=item.pk, topic_id=topic.pk))
        if not item.target_everyone:
            for team in rng.sample(teams, rng.randint(1, 3)):
                team_rows.append(through_teams(contentitem_id=item.pk, team_id=team.pk))
        for network in rng.sample(networks, 3):
            for language in ("en", "nb"):
                captions.append(
                    Caption(
                        item=item, network=network, language=language, text=f"Caption {item.pk}"
                    )
                )
    through_topics.objects.bulk_create(topic_rows)
    through_teams.objects.bulk_create(team_rows)
    Caption.objects.bulk_create(captions, batch_size=5000)
    viewer = users[0]
    Share.objects.bulk_create(
        [
            Share(user=viewer, item=item, network=Network.LINKEDIN, caption="c", code=f"b{item.pk}")
            for item in items[:40]
            if item.status == ContentStatus.APPROVED
        ]
    )
    with __import__("django.db").db.connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return viewer


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def time_requests(client, url: str) -> list[float]:
    for _ in range(WARMUP):
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return timings


def main() -> None:
    create_database()
    try:
        setup_django()
        from ambassador import urls as project_urls  # noqa: PLC0415 — needs the app registry (setup_django)
        from posts.selectors import feed_items  # noqa: PLC0415 — needs the app registry (setup_django)
        from posts.views import content as content_views  # noqa: PLC0415 — needs the app registry (setup_django)

        viewer = load(random.Random(2026))

        @login_required
        def bare(request):
            return render(request, "base.html")

        urlconf = types.ModuleType("bench_feed_urls")
        urlconf.urlpatterns = [*project_urls.urlpatterns, path("bench/bare/", bare)]
        sys.modules["bench_feed_urls"] = urlconf

        with override_settings(ROOT_URLCONF="bench_feed_urls", ALLOWED_HOSTS=["testserver"]):
            clear_url_caches()
            client = Client()
            client.force_login(viewer)

            counts = {}
            for size in (5, 50):
                content_views.FEED_PAGE_SIZE = size
                client.get("/library/")  # settle session bookkeeping
                with CaptureQueriesContext(connection) as captured:
                    response = client.get("/library/")
                counts[size] = len(captured)
                shown = response.content.decode().count('class="card library-item')
                print(f"page of {shown} items: {counts[size]} queries")
            content_views.FEED_PAGE_SIZE = 20

            total = feed_items(user=viewer).count()
            feed = time_requests(client, "/library/")
            bare_timings = time_requests(client, "/bench/bare/")
        connections.close_all()
        print(f"items visible to the viewer: {total} of {ITEMS}; requests: {REQUESTS} each")
        print(
            f"query count 50 items vs 5 items: {counts[50]} vs {counts[5]} "
            f"({'constant' if counts[50] <= counts[5] else 'GROWS'})"
        )
        print(
            f"feed_p50_ms={statistics.median(feed):.1f} feed_p95_ms={percentile(feed, 0.95):.1f} "
            f"bare_p95_ms={percentile(bare_timings, 0.95):.1f} queries={counts[50]}"
        )
    finally:
        with contextlib.suppress(Exception):  # Django may not be set up yet
            connections.close_all()
        drop_database()


if __name__ == "__main__":
    main()
