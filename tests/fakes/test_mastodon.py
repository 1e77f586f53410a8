"""The fake Mastodon over real HTTP: registration, OAuth with PKCE, posting, reading, limits."""

import pytest
import requests

from tests.fakes.helpers import bearer, pkce_pair, redirect_query

CALLBACK = "http://app.test/connections/mastodon/callback"
TIMEOUT = 5


def register(mastodon, scopes="read write"):
    answer = requests.post(
        f"{mastodon.base_url}/api/v1/apps",
        data={"client_name": "Ambassador", "redirect_uris": CALLBACK, "scopes": scopes},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200
    return answer.json()


def authorize(mastodon, app, *, state="s-1", scope="read write", challenge=None, **extra):
    params = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": CALLBACK,
        "scope": scope,
        "state": state,
    }
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    params |= extra
    return requests.get(
        f"{mastodon.base_url}/oauth/authorize",
        params=params,
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def exchange(mastodon, app, code, verifier=None, secret=None):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["client_id"],
        "client_secret": secret or app["client_secret"],
        "redirect_uri": CALLBACK,
    }
    if verifier:
        data["code_verifier"] = verifier
    return requests.post(f"{mastodon.base_url}/oauth/token", data=data, timeout=TIMEOUT)


def connect(mastodon, scopes="read write"):
    """The whole flow; returns (app, access token)."""
    app = register(mastodon, scopes)
    verifier, challenge = pkce_pair()
    code = redirect_query(authorize(mastodon, app, scope=scopes, challenge=challenge))["code"]
    return app, exchange(mastodon, app, code, verifier).json()["access_token"]


def post(mastodon, token, text="Hello from the programme https://amb.test/r/abc", key=None):
    headers = bearer(token) | ({"Idempotency-Key": key} if key else {})
    return requests.post(
        f"{mastodon.base_url}/api/v1/statuses",
        data={"status": text},
        headers=headers,
        timeout=TIMEOUT,
    )


def test_registration_returns_client_credentials(mastodon):
    app = register(mastodon)

    assert app["redirect_uris"] == [CALLBACK]
    assert app["scopes"] == ["read", "write"]
    assert mastodon.apps[app["client_id"]].client_secret == app["client_secret"]


def test_registration_with_a_relative_redirect_is_422(mastodon):
    answer = requests.post(
        f"{mastodon.base_url}/api/v1/apps",
        data={"client_name": "Ambassador", "redirect_uris": "/callback"},
        timeout=TIMEOUT,
    )

    assert answer.status_code == 422
    assert answer.json() == {"error": "Validation failed: Redirect URI must be an absolute URI."}


def test_authorize_returns_the_state_unchanged(mastodon):
    mastodon.add_account("alice")
    app = register(mastodon)

    query = redirect_query(authorize(mastodon, app, state="odd state/with?chars&=="))

    assert query["state"] == "odd state/with?chars&=="
    assert query["code"] in mastodon.grants


def test_authorize_refuses_an_unregistered_redirect_without_redirecting(mastodon):
    app = register(mastodon)

    answer = authorize(mastodon, app, redirect_uri="http://evil.test/cb")

    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_authorize_beyond_the_registered_scopes_is_invalid_scope(mastodon):
    app = register(mastodon, scopes="read")

    assert redirect_query(authorize(mastodon, app, scope="read write")) == {
        "error": "invalid_scope",
        "state": "s-1",
    }


def test_authorize_with_a_plain_pkce_method_is_invalid_request(mastodon):
    app = register(mastodon)

    query = redirect_query(
        authorize(mastodon, app, code_challenge="abc", code_challenge_method="plain")
    )

    assert query["error"] == "invalid_request"


def test_a_declined_authorization_redirects_access_denied(mastodon):
    app = register(mastodon)
    mastodon.approve = False

    assert redirect_query(authorize(mastodon, app))["error"] == "access_denied"


def test_the_token_from_the_pkce_flow_verifies_as_the_signed_in_account(mastodon):
    alice = mastodon.add_account("alice", followers=321)
    mastodon.login(alice)
    _, token = connect(mastodon)

    me = requests.get(
        f"{mastodon.base_url}/api/v1/accounts/verify_credentials", headers=bearer(token), timeout=5
    ).json()

    assert (me["id"], me["acct"], me["followers_count"]) == (alice.id, "alice", 321)
    assert me["url"] == f"{mastodon.base_url}/@alice"


def test_a_wrong_code_verifier_is_invalid_grant(mastodon):
    app = register(mastodon)
    _, challenge = pkce_pair()
    code = redirect_query(authorize(mastodon, app, challenge=challenge))["code"]

    answer = exchange(mastodon, app, code, verifier="not-the-verifier")

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_a_replayed_code_is_invalid_grant(mastodon):
    app = register(mastodon)
    verifier, challenge = pkce_pair()
    code = redirect_query(authorize(mastodon, app, challenge=challenge))["code"]
    assert exchange(mastodon, app, code, verifier).status_code == 200

    replay = exchange(mastodon, app, code, verifier)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_invalid_client(mastodon):
    app = register(mastodon)
    code = redirect_query(authorize(mastodon, app))["code"]

    answer = exchange(mastodon, app, code, secret="wrong")

    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def test_a_revoked_token_gets_the_documented_401(mastodon):
    app, token = connect(mastodon)
    revoked = requests.post(
        f"{mastodon.base_url}/oauth/revoke",
        data={"client_id": app["client_id"], "client_secret": app["client_secret"], "token": token},
        timeout=TIMEOUT,
    )
    assert (revoked.status_code, revoked.json()) == (200, {})

    answer = post(mastodon, token)

    assert answer.status_code == 401
    assert answer.json() == {"error": "The access token is invalid"}
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]


def test_revoking_another_apps_token_is_403(mastodon):
    _, token = connect(mastodon)
    other = register(mastodon)

    answer = requests.post(
        f"{mastodon.base_url}/oauth/revoke",
        data={
            "client_id": other["client_id"],
            "client_secret": other["client_secret"],
            "token": token,
        },
        timeout=TIMEOUT,
    )

    assert answer.status_code == 403
    assert answer.json()["error"] == "unauthorized_client"


def test_a_read_only_token_cannot_post(mastodon):
    _, token = connect(mastodon, scopes="read")

    answer = post(mastodon, token)

    assert answer.status_code == 403
    assert answer.json() == {"error": "This action is outside the authorized scopes"}


def test_a_post_answers_the_status_with_its_url(mastodon):
    alice = mastodon.add_account("alice")
    _, token = connect(mastodon)

    status = post(mastodon, token).json()

    assert status["url"] == f"{mastodon.base_url}/@alice/{status['id']}"
    assert 'href="https://amb.test/r/abc"' in status["content"]
    assert [p.id for p in mastodon.posts_of(alice)] == [status["id"]]


def test_the_same_idempotency_key_answers_the_first_status_without_posting_again(mastodon):
    alice = mastodon.add_account("alice")
    _, token = connect(mastodon)

    first = post(mastodon, token, key="share-42").json()
    second = post(mastodon, token, key="share-42").json()

    assert second["id"] == first["id"]
    assert len(mastodon.posts_of(alice)) == 1


def test_without_an_idempotency_key_each_call_posts(mastodon):
    alice = mastodon.add_account("alice")
    _, token = connect(mastodon)

    post(mastodon, token)
    post(mastodon, token)

    assert len(mastodon.posts_of(alice)) == 2


def test_text_over_500_characters_is_422(mastodon):
    _, token = connect(mastodon)

    answer = post(mastodon, token, text="a" * 501)

    assert answer.status_code == 422
    assert answer.json() == {"error": "Validation failed: Text character limit of 500 exceeded"}


def test_a_long_url_counts_as_23_characters(mastodon):
    _, token = connect(mastodon)

    answer = post(mastodon, token, text="a" * 470 + " https://amb.test/" + "x" * 200)

    assert answer.status_code == 200


def test_a_blank_status_is_422(mastodon):
    _, token = connect(mastodon)

    assert post(mastodon, token, text="  ").json() == {
        "error": "Validation failed: Text can't be blank"
    }


def test_engagement_set_on_a_post_is_read_back(mastodon):
    _, token = connect(mastodon)
    status_id = post(mastodon, token).json()["id"]
    mastodon.set_engagement(status_id, likes=7, reposts=3, replies=2, quotes=1)

    status = requests.get(
        f"{mastodon.base_url}/api/v1/statuses/{status_id}", timeout=TIMEOUT
    ).json()

    counts = [
        status[k] for k in ("favourites_count", "reblogs_count", "replies_count", "quotes_count")
    ]
    assert counts == [7, 3, 2, 1]


def test_several_statuses_are_read_in_one_call(mastodon):
    alice = mastodon.add_account("alice")
    ids = [mastodon.add_post(alice, f"post {n}").id for n in range(3)]

    answer = requests.get(
        f"{mastodon.base_url}/api/v1/statuses", params={"id[]": [*ids, "999"]}, timeout=TIMEOUT
    )

    assert [s["id"] for s in answer.json()] == ids


def test_an_unknown_status_is_404(mastodon):
    answer = requests.get(f"{mastodon.base_url}/api/v1/statuses/123", timeout=TIMEOUT)

    assert (answer.status_code, answer.json()) == (404, {"error": "Record not found"})


def test_account_statuses_page_through_the_link_header(mastodon):
    alice = mastodon.add_account("alice")
    posted = [mastodon.add_post(alice, f"post {n}").id for n in range(25)]
    url, seen = f"{mastodon.base_url}/api/v1/accounts/{alice.id}/statuses?limit=10", []

    while url:
        answer = requests.get(url, timeout=TIMEOUT)
        page = answer.json()
        seen.append([s["id"] for s in page])
        url = answer.links.get("next", {}).get("url") if page else None

    assert seen == [posted[::-1][:10], posted[::-1][10:20], posted[::-1][20:], []]


def test_rate_limit_headers_count_down(mastodon):
    mastodon.set_rate_limit("*", 3, window=300)
    url = f"{mastodon.base_url}/api/v1/statuses/1"

    remaining = [
        requests.get(url, timeout=TIMEOUT).headers["X-RateLimit-Remaining"] for _ in range(3)
    ]

    assert remaining == ["2", "1", "0"]


def test_past_the_limit_the_answer_is_429_with_the_reset(mastodon):
    mastodon.set_rate_limit("GET /api/v1/statuses/:id", 1, window=300)
    url = f"{mastodon.base_url}/api/v1/statuses/1"
    requests.get(url, timeout=TIMEOUT)

    answer = requests.get(url, timeout=TIMEOUT)

    assert answer.status_code == 429
    assert answer.json() == {"error": "Too many requests"}
    assert answer.headers["X-RateLimit-Remaining"] == "0"
    assert answer.headers["X-RateLimit-Reset"].endswith("Z")
    assert mastodon.rate_limited["GET /api/v1/statuses/:id"] == 1


def test_an_injected_429_carries_retry_after_and_passes(mastodon):
    _, token = connect(mastodon)
    mastodon.fail_next("POST /api/v1/statuses", 429, retry_after=30)

    refused, accepted = post(mastodon, token), post(mastodon, token)

    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "30")
    assert accepted.status_code == 200


def test_calls_are_counted_per_endpoint(mastodon):
    _, token = connect(mastodon)
    post(mastodon, token)
    post(mastodon, token)

    assert mastodon.calls["POST /api/v1/statuses"] == 2
    assert mastodon.calls["POST /oauth/token"] == 1


@pytest.mark.parametrize("status", [401, 500, 503])
def test_injected_errors_use_mastodons_error_body(mastodon, status):
    mastodon.fail_next("/api/v1/accounts/verify_credentials", status)

    answer = requests.get(
        f"{mastodon.base_url}/api/v1/accounts/verify_credentials", timeout=TIMEOUT
    )

    assert answer.status_code == status
    assert set(answer.json()) == {"error"}
