"""What every fake network offers tests: faults on demand, latency, limits, thread safety,
controls over HTTP, and `python -m tests.fakes`."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from tests.fakes.helpers import bearer

ROOT = Path(__file__).resolve().parents[2]


def signed_in(mastodon):
    """A user token for a fresh account, without going through the OAuth pages."""
    account = mastodon.add_account("alice")
    token = mastodon.issue_token(
        "access", account_id=account.id, client_id=None, scopes=["read", "write"], ttl=None
    )
    return account, token.value


def post(mastodon, token, text="hello", timeout=5):
    return requests.post(
        f"{mastodon.base_url}/api/v1/statuses",
        data={"status": text},
        headers=bearer(token),
        timeout=timeout,
    )


def test_a_fault_on_an_unknown_endpoint_is_a_mistake_in_the_test(mastodon):
    with pytest.raises(ValueError, match="no endpoint"):
        mastodon.fail_next("POST /api/v1/toots", 500)


def test_a_fault_applies_the_given_number_of_times(mastodon):
    _, token = signed_in(mastodon)
    mastodon.fail_next("POST /api/v1/statuses", 503, times=2)

    statuses = [post(mastodon, token, f"post {n}").status_code for n in range(3)]

    assert statuses == [503, 503, 200]


def test_a_fault_may_carry_its_own_body_and_headers(mastodon):
    mastodon.fail_next("*", 418, body={"error": "teapot"}, headers={"X-Why": "test"})

    answer = requests.get(f"{mastodon.base_url}/api/v1/statuses/1", timeout=5)

    assert (answer.status_code, answer.json(), answer.headers["X-Why"]) == (
        418,
        {"error": "teapot"},
        "test",
    )


def test_a_fault_after_the_effect_loses_the_answer_but_keeps_the_post(mastodon):
    account, token = signed_in(mastodon)
    mastodon.fail_next("POST /api/v1/statuses", 504, after=True)

    answer = post(mastodon, token)

    assert answer.status_code == 504
    assert [p.text for p in mastodon.posts_of(account)] == ["hello"]


def test_a_dropped_connection_gives_no_answer_at_all(mastodon):
    account, token = signed_in(mastodon)
    mastodon.fail_next("POST /api/v1/statuses", drop=True, after=True)

    with pytest.raises(requests.ConnectionError):
        post(mastodon, token)
    assert len(mastodon.posts_of(account)) == 1


def test_a_delayed_answer_times_the_client_out(mastodon):
    _, token = signed_in(mastodon)
    mastodon.fail_next("POST /api/v1/statuses", 200, delay=1.0, body={})

    with pytest.raises(requests.ReadTimeout):
        post(mastodon, token, timeout=0.2)


def test_latency_is_added_to_every_answer(mastodon):
    mastodon.latency = 1.0

    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{mastodon.base_url}/api/v1/statuses/1", timeout=0.2)


def test_a_removed_limit_sends_no_rate_limit_headers(mastodon):
    mastodon.set_rate_limit("*", None)

    answer = requests.get(f"{mastodon.base_url}/api/v1/statuses/1", timeout=5)

    assert "X-RateLimit-Remaining" not in answer.headers


def test_an_unknown_path_is_404_in_the_networks_words(mastodon):
    answer = requests.get(f"{mastodon.base_url}/api/v9/nothing", timeout=5)

    assert (answer.status_code, answer.json()) == (404, {"error": "Record not found"})


def test_concurrent_posts_each_get_their_own_status(mastodon):
    account, token = signed_in(mastodon)
    answers = []

    def send(n):
        answers.append(post(mastodon, token, f"post {n}").json()["id"])

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(answers)) == 20
    assert len(mastodon.posts_of(account)) == 20


def test_the_http_controls_choose_who_signs_in_and_set_engagement(bluesky):
    signed = requests.post(
        f"{bluesky.base_url}/_fake/login", json={"handle": "kari.bsky.test"}, timeout=5
    )
    kari = bluesky.accounts[signed.json()["id"]]
    uri = bluesky.add_post(kari, "hello").id

    numbers = requests.post(
        f"{bluesky.base_url}/_fake/engagement", json={"post_id": uri, "likes": 4}, timeout=5
    )

    assert bluesky.current_user() == kari
    assert numbers.json()["likes"] == 4
    assert bluesky.calls == {}


def test_grown_engagement_never_shrinks(x):
    account = x.add_account("ola_n")
    post = x.set_engagement(x.add_post(account, "hello").id, likes=10, impressions=100)

    x.grow_engagement()

    assert post.likes >= 10
    assert post.impressions >= 100


def test_python_m_tests_fakes_prints_where_the_fakes_listen():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        settings = dict(process.stdout.readline().strip().split("=", 1) for _ in range(10))
        profile = requests.get(
            f"{settings['FAKE_BLUESKY_URL']}/xrpc/app.bsky.actor.getProfile",
            params={"actor": settings["FAKE_BLUESKY_HANDLE"]},
            timeout=5,
        )
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert set(settings) >= {"FAKE_MASTODON_URL", "FAKE_LINKEDIN_CLIENT_ID", "FAKE_X_CLIENT_SECRET"}
    assert profile.json()["handle"] == "demo.bsky.test"
    assert process.returncode == 0
