"""Every form of the app, found by walking the URLconf, answers hostile values without a
server error.

The walker GETs every page of the URLconf as each persona who may see it (with objects made
so that detail pages resolve), parses every ``<form>`` on it, and submits each hostile value
into each field in turn, the other fields keeping the values the page offered. Each request
runs in a savepoint that is rolled back, so a destructive form (deactivate, delete, log out)
leaves the next request the same data to work on. The test fails if discovery breaks: it
asserts how many distinct form actions it found and submitted.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import TeamWebhook
from accounts.notifications.links import unsubscribe_token
from ambassador.networks import Network
from posts.models import ContentStatus, MetricRate
from tests.accounts.factories import AllowedDomainFactory, InvitationFactory
from tests.factories import PASSWORD, SocialProfileFactory
from tests.posts.factories import CaptionFactory, CommentFactory, ContentItemFactory, ShareFactory
from tests.training.factories import CompletionFactory, GuidelineVersionFactory, quiz_module

pytestmark = pytest.mark.django_db

HOSTILE = [
    "99999999999999999999",
    "-1",
    "http://[::1",
    "https://[x]/",
    "javascript:alert(1)",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-02-30",
    "a\x00b",
    "x" * 100_000,
]
# Bytes that are not UTF-8, and a lone surrogate as a careless encoder writes it (CESU-8).
BROKEN_BYTES = b"\xff\xfe\xed\xa0\x80\x00"
GARBAGE_FILE = b"\x89PNG\r\n\x1a\n\x00\xff\xfe" + b"\x00garbage" * 64
BOUNDARY = "hostileboundary"

# Distinct form actions the walker must find and submit: counted on the app as it is, so a
# change that breaks discovery (a page that no longer renders, a parser that finds nothing)
# fails here rather than passing quietly.
MIN_FORM_ACTIONS = 70  # 78 when written

SKIPPED_PREFIXES = (
    "django-admin/",  # Django's own admin: its forms are Django's, not ours
    "jsi18n/",
    "media/",
    "healthz",
    "r/",  # the tracked link has no form
)


# --- The HTML side: forms and their fields ---------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, default) in order
    files: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)


class FormParser(HTMLParser):
    """Every ``<form>`` with its inputs, selects and textareas, and the value each offers."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, options, selected
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(
                action=a.get("action") or self.page_url,
                method=(a.get("method") or "get").lower(),
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if kind == "submit" and name:
                    form.kinds.setdefault(name, "submit")
                    if a.get("value") and (name, a["value"]) not in form.fields:
                        form.fields.append((name, a["value"]))
                return
            if kind == "file":
                form.files.append(name)
                return
            if kind in ("checkbox", "radio"):
                form.kinds[name] = kind
                checked = "checked" in a
                if checked or (kind == "radio" and name not in dict(form.fields)):
                    form.fields.append((name, a.get("value", "on")))
                return
            form.kinds[name] = kind
            form.fields.append((name, a.get("value", "")))
        elif tag == "select":
            self._select = (name, [], [])
            form.kinds[name] = "select-multiple" if "multiple" in a else "select"
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[1].append(value)
            if "selected" in a:
                self._select[2].append(value)
        elif tag == "textarea":
            self._textarea = name
            self._text = []
            form.kinds[name] = "textarea"
        elif tag == "button" and a.get("type", "submit") == "submit" and a.get("value"):
            form.kinds.setdefault(name, "submit")
            if (name, a["value"]) not in form.fields:
                form.fields.append((name, a["value"]))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            chosen = selected or [next((o for o in options if o), "")]
            for value in chosen if self._form.kinds[name] == "select-multiple" else chosen[:1]:
                self._form.fields.append((name, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


# --- The URL side: every page of the URLconf, with arguments that resolve --------------------


def _patterns(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), namespace + pattern.name


@dataclass
class World:
    """The objects the pages need, and the arguments of every route that takes some."""

    kwargs: dict[str, dict]
    extra_pages: list[str]  # pages of a route already listed, shown for other objects


def _world(personas) -> World:
    item = ContentItemFactory(title="Hostile item", created_by=personas.admin)
    CaptionFactory(item=item, network=Network.LINKEDIN, language="en", text="Read this")
    CaptionFactory(item=item, network=Network.X, language="en", text="Read this on X")
    draft = ContentItemFactory(
        title="Team A draft",
        status=ContentStatus.DRAFT,
        created_by=personas.manager_a,
        target_teams=[personas.team_a],
    )
    suggestion = ContentItemFactory(
        title="A suggestion",
        status=ContentStatus.IN_REVIEW,
        created_by=personas.employee,
        suggested_by=personas.employee,
        target_teams=[personas.team_a],
    )
    comment = CommentFactory(item=item, author=personas.employee)
    share = ShareFactory(user=personas.employee, item=item)
    module = quiz_module(is_published=True)
    lesson = module.lessons.first()
    question = module.questions.first()
    GuidelineVersionFactory(number=1)
    GuidelineVersionFactory(number=2)
    completion = CompletionFactory(user=personas.employee, module=module)
    invitation = InvitationFactory(invited_by=personas.admin)
    domain = AllowedDomainFactory()
    profile = SocialProfileFactory(user=personas.employee)
    webhook = TeamWebhook.objects.create(
        team=personas.team_a,
        service=TeamWebhook.Service.SLACK,
        url="http://127.0.0.1:9/hook",
        url_hint="127.0.0.1",
    )
    rate = MetricRate.objects.create(
        network=Network.LINKEDIN, currency="NOK", cpm=100, cpc=5, effective_date="2026-01-01"
    )
    employee_pk = {"pk": personas.employee.pk}
    kwargs = {
        "accounts:person_detail": employee_pk,
        "accounts:person_deactivate": employee_pk,
        "accounts:person_reactivate": employee_pk,
        "accounts:person_set_admin": employee_pk,
        "accounts:person_set_company_curator": employee_pk,
        "accounts:person_membership_set": employee_pk,
        "accounts:person_membership_remove": {
            "pk": personas.employee.pk,
            "team_pk": personas.team_a.pk,
        },
        "accounts:invitation_revoke": {"pk": invitation.pk},
        "accounts:invitation_accept": {"token": invitation.token},
        "accounts:domain_remove": {"pk": domain.pk},
        "accounts:team_detail": {"pk": personas.team_a.pk},
        "accounts:team_edit": {"pk": personas.team_a.pk},
        "accounts:social_profile_delete": {"pk": profile.pk},
        "accounts:connection_start": {"network": "mastodon"},
        "accounts:connection_callback": {"network": "mastodon"},
        "accounts:connection_disconnect": {"network": "mastodon"},
        "accounts:unsubscribe": {
            "token": unsubscribe_token(user_id=personas.employee.pk, kind="DIGEST")
        },
        "accounts:reminders_preview": {"kind": "DIGEST", "language": "en"},
        "accounts:webhook_remove": {"pk": webhook.pk},
        "accounts:webhook_test": {"pk": webhook.pk},
        "posts:item_detail": {"pk": item.pk},
        "posts:item_edit": {"pk": item.pk},
        "posts:item_preview": {"pk": item.pk},
        "posts:item_submit": {"pk": draft.pk},
        "posts:item_approve": {"pk": suggestion.pk},
        "posts:item_reject": {"pk": suggestion.pk},
        "posts:item_request_changes": {"pk": suggestion.pk},
        "posts:item_archive": {"pk": item.pk},
        "posts:item_announce": {"pk": item.pk},
        "posts:suggestion_edit": {"pk": suggestion.pk},
        "posts:comment_create": {"pk": item.pk},
        "posts:comment_edit": {"pk": comment.pk},
        "posts:comment_remove": {"pk": comment.pk},
        "posts:share": {"pk": item.pk},
        "posts:share_submit": {"pk": item.pk},
        "posts:share_check": {"pk": item.pk},
        "posts:share_done": {"pk": share.pk},
        "training:guideline_version": {"number": 1},
        "training:module": {"pk": module.pk},
        "training:lesson": {"pk": module.pk, "lesson_pk": lesson.pk},
        "training:lesson_read": {"pk": module.pk, "lesson_pk": lesson.pk},
        "training:quiz": {"pk": module.pk},
        "training:certificate": {"code": completion.code},
        "training:verify": {"code": completion.code},
        "training:team_detail": {"pk": personas.team_a.pk},
        "training:manage_module": {"pk": module.pk},
        "training:manage_module_stats": {"pk": module.pk},
        "training:manage_lesson_new": {"module_pk": module.pk},
        "training:manage_lesson": {"module_pk": module.pk, "pk": lesson.pk},
        "training:manage_question_new": {"module_pk": module.pk},
        "training:manage_question": {"module_pk": module.pk, "pk": question.pk},
        "training:manage_question_delete": {"module_pk": module.pk, "pk": question.pk},
        "metrics:export": {"table": "teams"},
        "metrics:me_export": {"table": "shares"},
        "metrics:person": employee_pk,
        "metrics:rate_delete": {"pk": rate.pk},
    }
    extra_pages = [
        reverse("posts:item_detail", kwargs={"pk": draft.pk}),
        reverse("posts:item_detail", kwargs={"pk": suggestion.pk}),
        reverse("posts:item_edit", kwargs={"pk": suggestion.pk}),
    ]
    return World(kwargs=kwargs, extra_pages=extra_pages)


def _page_urls(world: World) -> list[str]:
    urls = []
    for route, name in _patterns(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if "<" not in route:
            urls.append(reverse(name))
        elif name in world.kwargs:
            urls.append(reverse(name, kwargs=world.kwargs[name]))
    return sorted({*urls, *world.extra_pages})


# --- Sending -------------------------------------------------------------------------------


def _multipart(pairs: list[tuple[str, bytes]], files: dict[str, bytes]) -> bytes:
    parts = []
    for name, value in pairs:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
        )
    for name, content in files.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="upload.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


class Walker:
    def __init__(self, client: Client, user):
        self.client = client
        self.user = user
        self.failures: list[str] = []
        self.requests = 0

    def _login(self):
        """Signed in (and recently re-authenticated, for the pages that ask) as the persona;
        a form that logged out is followed by a fresh sign-in. ``None`` stays anonymous."""
        if self.user is None or "_auth_user_id" in self.client.session:
            return
        self.client.force_login(self.user)
        self.client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    def send(self, verb: str, url: str, label: str, **kwargs):
        """One request in a savepoint rolled back afterwards: every request sees the same data."""
        self._login()
        self.requests += 1
        with transaction.atomic():
            response = getattr(self.client, verb)(url, **kwargs)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {verb.upper()} {url} {label}")
        return response

    def submit_all(self, form: Form) -> None:
        url = form.action
        names = list(dict.fromkeys([name for name, _ in form.fields] + form.files))
        targets = [n for n in names if n != "csrfmiddlewaretoken" and form.kinds.get(n) != "submit"]
        fixed = [(n, v) for n, v in form.fields if n not in targets]
        texts = [n for n in targets if n not in form.files]
        uploads = [n for n in targets if n in form.files]
        # Each hostile value in every field at once: a form cleans each field on its own, so
        # one request tries the value on all of them.
        for value in HOSTILE:
            label = f"all fields={value[:24]!r}"
            pairs = [*fixed, *((n, value) for n in texts)]
            if form.method == "post":
                data = _as_dict(pairs)
                for name in uploads:
                    data[name] = _garbage_upload()
                self.send("post", url, label, data=data)
            else:
                self.send("get", f"{url}?{urlencode(pairs)}", label)
        # Then each field alone, the others at their defaults, so that its value reaches the
        # code that runs only when the rest of the form is valid.
        for target in targets:
            others = [(n, v) for n, v in form.fields if n != target]
            if target in form.files:
                data = {**_as_dict(others), target: _garbage_upload()}
                self.send("post", url, f"{target}=<garbage file>", data=data)
            elif form.method == "post":
                data = _as_dict([*others, (target, HOSTILE[0])])
                self.send("post", url, f"{target}={HOSTILE[0]!r}", data=data)
            else:
                query = urlencode([*others, (target, HOSTILE[0])])
                self.send("get", f"{url}?{query}", f"{target}={HOSTILE[0]!r}")
        self._broken_encodings(form, fixed, texts, uploads)

    def _broken_encodings(self, form: Form, fixed, texts, uploads) -> None:
        label = "all fields=<broken bytes>"
        broken_query = "&".join(f"{quote(n)}=%FF%FE%ED%A0%80%00" for n in texts)
        if form.method == "get":
            self.send("get", f"{form.action}?{urlencode(fixed)}&{broken_query}", label)
            return
        encoded = [(n, v.encode()) for n, v in fixed] + [(n, BROKEN_BYTES) for n in texts]
        files = dict.fromkeys(uploads, BROKEN_BYTES + b"," * 200_000 + b"\n")
        self.send(
            "post",
            form.action,
            label + " (multipart)",
            data=_multipart(encoded, files),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        )
        self.send(
            "post",
            form.action,
            label + " (urlencoded)",
            data=f"{urlencode(fixed)}&{broken_query}",
            content_type="application/x-www-form-urlencoded",
        )


def _garbage_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("upload.png", GARBAGE_FILE, content_type="image/png")


def _as_dict(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def _same_site(action: str) -> bool:
    parts = urlsplit(action)
    return not parts.netloc or parts.netloc == "testserver"


@pytest.fixture
def quiet_networks(settings):
    """Outgoing calls of the connect flows go to a closed local port, refused at once."""
    for name in (
        "BLUESKY_DEFAULT_SERVICE",
        "BLUESKY_PLC_DIRECTORY",
        "BLUESKY_PUBLIC_API_URL",
        "LINKEDIN_OAUTH_URL",
        "LINKEDIN_API_URL",
        "X_AUTHORIZE_URL",
        "X_API_URL",
    ):
        setattr(settings, name, "http://127.0.0.1:9")


def test_every_form_answers_hostile_values_without_a_server_error(personas, quiet_networks):
    world = _world(personas)
    pages = _page_urls(world)
    seen_actions: set[str] = set()
    submitted: set[str] = set()
    failures: list[str] = []
    requests = 0
    for user in (personas.admin, personas.manager_a, personas.employee, None):
        walker = Walker(Client(raise_request_exception=False), user)
        for page in pages:
            response = walker.send("get", page, f"as {user or 'anonymous'}")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser(page)
            parser.feed(response.content.decode())
            for form in parser.forms:
                if not _same_site(form.action):
                    continue
                action = re.sub(r"\?.*", "", urlsplit(form.action).path) + f" {form.method}"
                if action in seen_actions:
                    continue
                seen_actions.add(action)
                form.action = urlsplit(form.action).path or page
                walker.submit_all(form)
                submitted.add(action)
        failures += walker.failures
        requests += walker.requests
    post_actions = {a for a in submitted if a.endswith(" post")}
    if os.environ.get("HOSTILE_FORMS_REPORT"):
        print(
            f"{requests} requests; {len(post_actions)} post actions:", *sorted(submitted), sep="\n"
        )
        print(*failures, sep="\n")
    assert failures == [], f"{len(failures)} server errors in {requests} requests"
    assert len(post_actions) >= MIN_FORM_ACTIONS, sorted(submitted)
    assert requests >= MIN_FORM_ACTIONS * len(HOSTILE)
