"""Settings of the Celery worker and beat subprocesses of the reminders' integration tests:
the normal settings, plus loopback let through the fetcher so the worker can reach the fake
Slack server on 127.0.0.1. Never used outside tests."""

from ambassador.settings import *  # noqa: F403

FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
