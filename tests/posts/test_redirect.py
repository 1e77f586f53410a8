"""/r/<code>: redirects only to the stored destination; bots are redirected, not counted."""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from posts.models import ContentStatus, ShareDailyClicks
from posts.services.clicks import clicks_flush
from tests.posts.factories import BROWSER_UA, ShareFactory

pytestmark = pytest.mark.django_db


def _get(client, path, **extra):
    return client.get(path, HTTP_USER_AGENT=BROWSER_UA, **extra)


def test_redirect_known_code_is_302_to_item_with_utm(client):
    share = ShareFactory(item__url="https://www.example.com/news/launch", item__slug="launch")
    response = _get(client, f"/r/{share.code}")
    assert response.status_code == 302
    assert response["Location"] == (
        "https://www.example.com/news/launch?utm_source=linkedin&utm_medium=ambassador"
        f"&utm_campaign=launch&utm_content={share.pk}"
    )


def test_redirect_keeps_existing_query_string(client):
    share = ShareFactory(item__url="https://www.example.com/p?id=7&ref=home#top")
    location = _get(client, f"/r/{share.code}")["Location"]
    parts = urlsplit(location)
    assert parse_qs(parts.query)["id"] == ["7"]
    assert parse_qs(parts.query)["ref"] == ["home"]
    assert parse_qs(parts.query)["utm_medium"] == ["ambassador"]
    assert parts.fragment == "top"


def test_redirect_replaces_utm_already_on_item_url(client):
    share = ShareFactory(item__url="https://www.example.com/p?utm_source=evil")
    query = parse_qs(urlsplit(_get(client, f"/r/{share.code}")["Location"]).query)
    assert query["utm_source"] == ["linkedin"]


def test_redirect_response_is_not_cacheable(client):
    share = ShareFactory()
    assert _get(client, f"/r/{share.code}")["Cache-Control"] == "no-store"


def test_redirect_sets_referrer_policy(client):
    share = ShareFactory()
    assert _get(client, f"/r/{share.code}")["Referrer-Policy"] == "no-referrer"


def test_redirect_sets_no_cookie_for_anonymous_visitor(client):
    share = ShareFactory()
    response = _get(client, f"/r/{share.code}")
    assert "Set-Cookie" not in str(response.serialize_headers())
    assert not response.cookies


def test_redirect_sets_no_cookie_for_signed_in_visitor(client):
    share = ShareFactory()
    client.force_login(share.user)
    response = _get(client, f"/r/{share.code}")
    assert response.status_code == 302
    assert not response.cookies


def test_redirect_unknown_code_is_404(client):
    assert _get(client, "/r/doesNotExist1").status_code == 404


def test_redirect_unknown_code_sets_no_cookie(client):
    assert not _get(client, "/r/doesNotExist1").cookies


def test_redirect_works_after_item_is_archived(client):
    share = ShareFactory(item__status=ContentStatus.ARCHIVED)
    assert _get(client, f"/r/{share.code}").status_code == 302


def test_redirect_head_is_redirected(client):
    share = ShareFactory()
    assert client.head(f"/r/{share.code}").status_code == 302


def test_redirect_post_is_not_allowed(client):
    share = ShareFactory()
    assert client.post(f"/r/{share.code}").status_code == 405


@pytest.mark.parametrize(
    "query",
    [
        "?url=https://evil.example/",
        "?next=https://evil.example/",
        "?next=//evil.example",
        "?redirect_to=https://evil.example/",
    ],
)
def test_redirect_ignores_destination_in_query(client, query):
    share = ShareFactory(item__url="https://www.example.com/safe")
    location = _get(client, f"/r/{share.code}{query}")["Location"]
    assert location.startswith("https://www.example.com/safe?")
    assert "evil" not in location


@pytest.mark.parametrize(
    "suffix",
    [
        "/https://evil.example",
        "/..%2f..%2fevil",
        "%2f%2fevil.example",
        "/",
        "@evil.example",
    ],
)
def test_redirect_path_tricks_are_404(client, suffix):
    share = ShareFactory(item__url="https://www.example.com/safe")
    assert _get(client, f"/r/{share.code}{suffix}").status_code == 404


def test_redirect_double_slash_path_is_404(client):
    ShareFactory()
    assert _get(client, "/r//evil.example").status_code == 404


def test_redirect_guessing_codes_gets_429_after_limit(client, settings):
    settings.TRACKED_LINK_GUESS_LIMIT = 3
    statuses = [_get(client, f"/r/guess{n:06d}").status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]


def test_redirect_guess_counter_is_per_address(client, settings):
    settings.TRACKED_LINK_GUESS_LIMIT = 1
    _get(client, "/r/guess000001", REMOTE_ADDR="203.0.113.1")
    _get(client, "/r/guess000002", REMOTE_ADDR="203.0.113.1")
    assert _get(client, "/r/guess000003", REMOTE_ADDR="203.0.113.2").status_code == 404


def test_redirect_valid_code_still_works_after_guess_limit(client, settings):
    settings.TRACKED_LINK_GUESS_LIMIT = 1
    share = ShareFactory()
    for n in range(3):
        _get(client, f"/r/guess{n:06d}")
    assert _get(client, f"/r/{share.code}").status_code == 302


def test_redirect_guess_counter_stores_no_address(client):
    _get(client, "/r/guess000001", REMOTE_ADDR="198.51.100.77")
    keys = [k.decode() for k in cache._cache.get_client().keys("*")]
    assert keys
    assert not any("198.51.100.77" in key for key in keys)


def test_redirect_resolves_from_cache_without_queries(client, django_assert_num_queries):
    share = ShareFactory()
    client.get(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")
    with django_assert_num_queries(0):
        response = client.get(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")
    assert response.status_code == 302


def test_redirect_cached_code_anonymous_human_runs_no_queries(client, django_assert_num_queries):
    share = ShareFactory()
    _get(client, f"/r/{share.code}")  # caches the link
    with django_assert_num_queries(0):
        response = _get(client, f"/r/{share.code}")
    assert response.status_code == 302


def test_redirect_cached_code_signed_in_non_sharer_runs_no_queries(
    client, personas, django_assert_num_queries
):
    share = ShareFactory(user=personas.employee_b)
    client.force_login(personas.employee)
    client.get(reverse("posts:my_shares"))  # a page sets the signed identity cookie
    _get(client, f"/r/{share.code}")  # caches the link
    with django_assert_num_queries(0):
        response = _get(client, f"/r/{share.code}")
    assert response.status_code == 302


def test_redirect_session_from_before_identity_cookie_runs_only_the_session_read(
    client, personas, django_assert_num_queries
):
    share = ShareFactory(user=personas.employee_b)
    client.force_login(personas.employee)  # a session cookie, no identity cookie yet
    _get(client, f"/r/{share.code}")  # caches the link
    with django_assert_num_queries(1) as captured:
        response = _get(client, f"/r/{share.code}")
    assert response.status_code == 302
    assert "django_session" in captured.captured_queries[0]["sql"]


def test_redirect_sharer_with_identity_cookie_is_not_counted(client, django_assert_num_queries):
    share = ShareFactory()
    client.force_login(share.user)
    client.get(reverse("posts:my_shares"))  # a page sets the signed identity cookie
    del client.cookies["sessionid"]  # the identity cookie alone says who clicks
    client.get(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")  # caches the link
    with django_assert_num_queries(0):
        response = _get(client, f"/r/{share.code}")
    clicks_flush()
    assert response.status_code == 302
    assert not response.cookies
    assert not ShareDailyClicks.objects.filter(share=share).exists()


def test_redirect_tampered_identity_cookie_is_counted(client):
    share = ShareFactory()
    client.cookies["ambassador_person"] = f"{share.user_id}:1abcde:forgedsignature"
    response = _get(client, f"/r/{share.code}")
    clicks_flush()
    assert response.status_code == 302
    assert ShareDailyClicks.objects.get(share=share).clicks == 1


def test_redirect_signed_in_visitor_gets_no_vary_cookie(client, personas):
    share = ShareFactory(user=personas.employee_b)
    client.force_login(personas.employee)
    response = _get(client, f"/r/{share.code}")
    assert "Cookie" not in response.get("Vary", "")


def test_redirect_stale_session_cookie_sets_no_cookie(client, settings):
    share = ShareFactory()
    client.cookies[settings.SESSION_COOKIE_NAME] = "stalesessionkeythatisnotstored0"
    response = _get(client, f"/r/{share.code}")
    assert response.status_code == 302
    assert not response.cookies
    assert "Set-Cookie" not in str(response.serialize_headers())


def test_redirect_stale_session_cookie_on_unknown_code_sets_no_cookie(client, settings):
    client.cookies[settings.SESSION_COOKIE_NAME] = "stalesessionkeythatisnotstored0"
    response = _get(client, "/r/doesNotExist1")
    assert response.status_code == 404
    assert not response.cookies


def test_redirect_signed_in_visitor_keeps_their_session(client, personas):
    share = ShareFactory(user=personas.employee_b)
    client.force_login(personas.employee)
    _get(client, f"/r/{share.code}")
    assert client.get(reverse("posts:my_shares")).status_code == 200


def test_other_pages_still_apply_the_saved_language(client, personas):
    personas.employee.language = "nb"
    personas.employee.save()
    client.force_login(personas.employee)
    response = client.get(reverse("posts:my_shares"))
    assert response.context["LANGUAGE_CODE"] == "nb"


def test_redirect_unknown_and_limited_codes_log_no_address(client, settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.TRACKED_LINK_GUESS_LIMIT = 1
    address = "198.51.100.99"
    statuses = [_get(client, f"/r/guess{n:06d}", REMOTE_ADDR=address).status_code for n in range(3)]
    assert statuses == [404, 429, 429]
    assert "/r/guess000000" in caplog.text
    assert address not in caplog.text


def test_redirect_unknown_code_page_in_visitors_language(client):
    response = client.get("/r/doesNotExist9", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 404
    assert "Denne lenken finnes ikke" in response.content.decode()


def test_redirect_unknown_code_page_has_its_own_strict_policy(client):
    response = client.get("/r/doesNotExist8")
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_redirect_answered_before_session_and_locale_middleware(client):
    share = ShareFactory()
    response = client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 302
    # Neither LocaleMiddleware (Vary: Accept-Language, Content-Language) nor the session
    # middleware (Vary: Cookie) saw this request.
    assert "Vary" not in response
    assert "Content-Language" not in response
