"""The fake X API v2 over real HTTP: OAuth 2.0 with PKCE and single-use refresh tokens,
posting, batch lookups, timelines, rate limits."""

import base64

import pytest
import requests

from tests.fakes.helpers import bearer, pkce_pair, redirect_query

CALLBACK = "http://app.test/connections/x/callback"
SCOPES = "tweet.read tweet.write users.read offline.access"
TIMEOUT = 5


def basic(app):
    return {
        "Authorization": "Basic "
        + base64.b64encode(f"{app.client_id}:{app.client_secret}".encode()).decode()
    }


def authorize(x, app, *, challenge, scope=SCOPES, state="st-1", **extra):
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": CALLBACK,
        "scope": scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    } | extra
    return requests.get(
        f"{x.base_url}/i/oauth2/authorize", params=params, allow_redirects=False, timeout=TIMEOUT
    )


def token_call(x, app, data, *, confidential=True):
    headers = basic(app) if confidential else {}
    return requests.post(
        f"{x.base_url}/2/oauth2/token", data=data, headers=headers, timeout=TIMEOUT
    )


def exchange(x, app, code, verifier, *, confidential=True):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "code_verifier": verifier,
    }
    if not confidential:
        data["client_id"] = app.client_id
    return token_call(x, app, data, confidential=confidential)


def connect(x, scope=SCOPES, *, confidential=True):
    app = x.register_app(redirect_uris=[CALLBACK], confidential=confidential)
    verifier, challenge = pkce_pair()
    code = redirect_query(authorize(x, app, challenge=challenge, scope=scope))["code"]
    answer = exchange(x, app, code, verifier, confidential=confidential)
    assert answer.status_code == 200, answer.text
    return app, answer.json()


def refresh(x, app, refresh_token):
    return token_call(x, app, {"grant_type": "refresh_token", "refresh_token": refresh_token})


def tweet(x, token, text="Proud of our team https://amb.test/r/abc"):
    return requests.post(
        f"{x.base_url}/2/tweets", json={"text": text}, headers=bearer(token), timeout=TIMEOUT
    )


def get(x, path, token, **params):
    return requests.get(
        f"{x.base_url}{path}", params=params, headers=bearer(token), timeout=TIMEOUT
    )


def test_authorize_returns_a_code_and_the_same_state(x):
    app = x.register_app(redirect_uris=[CALLBACK])

    query = redirect_query(authorize(x, app, challenge="c" * 43, state="weird/state?&="))

    assert query["state"] == "weird/state?&="
    assert query["code"] in x.grants


def test_authorize_without_a_code_challenge_is_invalid_request(x):
    app = x.register_app(redirect_uris=[CALLBACK])

    assert redirect_query(authorize(x, app, challenge=""))["error"] == "invalid_request"


def test_authorize_refuses_a_redirect_that_is_not_an_exact_match(x):
    app = x.register_app(redirect_uris=[CALLBACK])

    answer = authorize(x, app, challenge="c" * 43, redirect_uri=CALLBACK + "/")

    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_the_exchange_gives_a_two_hour_token_and_a_refresh_token(x):
    _, token = connect(x)

    assert (token["token_type"], token["expires_in"], token["scope"]) == ("bearer", 7200, SCOPES)
    assert token["refresh_token"] in x.tokens


def test_without_offline_access_there_is_no_refresh_token(x):
    _, token = connect(x, scope="tweet.read users.read")

    assert "refresh_token" not in token


def test_a_public_client_names_itself_in_the_body(x):
    _, token = connect(x, confidential=False)

    assert token["access_token"] in x.tokens


def test_a_confidential_client_without_basic_auth_is_401(x):
    app = x.register_app(redirect_uris=[CALLBACK])
    verifier, challenge = pkce_pair()
    code = redirect_query(authorize(x, app, challenge=challenge))["code"]

    answer = exchange(x, app, code, verifier, confidential=False)

    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized_client"


def test_a_wrong_verifier_is_refused(x):
    app = x.register_app(redirect_uris=[CALLBACK])
    _, challenge = pkce_pair()
    code = redirect_query(authorize(x, app, challenge=challenge))["code"]

    answer = exchange(x, app, code, "wrong-verifier")

    assert answer.status_code == 400
    assert (
        answer.json()["error_description"] == "Value passed for the authorization code was invalid."
    )


def test_a_replayed_code_is_refused(x):
    app = x.register_app(redirect_uris=[CALLBACK])
    verifier, challenge = pkce_pair()
    code = redirect_query(authorize(x, app, challenge=challenge))["code"]
    assert exchange(x, app, code, verifier).status_code == 200

    assert exchange(x, app, code, verifier).status_code == 400


def test_a_refresh_rotates_the_refresh_token(x):
    app, token = connect(x)

    fresh = refresh(x, app, token["refresh_token"]).json()

    assert fresh["refresh_token"] != token["refresh_token"]
    assert get(x, "/2/users/me", fresh["access_token"]).status_code == 200


def test_a_refresh_token_works_only_once(x):
    app, token = connect(x)
    assert refresh(x, app, token["refresh_token"]).status_code == 200

    again = refresh(x, app, token["refresh_token"])

    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_request",
        "error_description": "Value passed for the token was invalid.",
    }


def test_a_revoked_token_is_401(x):
    app, token = connect(x)
    revoked = requests.post(
        f"{x.base_url}/2/oauth2/revoke",
        data={"token": token["access_token"]},
        headers=basic(app),
        timeout=5,
    )
    assert revoked.json() == {"revoked": True}

    answer = get(x, "/2/users/me", token["access_token"])

    assert answer.status_code == 401
    assert answer.json()["title"] == "Unauthorized"


def test_an_expired_token_is_401(x):
    _, token = connect(x)
    x.expire_token(token["access_token"])

    assert get(x, "/2/users/me", token["access_token"]).status_code == 401


def test_users_me_gives_public_metrics_when_asked(x):
    account = x.add_account("ola_n", display_name="Ola Nordmann", followers=512)
    x.login(account)
    _, token = connect(x)

    me = get(x, "/2/users/me", token["access_token"], **{"user.fields": "public_metrics"}).json()[
        "data"
    ]

    assert (me["id"], me["username"], me["name"]) == (account.id, "ola_n", "Ola Nordmann")
    assert me["public_metrics"]["followers_count"] == 512


def test_users_me_without_users_read_is_403(x):
    _, token = connect(x, scope="tweet.read tweet.write")

    assert get(x, "/2/users/me", token["access_token"]).status_code == 403


def test_a_post_is_created(x):
    account = x.add_account("ola_n")
    _, token = connect(x)

    answer = tweet(x, token["access_token"])

    assert answer.status_code == 201
    data = answer.json()["data"]
    assert data["edit_history_tweet_ids"] == [data["id"]]
    assert [p.id for p in x.posts_of(account)] == [data["id"]]


def test_duplicate_content_is_the_documented_403(x):
    _, token = connect(x)
    tweet(x, token["access_token"])

    again = tweet(x, token["access_token"])

    assert again.status_code == 403
    assert again.json()["detail"] == "You are not allowed to create a Tweet with duplicate content."


def test_a_long_url_counts_as_23_characters(x):
    _, token = connect(x)

    assert (
        tweet(x, token["access_token"], "a" * 250 + " https://amb.test/" + "x" * 100).status_code
        == 201
    )


def test_text_over_280_characters_is_refused(x):
    _, token = connect(x)

    assert tweet(x, token["access_token"], "a" * 281).status_code == 403


def test_a_batch_of_100_ids_is_read_with_public_metrics(x):
    account = x.add_account("ola_n")
    ids = [x.add_post(account, f"post {n}").id for n in range(100)]
    x.set_engagement(ids[0], likes=5, reposts=4, replies=3, quotes=2, impressions=900)
    _, token = connect(x)

    data = get(
        x,
        "/2/tweets",
        token["access_token"],
        ids=",".join(ids),
        **{"tweet.fields": "public_metrics"},
    ).json()["data"]

    assert [t["id"] for t in data] == ids
    assert data[0]["public_metrics"] == {
        "retweet_count": 4,
        "reply_count": 3,
        "like_count": 5,
        "quote_count": 2,
        "bookmark_count": 0,
        "impression_count": 900,
    }


def test_101_ids_are_refused(x):
    account = x.add_account("ola_n")
    ids = [x.add_post(account, f"post {n}").id for n in range(101)]
    _, token = connect(x)

    answer = get(x, "/2/tweets", token["access_token"], ids=",".join(ids))

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["message"] == (
        "The number of values in the `ids` query parameter list [101] is not between 1 and 100"
    )


def test_ids_that_are_gone_come_back_as_partial_errors(x):
    account = x.add_account("ola_n")
    known = x.add_post(account, "still here").id
    _, token = connect(x)

    body = get(x, "/2/tweets", token["access_token"], ids=f"{known},42").json()

    assert [t["id"] for t in body["data"]] == [known]
    assert body["errors"][0]["resource_id"] == "42"


def test_post_fields_is_another_name_for_tweet_fields(x):
    account = x.add_account("ola_n")
    post_id = x.add_post(account, "hello").id
    _, token = connect(x)

    data = get(
        x, "/2/tweets", token["access_token"], ids=post_id, **{"post.fields": "public_metrics"}
    ).json()["data"]

    assert "public_metrics" in data[0]


def test_the_user_timeline_pages_with_next_token(x):
    account = x.add_account("ola_n")
    ids = [x.add_post(account, f"post {n}").id for n in range(12)][::-1]
    _, token = connect(x)
    params, pages = {"max_results": 5}, []

    while True:
        body = get(x, f"/2/users/{account.id}/tweets", token["access_token"], **params).json()
        pages.append([t["id"] for t in body["data"]])
        if "next_token" not in body["meta"]:
            break
        params["pagination_token"] = body["meta"]["next_token"]

    assert pages == [ids[:5], ids[5:10], ids[10:]]


def test_the_user_timeline_refuses_max_results_under_5(x):
    account = x.add_account("ola_n")
    _, token = connect(x)

    assert (
        get(x, f"/2/users/{account.id}/tweets", token["access_token"], max_results=4).status_code
        == 400
    )


def test_rate_limit_headers_count_down_per_endpoint(x):
    x.set_rate_limit("POST /2/tweets", 3, window=900)
    _, token = connect(x)

    remaining = [
        tweet(x, token["access_token"], f"post {n}").headers["x-rate-limit-remaining"]
        for n in range(3)
    ]

    assert remaining == ["2", "1", "0"]


def test_past_the_limit_the_answer_is_429_code_88(x):
    x.set_rate_limit("POST /2/tweets", 1, window=900)
    _, token = connect(x)
    tweet(x, token["access_token"], "first")

    answer = tweet(x, token["access_token"], "second")

    assert answer.status_code == 429
    assert answer.json() == {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}
    assert int(answer.headers["x-rate-limit-reset"]) > 0


@pytest.mark.parametrize("status", [500, 503])
def test_injected_server_errors_use_the_problem_body(x, status):
    _, token = connect(x)
    x.fail_next("GET /2/tweets", status)

    answer = get(x, "/2/tweets", token["access_token"], ids="1")

    assert answer.status_code == status
    assert answer.json()["status"] == status
