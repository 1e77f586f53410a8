"""/r/<code> answered by the WSGI callable in front of Django (posts.tracked_links.wsgi).

Every case is sent as a real WSGI environ both to the project's WSGI application
(``ambassador.wsgi``: the fast path) and to Django's own handler (the middleware path the
fast path replaces), and the two answers must be the same: status, headers and body.
"""

from dataclasses import dataclass

import pytest
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory, override_settings

from accounts.identity_cookie import identity_cookie_value
from ambassador.wsgi import application as project_application
from ambassador.wsgi import with_fast_paths
from posts.models import Click, ShareDailyClicks
from posts.services.clicks import clicks_flush
from posts.tracked_links.wsgi import TrackedLinkApplication
from tests.posts.factories import BROWSER_UA, ShareFactory

pytestmark = pytest.mark.django_db

COOKIE = "ambassador_person"


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Both handlers close old database connections around a request; inside a test's
    transaction that would close the test's own connection (Django's test client
    disconnects the same receiver while it runs a request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: bytes


def _environ(path: str, method: str = "GET", **headers) -> dict:
    environ = RequestFactory().generic(method, path, **headers).environ
    environ.setdefault("REMOTE_ADDR", "203.0.113.9")
    return environ


def _call(app, path: str, method: str = "GET", **headers) -> Answer:
    return _run(app, _environ(path, method, **headers))


def _run(app, environ: dict) -> Answer:
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = response_headers

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return Answer(
        status=seen["status"],
        headers={k: v for k, v in seen["headers"] if k != "Set-Cookie"},
        set_cookies=[v for k, v in seen["headers"] if k == "Set-Cookie"],
        body=body,
    )


def _both(path: str, method: str = "GET", **headers) -> tuple[Answer, Answer]:
    """(fast path, Django path) for the same request."""
    return _call(project_application, path, method, **headers), _call(
        WSGIHandler(), path, method, **headers
    )


class _Fallback:
    """Stands in for Django behind the fast path and records what reached it."""

    def __init__(self):
        self.paths = []
        self.django = WSGIHandler()

    def __call__(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        return self.django(environ, start_response)


@pytest.fixture
def fallback():
    return _Fallback()


@pytest.fixture
def fast(fallback):
    """The project's dispatch (ambassador.wsgi) around a recording Django."""
    return with_fast_paths(fallback)


def _totals(share) -> tuple[int, int]:
    clicks_flush()
    rows = ShareDailyClicks.objects.filter(share=share)
    return sum(r.clicks for r in rows), sum(r.unique_visitors for r in rows)


def _destination(share) -> str:
    return (
        f"{share.item.url}?utm_source=linkedin&utm_medium=ambassador"
        f"&utm_campaign={share.item.slug}&utm_content={share.pk}"
    )


# --- The redirect -------------------------------------------------------------------------


def test_fast_path_known_code_answers_as_django_does():
    share = ShareFactory(item__url="https://www.example.com/news/launch", item__slug="launch")
    fast, django = _both(f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")
    assert fast == django
    assert fast.status == 302
    assert fast.headers["Location"] == _destination(share)
    assert fast.headers["Cache-Control"] == "no-store"
    assert fast.headers["Referrer-Policy"] == "no-referrer"
    assert fast.set_cookies == []
    assert "Vary" not in fast.headers


def test_fast_path_known_code_never_reaches_django(fast, fallback, monkeypatch):
    share = ShareFactory()
    built = []
    original = WSGIRequest.__init__

    def counting_init(self, environ):
        built.append(environ["PATH_INFO"])
        original(self, environ)

    environ = _environ(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    monkeypatch.setattr(WSGIRequest, "__init__", counting_init)
    answer = _run(fast, environ)
    assert (answer.status, answer.headers["Location"]) == (302, _destination(share))
    assert fallback.paths == []
    assert built == []


def test_fast_path_human_click_is_counted(fast):
    share = ShareFactory()
    _call(fast, f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)  # resolves from the database
    _call(fast, f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)  # from the cache
    assert _totals(share) == (2, 1)


def test_fast_path_keeps_query_string_and_ignores_destination_in_query(fast):
    share = ShareFactory(item__url="https://www.example.com/p?id=7#top")
    answer = _call(fast, f"/r/{share.code}?next=https://evil.example/", HTTP_USER_AGENT=BROWSER_UA)
    assert answer.headers["Location"].startswith("https://www.example.com/p?id=7&utm_source=")
    assert answer.headers["Location"].endswith("#top")
    assert "evil" not in answer.headers["Location"]


def test_fast_path_non_ascii_destination_is_encoded_as_django_does():
    share = ShareFactory(item__url="https://www.example.com/nyheter/blåbær")
    fast, django = _both(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert fast == django
    assert fast.headers["Location"].startswith("https://www.example.com/nyheter/bl%C3%A5b%C3%A6r?")


@pytest.mark.parametrize(
    "agent", ["Twitterbot/1.0", "LinkedInBot/1.0 (compatible; Mozilla/5.0)", "curl/8.5.0", ""]
)
def test_fast_path_bot_is_redirected_not_counted(fast, agent):
    share = ShareFactory()
    assert _call(fast, f"/r/{share.code}", HTTP_USER_AGENT=agent).status == 302
    assert _totals(share) == (0, 0)


def test_fast_path_head_is_redirected_not_counted(fast):
    share = ShareFactory()
    answer = _call(fast, f"/r/{share.code}", "HEAD", HTTP_USER_AGENT=BROWSER_UA)
    assert (answer.status, answer.headers["Location"]) == (302, _destination(share))
    assert _totals(share) == (0, 0)


@pytest.mark.parametrize(
    "header",
    [{"HTTP_SEC_PURPOSE": "prefetch"}, {"HTTP_PURPOSE": "prefetch"}, {"HTTP_X_MOZ": "prefetch"}],
)
def test_fast_path_prefetch_is_redirected_not_counted(fast, header):
    share = ShareFactory()
    assert _call(fast, f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, **header).status == 302
    assert _totals(share) == (0, 0)


# --- Who clicks: the identity cookie ------------------------------------------------------


def _with_cookie(value: str) -> dict:
    return {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_COOKIE": f"{COOKIE}={value}"}


def test_fast_path_sharer_with_identity_cookie_is_not_counted(
    fast, fallback, django_assert_num_queries
):
    share = ShareFactory()
    _call(fast, f"/r/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")  # caches the link
    with django_assert_num_queries(0):
        answer = _call(
            fast, f"/r/{share.code}", **_with_cookie(identity_cookie_value(user_id=share.user_id))
        )
    assert (answer.status, answer.set_cookies) == (302, [])
    assert fallback.paths == []
    assert _totals(share) == (0, 0)


def test_fast_path_other_persons_identity_cookie_is_counted(fast, personas):
    share = ShareFactory(user=personas.employee)
    _call(
        fast,
        f"/r/{share.code}",
        **_with_cookie(identity_cookie_value(user_id=personas.employee_b.pk)),
    )
    assert _totals(share) == (1, 1)


@pytest.mark.parametrize("tamper", ["swap_id", "bad_signature", "garbage"])
def test_fast_path_tampered_identity_cookie_counts_as_a_visitor(fast, fallback, tamper):
    share = ShareFactory()
    value = identity_cookie_value(user_id=share.user_id)
    forged = {
        "swap_id": f"{share.user_id + 1}{value[len(str(share.user_id)) :]}",
        "bad_signature": value[:-2] + ("AA" if not value.endswith("AA") else "BB"),
        "garbage": "not-a-signed-value",
    }[tamper]
    answer = _call(fast, f"/r/{share.code}", **_with_cookie(forged))
    assert answer.status == 302
    assert fallback.paths == []
    assert _totals(share) == (1, 1)


def test_fast_path_session_without_identity_cookie_goes_to_django(fast, fallback, client):
    share = ShareFactory()
    client.force_login(share.user)
    session = client.cookies["sessionid"].value
    answer = _call(
        fast, f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, HTTP_COOKIE=f"sessionid={session}"
    )
    assert (answer.status, answer.headers["Location"], answer.set_cookies) == (
        302,
        _destination(share),
        [],
    )
    assert fallback.paths == [f"/r/{share.code}"]
    assert _totals(share) == (0, 0)  # Django read the session: the sharer's own click


# --- Unknown codes and the guess limiter --------------------------------------------------


def test_fast_path_unknown_code_answers_as_django_does():
    fast, django = _both("/r/doesNotExist1", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="198.51.100.1")
    assert fast == django
    assert fast.status == 404
    assert fast.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in fast.headers["Content-Security-Policy"]
    assert fast.set_cookies == []


def test_fast_path_unknown_code_page_in_visitors_language(fast):
    answer = _call(fast, "/r/doesNotExist9", HTTP_ACCEPT_LANGUAGE="nb")
    assert answer.status == 404
    assert "Denne lenken finnes ikke" in answer.body.decode()


def test_fast_path_guessing_codes_gets_429_after_limit(fast, settings):
    settings.TRACKED_LINK_GUESS_LIMIT = 3
    answers = [_call(fast, f"/r/guess{n:06d}") for n in range(5)]
    assert [a.status for a in answers] == [404, 404, 404, 429, 429]
    assert answers[-1].headers["Retry-After"] == str(settings.TRACKED_LINK_GUESS_WINDOW_SECONDS)
    assert answers[-1].headers["Cache-Control"] == "no-store"


def test_fast_path_429_answers_as_django_does(settings):
    settings.TRACKED_LINK_GUESS_LIMIT = 0
    fast, django = _both("/r/guess000001", HTTP_ACCEPT_LANGUAGE="nb", REMOTE_ADDR="198.51.100.2")
    assert fast == django
    assert fast.status == 429


# --- Redis down ---------------------------------------------------------------------------


def test_fast_path_redis_down_still_redirects_and_stores_the_click(fast):
    share = ShareFactory()
    down = "redis://127.0.0.1:1/0"
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": down}
    }
    with override_settings(REDIS_URL=down, CACHES=caches):
        answer = _call(fast, f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert (answer.status, answer.headers["Location"]) == (302, _destination(share))
    assert Click.objects.filter(share=share).count() == 1


# --- What goes on to Django ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "status"),
    [
        ("POST", "", 405),
        ("GET", "/", 404),
        ("GET", "/https://evil.example", 404),
        ("GET", "@evil.example", 404),
    ],
)
def test_fast_path_hands_other_requests_to_django(fast, fallback, method, suffix, status):
    share = ShareFactory()
    path = f"/r/{share.code}{suffix}"
    answer = _call(fast, path, method, HTTP_USER_AGENT=BROWSER_UA)
    assert (answer.status, fallback.paths) == (status, [path])
    assert _totals(share) == (0, 0)


def test_fast_path_short_code_goes_to_django(fast, fallback):
    answer = _call(fast, "/r/abc", HTTP_USER_AGENT=BROWSER_UA)
    assert (answer.status, fallback.paths) == (404, ["/r/abc"])


def test_fast_path_plain_http_with_ssl_redirect_goes_to_django():
    share = ShareFactory()
    with override_settings(SECURE_SSL_REDIRECT=True):
        fallback = _Fallback()  # Django reads the setting as it builds its middleware
        app = TrackedLinkApplication(fallback=fallback)
        answer = _call(app, f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA)
    assert answer.status == 301
    assert answer.headers["Location"] == f"https://testserver/r/{share.code}"
    assert fallback.paths == [f"/r/{share.code}"]


def test_fast_path_over_https_sends_hsts_as_django_does(settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    share = ShareFactory()
    fast = _call(
        TrackedLinkApplication(fallback=WSGIHandler()),
        f"/r/{share.code}",
        HTTP_USER_AGENT=BROWSER_UA,
        HTTP_X_FORWARDED_PROTO="https",
    )
    django = _call(
        WSGIHandler(),
        f"/r/{share.code}",
        HTTP_USER_AGENT=BROWSER_UA,
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert fast == django
    assert fast.headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


def test_project_application_sends_other_paths_to_django():
    answer = _call(project_application, "/healthz")
    assert answer.status == 200


def test_fast_path_switched_off_is_django_alone(settings, fallback):
    settings.TRACKED_LINK_WSGI_APP = ""
    assert with_fast_paths(fallback) is fallback
