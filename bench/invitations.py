"""Benchmark: the CSV invitation upload through its view, on PostgreSQL and Redis.

Creates its own database (``amb_bench_invitations`` on the server of ``BENCH_DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432``) and uses Redis DB 10 (``BENCH_REDIS_URL``)
as the Celery broker, so each invitation's email task is really enqueued after commit.
It signs in an admin, uploads CSV files of 5,000 and 10,000 rows (an email and a team per
row; the import stops at its 5,000-row cap) through Django's test client with the whole
middleware stack, and prints the time of each upload. Then it drops the database and
purges the queued tasks.

    .venv/bin/python bench/invitations.py

The last line is machine-readable:
``rows_5000_s=<n> rows_10000_s=<n> queries_5000=<n> queries_10000=<n>``
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import django
import psycopg
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
DB_NAME = "amb_bench_invitations"
SIZES = (5000, 10000)
TEAMS = 20


def admin_connection():
    return psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True)


def create_database() -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DB_NAME}"
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["DEBUG"] = "true"
    # The admin below has no second factor; the MFA gate is not what is measured.
    os.environ["REQUIRE_STAFF_MFA"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambassador.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django.setup()
    call_command("migrate", verbosity=0)


def csv_file(rows: int) -> bytes:
    lines = ["email,team"]
    lines += [f"person{n}@bench.example,Team {n % TEAMS}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def upload(client, rows: int) -> tuple[float, int, int, int]:
    from accounts.models import Invitation  # noqa: PLC0415 — needs the app registry (setup_django)

    Invitation.objects.all().delete()
    data = {"file": SimpleUploadedFile("people.csv", csv_file(rows), content_type="text/csv")}
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.post("/people/invite/upload/", data)
        seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    report = response.context["report"]
    return seconds, len(report.imported), len(report.rejected), len(captured.captured_queries)


def main() -> None:
    create_database()
    try:
        setup_django()
        from accounts.models import Team, User  # noqa: PLC0415 — needs the app registry (setup_django)
        from ambassador.celery import app  # noqa: PLC0415 — the repository joins sys.path below the imports

        setup_test_environment()  # the test client keeps response.context
        Team.objects.bulk_create([Team(name=f"Team {n}", slug=f"team-{n}") for n in range(TEAMS)])
        admin = User.objects.create_user("admin@bench.example", "bench-password", is_admin=True)
        client = Client()
        client.force_login(admin)
        upload(client, 50)  # warm-up: templates, translations, connections
        results = {}
        for rows in SIZES:
            seconds, imported, rejected, queries = upload(client, rows)
            results[rows] = (seconds, queries)
            print(
                f"{rows:>6} rows: {seconds:6.2f} s  imported={imported} not_imported={rejected}"
                f" queries={queries}"
            )
        app.control.purge()
        print(
            f"rows_5000_s={results[5000][0]:.2f} rows_10000_s={results[10000][0]:.2f}"
            f" queries_5000={results[5000][1]} queries_10000={results[10000][1]}"
        )
    finally:
        connections.close_all()
        drop_database()


if __name__ == "__main__":
    main()
