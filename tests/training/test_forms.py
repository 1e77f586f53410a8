"""Bad input in the training app's forms: a clear, translated error and nothing saved,
never a server error."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation

from tests.training.factories import GuidelineVersionFactory, ModuleFactory, quiz_module
from training.models import GuidelineVersion, Module, Question

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
MODULE = {"title_en": "Rules", "position": "1", "audience": "EVERYONE", "pass_mark": "80"}
GUIDELINES = {"body_en": "# Rules", "change_summary_en": "First rules"}


def _post_module(client, personas, **changes):
    client.force_login(personas.admin)
    return client.post(reverse("training:manage_module_new"), {**MODULE, **changes})


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_module_due_date_outside_the_calendar_is_refused(client, personas, value):
    response = _post_module(client, personas, due_date=value)
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"] == [
        "Enter a date between 1900-01-01 and 2999-12-31."
    ]
    assert Module.objects.count() == 0


def test_module_due_date_error_is_in_norwegian(client, personas):
    personas.admin.language = "nb"
    personas.admin.save()
    with translation.override("nb"):
        response = _post_module(client, personas, due_date="0001-01-01")
        assert response.context["form"].errors["due_date"] == [
            "Skriv en dato mellom 1900-01-01 og 2999-12-31."
        ]
    assert "Skriv en dato mellom 1900-01-01 og 2999-12-31." in response.content.decode()


def test_module_ordinary_due_date_is_saved(client, personas):
    response = _post_module(client, personas, due_date="2027-01-31")
    assert response.status_code == 302
    assert str(Module.objects.get().due_date) == "2027-01-31"


@pytest.mark.parametrize("value", ["3651", "2147483647"])
def test_module_due_days_beyond_ten_years_is_refused(client, personas, value):
    response = _post_module(client, personas, due_days_after_joining=value)
    assert response.context["form"].errors["due_days_after_joining"] == [
        "Give at most 3650 days after joining."
    ]
    assert Module.objects.count() == 0


def test_module_due_days_of_ten_years_is_saved_and_the_list_opens(client, personas):
    _post_module(client, personas, due_days_after_joining="3650", is_published="on")
    client.force_login(personas.employee)
    response = client.get(reverse("training:modules"))
    assert response.status_code == 200
    assert [m.title for m in response.context["modules"]] == ["Rules"]


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "-1", "0"])
def test_module_teams_with_an_impossible_id_is_refused(client, personas, value):
    response = _post_module(client, personas, teams=[str(personas.team_a.pk), value])
    assert response.status_code == 200
    assert response.context["form"].errors["teams"] == [
        f"Select a valid choice. {value} is not one of the available choices."
    ]
    assert Module.objects.count() == 0


def test_module_title_with_nul_is_refused(client, personas):
    response = _post_module(client, personas, title_en="Ru\x00les")
    assert response.context["form"].errors["title_en"] == ["Null characters are not allowed."]
    assert Module.objects.count() == 0


def test_module_summary_of_100000_characters_is_refused(client, personas):
    response = _post_module(client, personas, summary_en="x" * 100_000)
    assert response.context["form"].errors["summary_en"] == [
        "Ensure this value has at most 50000 characters (it has 100000)."
    ]
    assert Module.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        (
            "body_en",
            "x" * 100_000,
            "Ensure this value has at most 50000 characters (it has 100000).",
        ),
        (
            "body_nb",
            "x" * 100_000,
            "Ensure this value has at most 50000 characters (it has 100000).",
        ),
        ("body_en", "Rules\x00", "Null characters are not allowed."),
        ("change_summary_en", "New\x00", "Null characters are not allowed."),
    ],
)
def test_guidelines_hostile_text_is_refused(client, personas, field, value, error):
    client.force_login(personas.admin)
    response = client.post(reverse("training:manage_guidelines"), {**GUIDELINES, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [error]
    assert GuidelineVersion.objects.count() == 0


def test_mission_of_100000_characters_is_refused(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("training:manage_mission"), {"mission_en": "x" * 100_000})
    assert response.context["form"].errors["mission_en"] == [
        "Ensure this value has at most 50000 characters (it has 100000)."
    ]


@pytest.mark.parametrize("value", [HUGE, "2147483648"])
def test_question_position_beyond_the_column_is_refused(client, personas, value):
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_question_new", args=[module.pk]),
        {"text_en": "Which?", "kind": "SINGLE", "position": value, "answers_en": "*a\nb"},
    )
    assert response.context["form"].errors["position"] == [
        "Ensure this value is less than or equal to 2147483647."
    ]
    assert Question.objects.count() == 0


# --- Every form, every field, hostile values -------------------------------------------------

HOSTILE = [
    HUGE,
    "-" + HUGE,
    "-1",
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "http://[::1",
    "https://[x]/",
    "javascript:alert(1)",
    "",
]


def _forms(module: Module, team) -> dict[str, tuple[str, str, dict]]:
    """name → (method, url, valid data) of every form in the training app."""
    single, multiple = module.questions.order_by("position")
    return {
        "mission": ("post", reverse("training:manage_mission"), {"mission_en": "Why"}),
        "caption rules": (
            "post",
            reverse("training:manage_caption_rules"),
            {"disclosure_en": "#e", "forbidden_phrases": "x", "max_hashtags": "2"},
        ),
        "settings": ("post", reverse("training:manage_settings"), {"sharing_gate_enabled": "on"}),
        "guidelines": ("post", reverse("training:manage_guidelines"), GUIDELINES),
        "module": (
            "post",
            reverse("training:manage_module", args=[module.pk]),
            {**MODULE, "due_date": "2027-01-31", "max_attempts": "3", "teams": str(team.pk)},
        ),
        "lesson": (
            "post",
            reverse("training:manage_lesson_new", args=[module.pk]),
            {"title_en": "L", "position": "7", "body_en": "x", "video_url": "https://v.example/1"},
        ),
        "question": (
            "post",
            reverse("training:manage_question_new", args=[module.pk]),
            {"text_en": "Which?", "kind": "SINGLE", "position": "9", "answers_en": "*a\nb"},
        ),
        "caption check": (
            "post",
            reverse("training:caption_check"),
            {"network": "X", "caption": "Hello"},
        ),
        "acknowledge": ("post", reverse("training:guidelines_acknowledge"), {"version": "1"}),
        "quiz": (
            "post",
            reverse("training:quiz", args=[module.pk]),
            {
                f"question-{single.pk}": str(single.answers.first().pk),
                f"question-{multiple.pk}": str(multiple.answers.first().pk),
            },
        ),
        "compare": ("get", reverse("training:guideline_diff"), {"old": "1", "new": "1"}),
        "verify": ("get", reverse("training:verify_form"), {"code": "ABCD-EFGH-JKMN"}),
    }


FORM_NAMES = [
    "mission", "caption rules", "settings", "guidelines", "module", "lesson", "question",
    "caption check", "acknowledge", "quiz", "compare", "verify",
]  # fmt: skip


@pytest.mark.parametrize("name", FORM_NAMES)
def test_every_training_form_answers_hostile_values_without_a_server_error(client, personas, name):
    module = quiz_module(max_attempts=None)
    GuidelineVersionFactory(number=1)
    method, url, data = _forms(module, personas.team_a)[name]
    client.force_login(personas.admin)
    send = getattr(client, method)
    for field in data:
        for value in HOSTILE:
            response = send(url, {**data, field: value})
            assert response.status_code in (200, 302, 400, 404), (field, value[:20])
        if method == "post":  # bytes that are not UTF-8
            body = urlencode({**data, field: "BROKEN"}).replace("BROKEN", "%FF%FE%00")
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code in (200, 302, 400), (field, "broken encoding")
