"""The fake Bluesky PDS over real HTTP: sessions, identity, posting, batch reads, limits."""

import base64
import json

import pytest
import requests

from tests.fakes.helpers import bearer

TIMEOUT = 5


def xrpc(bluesky, method, nsid, *, token=None, **kwargs):
    headers = bearer(token) if token else {}
    url = f"{bluesky.base_url}/xrpc/{nsid}"
    return requests.request(method, url, headers=headers, timeout=TIMEOUT, **kwargs)


def login(bluesky, account, password=None):
    password = password or account.extra["app_passwords"][0]
    answer = xrpc(
        bluesky,
        "POST",
        "com.atproto.server.createSession",
        json={"identifier": account.handle, "password": password},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def create_post(bluesky, session, text="Hello from the programme", **extra):
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-01-05T10:00:00.000Z"}
    body = {"repo": session["did"], "collection": "app.bsky.feed.post", "record": record} | extra
    return xrpc(
        bluesky, "POST", "com.atproto.repo.createRecord", token=session["accessJwt"], json=body
    )


def claims(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_an_app_password_opens_a_session_on_this_pds(bluesky):
    alice = bluesky.add_account("alice.bsky.test")

    session = login(bluesky, alice)

    assert (session["did"], session["handle"]) == (alice.id, "alice.bsky.test")
    assert session["didDoc"]["service"][0]["serviceEndpoint"] == bluesky.base_url
    assert claims(session["accessJwt"])["scope"] == "com.atproto.appPass"
    assert claims(session["refreshJwt"])["sub"] == alice.id


def test_a_wrong_password_is_401_authentication_required(bluesky):
    alice = bluesky.add_account("alice.bsky.test")

    answer = xrpc(
        bluesky,
        "POST",
        "com.atproto.server.createSession",
        json={"identifier": alice.handle, "password": "nope-nope-nope-nope"},
    )

    assert answer.status_code == 401
    assert answer.json() == {
        "error": "AuthenticationRequired",
        "message": "Invalid identifier or password",
    }


def test_a_session_without_identifier_is_invalid_request(bluesky):
    answer = xrpc(bluesky, "POST", "com.atproto.server.createSession", json={"password": "x"})

    assert answer.status_code == 400
    assert answer.json()["error"] == "InvalidRequest"


def test_refresh_rotates_and_the_old_refresh_token_is_revoked(bluesky):
    session = login(bluesky, bluesky.add_account("alice.bsky.test"))

    fresh = xrpc(bluesky, "POST", "com.atproto.server.refreshSession", token=session["refreshJwt"])
    replay = xrpc(bluesky, "POST", "com.atproto.server.refreshSession", token=session["refreshJwt"])

    assert fresh.status_code == 200
    assert fresh.json()["refreshJwt"] != session["refreshJwt"]
    assert replay.status_code == 400
    assert replay.json() == {"error": "ExpiredToken", "message": "Token has been revoked"}


def test_within_the_grace_period_the_old_refresh_token_still_works(bluesky):
    bluesky.refresh_grace = 7200
    session = login(bluesky, bluesky.add_account("alice.bsky.test"))
    xrpc(bluesky, "POST", "com.atproto.server.refreshSession", token=session["refreshJwt"])

    again = xrpc(bluesky, "POST", "com.atproto.server.refreshSession", token=session["refreshJwt"])

    assert again.status_code == 200


def test_an_access_token_cannot_refresh(bluesky):
    session = login(bluesky, bluesky.add_account("alice.bsky.test"))

    answer = xrpc(bluesky, "POST", "com.atproto.server.refreshSession", token=session["accessJwt"])

    assert answer.json() == {"error": "InvalidToken", "message": "Invalid token type"}


def test_an_expired_access_token_is_400_expired_token(bluesky):
    session = login(bluesky, bluesky.add_account("alice.bsky.test"))
    bluesky.expire_token(session["accessJwt"])

    answer = create_post(bluesky, session)

    assert answer.status_code == 400
    assert answer.json() == {"error": "ExpiredToken", "message": "Token has expired"}


def test_posting_without_a_token_is_401_with_www_authenticate(bluesky):
    alice = bluesky.add_account("alice.bsky.test")

    answer = create_post(bluesky, {"did": alice.id, "accessJwt": ""})

    assert answer.status_code == 401
    assert answer.json()["error"] == "AuthMissing"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_deleting_the_session_ends_its_tokens(bluesky):
    session = login(bluesky, bluesky.add_account("alice.bsky.test"))
    assert xrpc(bluesky, "POST", "com.atproto.server.deleteSession", token=session["refreshJwt"]).ok

    answer = create_post(bluesky, session)

    assert answer.json() == {"error": "ExpiredToken", "message": "Token has been revoked"}


def test_removing_the_app_password_ends_its_sessions(bluesky):
    alice = bluesky.add_account("alice.bsky.test", app_password="abcd-efgh-ijkl-mnop")
    session = login(bluesky, alice)
    bluesky.revoke_app_password(alice, "abcd-efgh-ijkl-mnop")

    refresh = xrpc(
        bluesky, "POST", "com.atproto.server.refreshSession", token=session["refreshJwt"]
    )

    assert refresh.json()["error"] == "ExpiredToken"


def test_a_handle_resolves_to_its_did_and_the_did_to_this_pds(bluesky):
    alice = bluesky.add_account("alice.bsky.test")

    did = xrpc(
        bluesky, "GET", "com.atproto.identity.resolveHandle", params={"handle": alice.handle}
    )
    document = requests.get(f"{bluesky.base_url}/{alice.id}", timeout=TIMEOUT).json()

    assert did.json() == {"did": alice.id}
    assert document["service"] == [
        {
            "id": "#atproto_pds",
            "type": "AtprotoPersonalDataServer",
            "serviceEndpoint": bluesky.base_url,
        }
    ]


def test_an_unknown_handle_is_handle_not_found(bluesky):
    answer = xrpc(
        bluesky, "GET", "com.atproto.identity.resolveHandle", params={"handle": "nobody.test"}
    )

    assert (answer.status_code, answer.json()["error"]) == (400, "HandleNotFound")


def test_the_profile_gives_the_follower_count(bluesky):
    alice = bluesky.add_account("alice.bsky.test", followers=1234)

    profile = xrpc(
        bluesky, "GET", "app.bsky.actor.getProfile", params={"actor": alice.handle}
    ).json()

    assert (profile["did"], profile["followersCount"]) == (alice.id, 1234)


def test_a_post_is_a_record_at_an_at_uri_with_a_cid(bluesky):
    alice = bluesky.add_account("alice.bsky.test")
    session = login(bluesky, alice)

    created = create_post(bluesky, session).json()

    assert created["uri"].startswith(f"at://{alice.id}/app.bsky.feed.post/")
    assert created["cid"].startswith("bafyrei")
    assert [p.id for p in bluesky.posts_of(alice)] == [created["uri"]]


def test_300_graphemes_are_accepted_even_when_they_are_many_code_points(bluesky):
    session = login(bluesky, bluesky.add_account("alice.bsky.test"))

    assert create_post(bluesky, session, text="👍🏽" * 300).status_code == 200


def test_301_graphemes_are_refused(bluesky):
    session = login(bluesky, bluesky.add_account("alice.bsky.test"))

    answer = create_post(bluesky, session, text="a" * 301)

    assert answer.status_code == 400
    assert answer.json() == {
        "error": "InvalidRequest",
        "message": "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes",
    }


def test_a_record_key_chosen_by_the_client_cannot_be_used_twice(bluesky):
    alice = bluesky.add_account("alice.bsky.test")
    session = login(bluesky, alice)
    assert create_post(bluesky, session, rkey="3lshare42aaaa").status_code == 200

    again = create_post(bluesky, session, rkey="3lshare42aaaa")

    assert again.status_code == 500
    assert len(bluesky.posts_of(alice)) == 1


def test_posting_to_another_repo_is_refused(bluesky):
    session = login(bluesky, bluesky.add_account("alice.bsky.test"))
    bob = bluesky.add_account("bob.bsky.test")

    answer = create_post(bluesky, session, repo=bob.id)

    assert answer.status_code == 401


def test_get_posts_reads_25_uris_with_their_counts(bluesky):
    alice = bluesky.add_account("alice.bsky.test")
    uris = [bluesky.add_post(alice, f"post {n}").id for n in range(25)]
    bluesky.set_engagement(uris[0], likes=9, reposts=4, replies=2, quotes=1)

    posts = xrpc(bluesky, "GET", "app.bsky.feed.getPosts", params={"uris": uris}).json()["posts"]

    assert [p["uri"] for p in posts] == uris
    first = posts[0]
    assert [first[k] for k in ("likeCount", "repostCount", "replyCount", "quoteCount")] == [
        9,
        4,
        2,
        1,
    ]


def test_get_posts_refuses_26_uris(bluesky):
    alice = bluesky.add_account("alice.bsky.test")
    uris = [bluesky.add_post(alice, f"post {n}").id for n in range(26)]

    answer = xrpc(bluesky, "GET", "app.bsky.feed.getPosts", params={"uris": uris})

    assert answer.status_code == 400
    assert answer.json() == {
        "error": "InvalidRequest",
        "message": "Error: uris must not have more than 25 elements",
    }


def test_the_author_feed_pages_with_a_cursor(bluesky):
    alice = bluesky.add_account("alice.bsky.test")
    uris = [bluesky.add_post(alice, f"post {n}").id for n in range(5)][::-1]
    params, pages = {"actor": alice.id, "limit": 2}, []

    while True:
        body = xrpc(bluesky, "GET", "app.bsky.feed.getAuthorFeed", params=params).json()
        pages.append([item["post"]["uri"] for item in body["feed"]])
        if "cursor" not in body:
            break
        params["cursor"] = body["cursor"]

    assert pages == [uris[:2], uris[2:4], uris[4:]]


def test_the_author_feed_refuses_a_limit_over_100(bluesky):
    alice = bluesky.add_account("alice.bsky.test")

    answer = xrpc(
        bluesky, "GET", "app.bsky.feed.getAuthorFeed", params={"actor": alice.id, "limit": 101}
    )

    assert answer.status_code == 400


def test_ratelimit_headers_count_down(bluesky):
    bluesky.set_rate_limit("*", 3, window=300)
    alice = bluesky.add_account("alice.bsky.test")

    answers = [
        xrpc(bluesky, "GET", "app.bsky.actor.getProfile", params={"actor": alice.id})
        for _ in range(3)
    ]

    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert answers[0].headers["RateLimit-Policy"] == "3;w=300"


def test_the_31st_session_in_five_minutes_is_rate_limit_exceeded(bluesky):
    alice = bluesky.add_account("alice.bsky.test")
    for _ in range(30):
        login(bluesky, alice)

    answer = xrpc(
        bluesky,
        "POST",
        "com.atproto.server.createSession",
        json={"identifier": alice.handle, "password": alice.extra["app_passwords"][0]},
    )

    assert answer.status_code == 429
    assert answer.json() == {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
    assert answer.headers["RateLimit-Limit"] == "30"


@pytest.mark.parametrize(
    ("status", "error"), [(500, "InternalServerError"), (502, "UpstreamFailure")]
)
def test_injected_errors_use_the_xrpc_error_body(bluesky, status, error):
    bluesky.fail_next("GET /xrpc/app.bsky.feed.getPosts", status)

    answer = xrpc(bluesky, "GET", "app.bsky.feed.getPosts", params={"uris": ["at://x/y/z"]})

    assert answer.status_code == status
    assert answer.json()["error"] == error
