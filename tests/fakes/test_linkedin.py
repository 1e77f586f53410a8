"""The fake LinkedIn over real HTTP: 3-legged OAuth with OpenID, the Posts API, what a
w_member_social app may not read."""

import base64
import datetime as dt
import json
from urllib.parse import quote

import pytest
import requests

from tests.fakes.helpers import bearer, redirect_query

CALLBACK = "http://app.test/connections/linkedin/callback"
SCOPES = "openid profile email w_member_social"
VERSION = dt.date.today().strftime("%Y%m")  # the current version is always served
TIMEOUT = 5


def authorize(linkedin, app, *, scope=SCOPES, state="st-1", redirect_uri=CALLBACK):
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "scope": scope,
    }
    return requests.get(
        f"{linkedin.base_url}/oauth/v2/authorization",
        params=params,
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def exchange(linkedin, app, code, secret=None):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.client_id,
        "client_secret": secret or app.client_secret,
        "redirect_uri": CALLBACK,
    }
    return requests.post(f"{linkedin.base_url}/oauth/v2/accessToken", data=data, timeout=TIMEOUT)


def connect(linkedin, scopes=SCOPES):
    app = linkedin.register_app(redirect_uris=[CALLBACK], scopes=scopes.split())
    code = redirect_query(authorize(linkedin, app, scope=scopes))["code"]
    return app, exchange(linkedin, app, code).json()


def rest(linkedin, method, path, token, version=VERSION, **kwargs):
    headers = bearer(token) | {"X-Restli-Protocol-Version": "2.0.0"}
    if version:
        headers["LinkedIn-Version"] = version
    return requests.request(
        method, f"{linkedin.base_url}{path}", headers=headers, timeout=TIMEOUT, **kwargs
    )


def share(linkedin, token, member_id, text="Proud of our team https://amb.test/r/abc", **kwargs):
    body = {
        "author": f"urn:li:person:{member_id}",
        "commentary": text,
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    return rest(linkedin, "POST", "/rest/posts", token, json=body, **kwargs)


def test_authorization_returns_a_code_and_the_same_state(linkedin):
    app = linkedin.register_app(redirect_uris=[CALLBACK])

    query = redirect_query(authorize(linkedin, app, state="a b/c?d"))

    assert query["state"] == "a b/c?d"
    assert query["code"] in linkedin.grants


def test_an_unregistered_redirect_is_refused_without_redirecting(linkedin):
    app = linkedin.register_app(redirect_uris=[CALLBACK])

    answer = authorize(linkedin, app, redirect_uri="http://evil.test/cb")

    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_a_scope_the_app_lacks_is_unauthorized_scope_error(linkedin):
    app = linkedin.register_app(redirect_uris=[CALLBACK])

    query = redirect_query(authorize(linkedin, app, scope="openid r_member_social"))

    assert query["error"] == "unauthorized_scope_error"
    assert query["state"] == "st-1"


def test_a_cancelled_authorization_is_user_cancelled_authorize(linkedin):
    app = linkedin.register_app(redirect_uris=[CALLBACK])
    linkedin.approve = False

    assert redirect_query(authorize(linkedin, app))["error"] == "user_cancelled_authorize"


def test_the_access_token_lasts_60_days_and_comes_with_an_id_token(linkedin):
    member = linkedin.add_account("ola@example.test", display_name="Ola Nordmann")
    linkedin.login(member)

    _, token = connect(linkedin)

    assert token["expires_in"] == 5_184_000
    assert token["scope"] == "email,openid,profile,w_member_social"
    assert "refresh_token" not in token
    payload = token["id_token"].split(".")[1]
    assert (
        json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
        == member.id
    )


def test_a_replayed_code_is_invalid_request(linkedin):
    app = linkedin.register_app(redirect_uris=[CALLBACK])
    code = redirect_query(authorize(linkedin, app))["code"]
    assert exchange(linkedin, app, code).status_code == 200

    replay = exchange(linkedin, app, code)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_request"
    assert replay.json()["error_description"].startswith("Unable to retrieve access token")


def test_a_wrong_client_secret_is_invalid_client(linkedin):
    app = linkedin.register_app(redirect_uris=[CALLBACK])
    code = redirect_query(authorize(linkedin, app))["code"]

    answer = exchange(linkedin, app, code, secret="wrong")

    assert (answer.status_code, answer.json()["error"]) == (401, "invalid_client")


def test_userinfo_names_the_member(linkedin):
    member = linkedin.add_account("ola@example.test", display_name="Ola Nordmann")
    linkedin.login(member)
    _, token = connect(linkedin)

    info = requests.get(
        f"{linkedin.base_url}/v2/userinfo", headers=bearer(token["access_token"]), timeout=5
    ).json()

    assert (info["sub"], info["name"], info["given_name"]) == (member.id, "Ola Nordmann", "Ola")
    assert (info["email"], info["email_verified"]) == ("ola@example.test", True)


def test_userinfo_without_a_token_is_the_documented_401(linkedin):
    answer = requests.get(f"{linkedin.base_url}/v2/userinfo", timeout=TIMEOUT)

    assert answer.status_code == 401
    assert answer.json() == {
        "status": 401,
        "message": "Empty oauth2_access_token",
        "serviceErrorCode": 401,
    }


def test_a_revoked_token_is_401_revoked_access_token(linkedin):
    app, token = connect(linkedin)
    data = {
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "token": token["access_token"],
    }
    assert requests.post(f"{linkedin.base_url}/oauth/v2/revoke", data=data, timeout=TIMEOUT).ok

    answer = requests.get(
        f"{linkedin.base_url}/v2/userinfo", headers=bearer(token["access_token"]), timeout=5
    )

    assert answer.status_code == 401
    assert answer.json()["serviceErrorCode"] == 65601


def test_an_expired_token_is_401_expired_access_token(linkedin):
    _, token = connect(linkedin)
    linkedin.expire_token(token["access_token"])

    answer = requests.get(
        f"{linkedin.base_url}/v2/userinfo", headers=bearer(token["access_token"]), timeout=5
    )

    assert answer.json()["code"] == "EXPIRED_ACCESS_TOKEN"


def test_introspection_reports_a_revoked_token(linkedin):
    app, token = connect(linkedin)
    linkedin.tokens[token["access_token"]].revoked = True
    data = {
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "token": token["access_token"],
    }

    info = requests.post(
        f"{linkedin.base_url}/oauth/v2/introspectToken", data=data, timeout=TIMEOUT
    ).json()

    assert (info["active"], info["status"]) == (False, "revoked")


def test_a_refresh_keeps_the_refresh_token_and_mints_a_new_access_token(linkedin):
    linkedin.refresh_tokens = True
    app, token = connect(linkedin)
    data = {
        "grant_type": "refresh_token",
        "refresh_token": token["refresh_token"],
        "client_id": app.client_id,
        "client_secret": app.client_secret,
    }

    fresh = requests.post(
        f"{linkedin.base_url}/oauth/v2/accessToken", data=data, timeout=TIMEOUT
    ).json()

    assert fresh["refresh_token"] == token["refresh_token"]
    assert fresh["access_token"] != token["access_token"]
    assert fresh["refresh_token_expires_in"] <= token["refresh_token_expires_in"]


def test_without_refresh_tokens_a_refresh_is_refused(linkedin):
    app, _ = connect(linkedin)
    data = {
        "grant_type": "refresh_token",
        "refresh_token": "anything",
        "client_id": app.client_id,
        "client_secret": app.client_secret,
    }

    answer = requests.post(f"{linkedin.base_url}/oauth/v2/accessToken", data=data, timeout=TIMEOUT)

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")


def test_a_post_is_created_with_its_urn_in_x_restli_id(linkedin):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin)

    answer = share(linkedin, token["access_token"], member.id)

    assert answer.status_code == 201
    assert answer.headers["x-restli-id"].startswith("urn:li:share:")
    assert [p.id for p in linkedin.posts_of(member)] == [answer.headers["x-restli-id"]]


def test_without_a_version_header_the_post_is_400_version_missing(linkedin):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin)

    answer = share(linkedin, token["access_token"], member.id, version=None)

    assert (answer.status_code, answer.json()["code"]) == (400, "VERSION_MISSING")


def test_a_retired_version_is_426_nonexistent_version(linkedin):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin)

    answer = share(linkedin, token["access_token"], member.id, version="202001")

    assert answer.status_code == 426
    assert answer.json() == {
        "status": 426,
        "message": "Requested version 20200101 is not active",
        "code": "NONEXISTENT_VERSION",
    }


def test_posting_as_someone_else_is_403(linkedin):
    linkedin.add_account("ola@example.test")
    _, token = connect(linkedin)

    answer = share(linkedin, token["access_token"], "someone-else")

    assert (answer.status_code, answer.json()["code"]) == (403, "ACCESS_DENIED")


def test_commentary_over_3000_characters_is_422(linkedin):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin)

    answer = share(linkedin, token["access_token"], member.id, text="a" * 3001)

    assert answer.status_code == 422


def test_a_duplicate_post_is_422_naming_the_first(linkedin):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin)
    first = share(linkedin, token["access_token"], member.id).headers["x-restli-id"]

    again = share(linkedin, token["access_token"], member.id)

    assert again.status_code == 422
    assert again.json()["message"] == f"Content is a duplicate of {first}"


@pytest.mark.parametrize(
    "path", ["/rest/socialActions/{urn}", "/rest/socialMetadata/{urn}", "/rest/posts/{urn}"]
)
def test_member_engagement_is_denied_to_a_w_member_social_app(linkedin, path):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin)
    urn = share(linkedin, token["access_token"], member.id).headers["x-restli-id"]

    answer = rest(linkedin, "GET", path.format(urn=quote(urn, safe="")), token["access_token"])

    assert answer.status_code == 403
    assert answer.json()["code"] == "ACCESS_DENIED"
    assert answer.json()["message"].startswith("Not enough permissions to access: partnerApi")


def test_recent_posts_by_author_are_denied_to_a_w_member_social_app(linkedin):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin)

    answer = rest(
        linkedin,
        "GET",
        "/rest/posts",
        token["access_token"],
        params={"q": "author", "author": f"urn:li:person:{member.id}"},
    )

    assert answer.status_code == 403


def test_with_r_member_social_the_likes_are_read_back(linkedin):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin, scopes="openid w_member_social r_member_social")
    urn = share(linkedin, token["access_token"], member.id).headers["x-restli-id"]
    linkedin.set_engagement(urn, likes=12, replies=3)

    actions = rest(
        linkedin, "GET", f"/rest/socialActions/{quote(urn, safe='')}", token["access_token"]
    ).json()

    assert actions["likesSummary"]["totalLikes"] == 12
    assert actions["commentsSummary"]["aggregatedTotalComments"] == 3


def test_social_actions_of_several_posts_in_one_batch_get(linkedin):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin, scopes="openid w_member_social r_member_social")
    urns = [
        share(linkedin, token["access_token"], member.id, text=f"Post {n}").headers["x-restli-id"]
        for n in range(2)
    ]
    linkedin.set_engagement(urns[1], likes=4, replies=1)
    ids = ",".join(quote(u, safe="") for u in [*urns, "urn:li:share:404"])

    answer = rest(linkedin, "GET", f"/rest/socialActions?ids=List({ids})", token["access_token"])

    body = answer.json()
    assert answer.status_code == 200
    assert sorted(body["results"]) == sorted(urns)
    assert body["results"][urns[1]]["likesSummary"]["totalLikes"] == 4
    assert body["statuses"]["urn:li:share:404"] == 404


def test_an_injected_429_is_linkedins_throttle_body(linkedin):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin)
    linkedin.fail_next("POST /rest/posts", 429)

    answer = share(linkedin, token["access_token"], member.id)

    assert answer.status_code == 429
    assert answer.json()["serviceErrorCode"] == 101
    assert linkedin.posts_of(member) == []


def test_linkedin_sends_no_rate_limit_headers(linkedin):
    member = linkedin.add_account("ola@example.test")
    _, token = connect(linkedin)

    answer = share(linkedin, token["access_token"], member.id)

    assert not [h for h in answer.headers if "ratelimit" in h.lower().replace("-", "")]
