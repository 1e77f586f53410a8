import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_503_when_broker_unreachable(client, settings):
    # Nothing listens on port 1: the broker check must fail fast and say so.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_not_cached(client):
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_503_when_filesystem_broker_folder_missing(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "missing")}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503


def test_healthz_503_when_database_unreachable():
    # The test database cannot be swapped mid-test: a separate process starts with a
    # DATABASE_URL on a closed port and asks /healthz through the test client.
    code = (
        "import json; from django.test.utils import setup_test_environment; "
        "setup_test_environment(); from django.test import Client; "
        "r = Client().get('/healthz'); print(json.dumps([r.status_code, r.json()]))"
    )
    env = dict(os.environ, DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body["status"] == "error"
    assert body["database"] == "error"
