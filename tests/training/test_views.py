import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image

from accounts.models import AuditEvent
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.training.factories import (
    CompletionFactory,
    GuidelineVersionFactory,
    LessonFactory,
    ModuleFactory,
    answers_for,
    quiz_module,
)
from training import services
from training.models import (
    GuidelineAcknowledgement,
    GuidelineVersion,
    LessonRead,
    Module,
    Programme,
    Question,
)

pytestmark = pytest.mark.django_db


# --- Programme page and the live caption check -----------------------------------------------


def test_programme_page_shows_mission_above_guidelines(client, personas, programme):
    GuidelineVersionFactory(number=1, body_en="## Be open")
    client.force_login(personas.employee)
    html = client.get(reverse("training:programme")).content.decode()
    assert html.index("We share what we are proud of.") < html.index("<h2>Be open</h2>")


def test_programme_page_in_norwegian_shows_norwegian_texts(client, personas, programme):
    GuidelineVersionFactory(number=1, body_en="## Be open", body_nb="## Vær åpen")
    personas.employee.language = "nb"
    personas.employee.save()
    client.force_login(personas.employee)
    with translation.override("nb"):
        html = client.get(reverse("training:programme"), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Vi deler det vi er stolte av." in html
    assert "<h2>Vær åpen</h2>" in html


def test_programme_page_without_content_explains_what_to_do(client, personas):
    client.force_login(personas.admin)
    html = client.get(reverse("training:programme")).content.decode()
    assert "No posting guidelines have been published yet." in html
    assert reverse("training:manage_guidelines") in html


def test_programme_page_logged_out_redirects_to_login(client):
    response = client.get(reverse("training:programme"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_caption_check_htmx_returns_partial_with_violations(client, personas, programme):
    client.force_login(personas.employee)
    response = client.post(
        reverse("training:caption_check"),
        {"network": "X", "caption": "This is confidential"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert '<li data-rule="FORBIDDEN">' in html
    assert "This is confidential\n\n#employee" in html


def test_caption_check_without_htmx_renders_full_page(client, personas, programme):
    client.force_login(personas.employee)
    response = client.post(reverse("training:caption_check"), {"network": "X", "caption": "Hi"})
    html = response.content.decode()
    assert "<html" in html
    assert "This caption follows the guidelines." in html


def test_caption_check_unknown_network_names_the_field(client, personas, programme):
    client.force_login(personas.employee)
    response = client.post(
        reverse("training:caption_check"),
        {"network": "MYSPACE", "caption": "Hi"},
        HTTP_HX_REQUEST="true",
    )
    assert "network" in response.context["check_form"].errors
    assert "Select a valid choice" in response.content.decode()


def test_caption_check_get_is_405(client, personas):
    client.force_login(personas.employee)
    assert client.get(reverse("training:caption_check")).status_code == 405


# --- Modules, lessons, certificates ----------------------------------------------------------


def test_modules_list_hides_managers_only_module_from_employee(client, personas):
    ModuleFactory(title="For all")
    ModuleFactory(title="Leading by example", audience=Module.Audience.MANAGERS)
    client.force_login(personas.employee)
    titles = [m.title for m in client.get(reverse("training:modules")).context["modules"]]
    assert titles == ["For all"]


def test_modules_list_shows_managers_only_module_to_manager(client, personas):
    ModuleFactory(title="Leading by example", audience=Module.Audience.MANAGERS)
    client.force_login(personas.manager_a)
    titles = [m.title for m in client.get(reverse("training:modules")).context["modules"]]
    assert titles == ["Leading by example"]


def test_modules_list_respects_team_targeting(client, personas):
    module = ModuleFactory(title="Team B only")
    module.teams.set([personas.team_b])
    client.force_login(personas.employee)
    assert list(client.get(reverse("training:modules")).context["modules"]) == []


def test_modules_list_separates_completed_with_progress(client, personas):
    done = ModuleFactory(title="Done")
    todo = ModuleFactory(title="Todo")
    first = LessonFactory(module=todo)
    LessonFactory(module=todo)
    LessonFactory(module=todo)
    services.lesson_mark_read(user=personas.employee, lesson=first)
    CompletionFactory(user=personas.employee, module=done)
    client.force_login(personas.employee)
    context = client.get(reverse("training:modules")).context
    assert [(m.title, m.percent) for m in context["modules"]] == [("Todo", 25)]
    assert [m.title for m in context["completed"]] == ["Done"]


def test_modules_list_query_count_is_constant(client, personas, django_assert_max_num_queries):
    for index in range(30):
        module = ModuleFactory(position=index)
        LessonFactory(module=module)
        if index % 2:
            CompletionFactory(user=personas.employee, module=module)
    client.force_login(personas.employee)
    with django_assert_max_num_queries(14):  # the same with 1 module as with 30
        response = client.get(reverse("training:modules"))
    assert len(response.context["modules"]) + len(response.context["completed"]) == 30


def test_lesson_get_does_not_mark_read(client, personas):
    lesson = LessonFactory()
    client.force_login(personas.employee)
    response = client.get(reverse("training:lesson", args=[lesson.module_id, lesson.pk]))
    assert response.status_code == 200
    assert LessonRead.objects.count() == 0


def test_lesson_read_post_marks_read_and_moves_on(client, personas):
    module = quiz_module()
    lesson = module.lessons.get()
    client.force_login(personas.employee)
    response = client.post(reverse("training:lesson_read", args=[module.pk, lesson.pk]))
    assert response.url == reverse("training:quiz", args=[module.pk])
    assert LessonRead.objects.filter(user=personas.employee, lesson=lesson).count() == 1


@pytest.mark.parametrize(
    ("payload", "shown"),
    [
        ('<img src=x onerror="alert(1)">', '<p><img src="x"></p>'),
        ("[click](javascript:alert(1))", '<p><a rel="noopener noreferrer nofollow">click</a></p>'),
        ("<svg><script>alert(1)</script></svg>", "<p></p>"),
        ('<iframe src="https://evil.example"></iframe>', ""),
        ('<p style="color:red">x</p>', "<p>x</p>"),
    ],
)
def test_lesson_markdown_payloads_are_inert(client, personas, payload, shown):
    lesson = LessonFactory(body=f"Read this.\n\n{payload}")
    client.force_login(personas.employee)
    response = client.get(reverse("training:lesson", args=[lesson.module_id, lesson.pk]))
    assert response.status_code == 200
    main = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert f"<p>Read this.</p>\n{shown}" in main
    for bad in ("onerror", "javascript:", "<script", "<iframe", "style=", "<svg", "alert(1)"):
        assert bad not in main.lower()


def test_certificate_owner_sees_it(client, personas):
    completion = CompletionFactory(user=personas.employee)
    client.force_login(personas.employee)
    response = client.get(reverse("training:certificate", args=[completion.code]))
    assert response.status_code == 200
    assert completion.code in response.content.decode()


def test_verify_is_public_and_shows_name_module_date(client, personas):
    completion = CompletionFactory(user=personas.employee, module=ModuleFactory(title="Rules"))
    response = client.get(reverse("training:verify", args=[completion.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid." in html
    assert "Employee A" in html and "Rules" in html


def test_verify_without_display_name_shows_neutral_name_and_no_email(client, db):
    user = UserFactory(email="hidden.person@example.com", display_name="")
    completion = CompletionFactory(user=user, module=ModuleFactory(title="Rules"))
    response = client.get(reverse("training:verify", args=[completion.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ambassador programme participant" in html
    assert "hidden.person" not in html and "@example.com" not in html


def test_verify_with_display_name_shows_no_email(client, personas):
    completion = CompletionFactory(user=personas.employee)
    html = client.get(reverse("training:verify", args=[completion.code])).content.decode()
    assert "Employee A" in html
    assert personas.employee.email not in html


def test_verify_form_accepts_lower_case_code(client, personas):
    completion = CompletionFactory(user=personas.employee)
    response = client.get(reverse("training:verify_form"), {"code": completion.code.lower()})
    assert response.context["completion"] == completion


def test_verify_unknown_code_is_404_with_explanation(client, db):
    response = client.get(reverse("training:verify", args=["NOPE-NOPE-NOPE"]))
    assert response.status_code == 404
    assert "No certificate has this code." in response.content.decode()


# --- Managers: team status -------------------------------------------------------------------


def test_team_status_shows_only_managed_teams_with_figures(client, personas):
    GuidelineVersionFactory(number=1)
    services.guidelines_acknowledge(user=personas.employee)
    module = ModuleFactory(title="Rules")
    CompletionFactory(user=personas.employee, module=module)
    client.force_login(personas.manager_a)
    statuses = client.get(reverse("training:team_status")).context["statuses"]
    assert [
        (s.team.name, s.members, s.acknowledged, s.completions[module.pk]) for s in statuses
    ] == [("Team A", 2, 1, 1)]


def test_team_status_employee_is_forbidden(client, personas):
    client.force_login(personas.employee)
    assert client.get(reverse("training:team_status")).status_code == 403


def test_team_status_admin_sees_every_team(client, personas):
    client.force_login(personas.admin)
    statuses = client.get(reverse("training:team_status")).context["statuses"]
    assert [s.team.name for s in statuses] == ["Team A", "Team B"]


def _grow_team_tree(parent, *, teams: int, modules: int) -> None:
    """Sub-teams of ``parent`` (one level, so the tree's depth stays the same) and published
    modules, each team with a member who completed a module and acknowledged."""
    current = GuidelineVersion.objects.current()
    for _ in range(teams):
        person = UserFactory()
        MembershipFactory(team=TeamFactory(parent=parent), user=person)
        services.guidelines_acknowledge(user=person, version_id=current.pk)
    for _ in range(modules):
        CompletionFactory(module=ModuleFactory(), user=parent.memberships.first().user)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["admin", "manager_a"])
def test_team_status_query_count_does_not_grow_with_teams_or_modules(client, personas, who):
    GuidelineVersionFactory(number=1)
    _grow_team_tree(personas.team_a, teams=1, modules=2)  # 2 teams and 2 modules for a manager
    client.force_login(getattr(personas, who))
    url = reverse("training:team_status")
    small = _queries(client, url)
    _grow_team_tree(personas.team_a, teams=8, modules=6)  # 10 teams and 8 modules
    large = _queries(client, url)
    response = client.get(url)
    assert len(response.context["statuses"]) == (11 if who == "admin" else 10)
    assert len(response.context["modules"]) == 8
    assert large == small


@pytest.mark.parametrize("who", ["admin", "manager_a"])
def test_team_detail_query_count_does_not_grow_with_teams_or_modules(client, personas, who):
    GuidelineVersionFactory(number=1)
    _grow_team_tree(personas.team_a, teams=1, modules=2)
    client.force_login(getattr(personas, who))
    url = reverse("training:team_detail", args=[personas.team_a.pk])
    small = _queries(client, url)
    _grow_team_tree(personas.team_a, teams=8, modules=6)
    large = _queries(client, url)
    assert len(client.get(url).context["module_rows"]) == 8
    assert large == small


def test_team_status_counts_sub_teams_of_a_managed_team(client, personas):
    GuidelineVersionFactory(number=1)
    child = TeamFactory(name="Team A child", parent=personas.team_a)
    MembershipFactory(team=child, user=UserFactory())
    client.force_login(personas.manager_a)
    statuses = client.get(reverse("training:team_status")).context["statuses"]
    assert [(s.team.name, s.members) for s in statuses] == [("Team A", 2), ("Team A child", 1)]


def test_team_detail_lists_names_and_acknowledgement(client, personas):
    GuidelineVersionFactory(number=1)
    services.guidelines_acknowledge(user=personas.employee)
    client.force_login(personas.manager_a)
    people = client.get(reverse("training:team_detail", args=[personas.team_a.pk])).context["page"]
    assert [(str(p), p.has_acknowledged) for p in people] == [
        ("Employee A", True),
        ("Manager A", False),
    ]


def test_team_detail_query_count_is_constant(client, personas, django_assert_max_num_queries):
    for _ in range(20):
        MembershipFactory(team=personas.team_a, user=UserFactory())
    module = ModuleFactory()
    CompletionFactory(user=personas.employee, module=module)
    client.force_login(personas.manager_a)
    with django_assert_max_num_queries(23):  # the same with 2 people as with 22
        response = client.get(reverse("training:team_detail", args=[personas.team_a.pk]))
    assert len(response.context["page"].object_list) == 22


def test_team_detail_manager_sees_module_figures_not_individuals(client, personas):
    module = ModuleFactory(title="Secret sauce")
    CompletionFactory(user=personas.employee, module=module)
    client.force_login(personas.manager_a)
    response = client.get(reverse("training:team_detail", args=[personas.team_a.pk]))
    html = response.content.decode()
    people_table = html[html.index('data-testid="team-people"') :]
    assert [(m.title, count, percent) for m, count, percent in response.context["module_rows"]] == [
        ("Secret sauce", 1, 50)
    ]
    assert response.context["show_individuals"] is False
    assert "Secret sauce" not in people_table
    assert "Completed modules" not in html


def test_team_detail_admin_sees_each_persons_completed_modules(client, personas):
    module = ModuleFactory(title="Secret sauce")
    CompletionFactory(user=personas.employee, module=module)
    client.force_login(personas.admin)
    response = client.get(reverse("training:team_detail", args=[personas.team_a.pk]))
    people = response.context["page"].object_list
    assert [(str(p), p.completed_titles) for p in people] == [
        ("Employee A", ["Secret sauce"]),
        ("Manager A", []),
    ]


def test_team_detail_admin_query_count_is_constant(client, personas, django_assert_max_num_queries):
    module = ModuleFactory()
    for _ in range(20):
        person = UserFactory()
        MembershipFactory(team=personas.team_a, user=person)
        CompletionFactory(user=person, module=module)
    client.force_login(personas.admin)
    with django_assert_max_num_queries(23):  # the same with 2 people as with 22
        response = client.get(reverse("training:team_detail", args=[personas.team_a.pk]))
    assert len(response.context["page"].object_list) == 22


def test_team_detail_employee_is_forbidden(client, personas):
    client.force_login(personas.employee)
    response = client.get(reverse("training:team_detail", args=[personas.team_a.pk]))
    assert response.status_code == 403


def test_team_detail_lists_every_published_module(client, personas):
    for position in range(12):
        ModuleFactory(title=f"Module {position:02}", position=position)
    client.force_login(personas.manager_a)
    response = client.get(reverse("training:team_detail", args=[personas.team_a.pk]))
    titles = [m.title for m, _count, _percent in response.context["module_rows"]]
    assert titles == [f"Module {n:02}" for n in range(12)]


def test_team_status_pages_module_columns_and_says_so(client, personas):
    for position in range(12):
        ModuleFactory(title=f"Module {position:02}", position=position)
    client.force_login(personas.manager_a)
    first = client.get(reverse("training:team_status"))
    second = client.get(reverse("training:team_status"), {"modules": "2"})
    assert [m.title for m in first.context["modules"]] == [f"Module {n:02}" for n in range(10)]
    assert "Modules 1\u201310 of 12." in first.content.decode()
    assert "?modules=2&amp;page=1" in first.content.decode()
    assert [m.title for m in second.context["modules"]] == ["Module 10", "Module 11"]
    assert "Modules 11\u201312 of 12." in second.content.decode()


# --- Admin pages -----------------------------------------------------------------------------

ADMIN_PAGES = [
    "training:manage",
    "training:manage_mission",
    "training:manage_guidelines",
    "training:manage_caption_rules",
    "training:manage_settings",
    "training:manage_modules",
    "training:manage_module_new",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_open_for_admin(client, personas, name):
    client.force_login(personas.admin)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_forbidden_for_manager(client, personas, name):
    client.force_login(personas.manager_a)
    assert client.get(reverse(name)).status_code == 403


def test_caption_rules_form_saves_and_audits(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_caption_rules"),
        {
            "disclosure_en": "#employee",
            "disclosure_nb": "#ansatt",
            "forbidden_phrases": "secret\n\n  secret \nkonfidensielt",
            "max_hashtags": "3",
            "max_links": "",
            "sharing_gate_enabled": "on",  # not a field of this form: ignored
        },
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert programme.forbidden_phrases == "secret\nkonfidensielt"
    assert (programme.max_hashtags, programme.max_links) == (3, None)
    assert programme.sharing_gate_enabled is False
    assert AuditEvent.objects.filter(action="SETTINGS_CHANGED", actor=personas.admin).count() == 1


def test_caption_rules_form_negative_limit_names_the_field(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("training:manage_caption_rules"), {"max_hashtags": "-1"})
    assert response.status_code == 200
    assert "max_hashtags" in response.context["form"].errors
    assert Programme.objects.count() == 0


def test_mission_form_saves(client, personas):
    client.force_login(personas.admin)
    client.post(reverse("training:manage_mission"), {"mission_en": "Why", "mission_nb": "Hvorfor"})
    assert Programme.objects.get().mission_nb == "Hvorfor"


def test_module_form_creates_required_module_for_a_team(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_module_new"),
        {
            "title_en": "Rules",
            "position": "1",
            "audience": "EVERYONE",
            "is_published": "on",
            "is_required": "on",
            "due_days_after_joining": "14",
            "pass_mark": "80",
            "teams": [str(personas.team_a.pk)],
        },
    )
    module = Module.objects.get()
    assert response.status_code == 302
    assert (module.is_required, module.due_days_after_joining) == (True, 14)
    assert list(module.teams.all()) == [personas.team_a]


def test_module_form_both_due_rules_is_refused(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_module_new"),
        {
            "title_en": "Rules",
            "position": "1",
            "audience": "EVERYONE",
            "due_days_after_joining": "14",
            "due_date": "2027-01-01",
            "pass_mark": "80",
        },
    )
    assert "due_date" in response.context["form"].errors
    assert Module.objects.count() == 0


def test_module_form_pass_mark_over_100_is_refused(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_module_new"),
        {"title_en": "Rules", "position": "1", "audience": "EVERYONE", "pass_mark": "101"},
    )
    assert "pass_mark" in response.context["form"].errors
    assert Module.objects.count() == 0


def test_lesson_form_refuses_javascript_video_link(client, personas):
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_lesson_new", args=[module.pk]),
        {"title_en": "L", "position": "1", "body_en": "x", "video_url": "javascript:alert(1)"},
    )
    assert "video_url" in response.context["form"].errors
    assert module.lessons.count() == 0


def test_lesson_form_refuses_plain_http_video_link(client, personas):
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_lesson_new", args=[module.pk]),
        {"title_en": "L", "position": "1", "body_en": "x", "video_url": "http://video.example/1"},
    )
    assert response.context["form"].errors["video_url"] == ["Use an https:// link."]


def test_question_form_creates_question_with_answers(client, personas):
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_question_new", args=[module.pk]),
        {"text_en": "Which?", "kind": "MULTIPLE", "answers_en": "* One\nTwo\n*Three\n"},
    )
    question = Question.objects.get()
    assert response.status_code == 302
    assert list(question.answers.order_by("id").values_list("text", "is_correct")) == [
        ("One", True),
        ("Two", False),
        ("Three", True),
    ]


def test_question_form_single_choice_with_two_correct_is_refused(client, personas):
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_question_new", args=[module.pk]),
        {"text_en": "Which?", "kind": "SINGLE", "answers_en": "* One\n* Two"},
    )
    assert response.context["form"].errors["answers_en"] == [
        "A single-choice question has exactly one correct answer."
    ]
    assert Question.objects.count() == 0
    assert not AuditEvent.objects.filter(action="SETTINGS_CHANGED").exists()


def test_question_form_save_is_audited(client, personas):
    module = ModuleFactory()
    client.force_login(personas.admin)
    client.post(
        reverse("training:manage_question_new", args=[module.pk]),
        {"text_en": "Which?", "kind": "SINGLE", "answers_en": "* One\nTwo"},
    )
    event = AuditEvent.objects.get(action="SETTINGS_CHANGED", actor=personas.admin)
    assert event.detail == {"area": "training_question", "question": Question.objects.get().pk}


def test_question_stats_list_most_failed_first(client, personas):
    module = quiz_module()
    wrong = answers_for(module, correct=True)
    single = module.questions.get(kind="SINGLE")
    wrong[single.pk] = [single.answers.get(is_correct=False).pk]
    services.quiz_submit(user=personas.employee, module=module, chosen=wrong)
    services.quiz_submit(
        user=personas.employee, module=module, chosen=answers_for(module, correct=True)
    )
    client.force_login(personas.admin)
    questions = client.get(reverse("training:manage_module_stats", args=[module.pk])).context[
        "questions"
    ]
    assert [(q.text, q.answered, q.failed) for q in questions] == [
        ("Pick the right one", 2, 1),
        ("Pick both yeses", 2, 0),
    ]


def test_question_stats_forbidden_for_manager(client, personas):
    module = quiz_module()
    client.force_login(personas.manager_a)
    assert client.get(reverse("training:manage_module_stats", args=[module.pk])).status_code == 403


def test_home_card_shows_gate_steps(client, personas, programme):
    GuidelineVersionFactory(number=1)
    client.force_login(personas.employee)
    html = client.get(reverse("home")).content.decode()
    assert "Read and acknowledge the posting guidelines" in html


def test_acknowledgement_from_programme_page_removes_the_button(client, personas):
    version = GuidelineVersionFactory(number=1)
    client.force_login(personas.employee)
    client.post(reverse("training:guidelines_acknowledge"), {"version": version.pk})
    html = client.get(reverse("training:programme")).content.decode()
    assert "You have acknowledged version 1." in html
    assert GuidelineAcknowledgement.objects.count() == 1


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


def test_lesson_form_uploads_image_with_description(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_lesson_new", args=[module.pk]),
        {
            "title_en": "With a picture",
            "position": "1",
            "body_en": "Look",
            "image": SimpleUploadedFile("office.png", _png_bytes(), content_type="image/png"),
            "image_alt_en": "Our office in Bergen",
            "video_url": "https://video.example/1",
        },
    )
    lesson = module.lessons.get()
    assert response.status_code == 302
    assert lesson.image.name.startswith("training/lessons/office")
    assert lesson.video_url == "https://video.example/1"


def test_lesson_form_refuses_a_file_that_is_not_an_image(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_lesson_new", args=[module.pk]),
        {
            "title_en": "L",
            "position": "1",
            "image": SimpleUploadedFile(
                "evil.png", b"<svg onload=alert(1)>", content_type="image/png"
            ),
            "image_alt_en": "x",
        },
    )
    assert "image" in response.context["form"].errors
    assert module.lessons.count() == 0


def test_lesson_form_image_without_description_is_refused(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    module = ModuleFactory()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_lesson_new", args=[module.pk]),
        {
            "title_en": "L",
            "position": "1",
            "image": SimpleUploadedFile("office.png", _png_bytes(), content_type="image/png"),
        },
    )
    assert response.context["form"].errors["image_alt_en"] == [
        "Describe the image for people who cannot see it."
    ]


def test_team_status_logged_out_redirects_to_login(client, db):
    response = client.get(reverse("training:team_status"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_team_status_outsider_is_forbidden_and_audited(client, personas):
    client.force_login(personas.outsider)
    response = client.get(reverse("training:team_status"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="ACCESS_DENIED", actor=personas.outsider).count() == 1


def test_team_detail_revoked_manager_is_denied_on_next_request(client, personas):
    client.force_login(personas.manager_a)
    url = reverse("training:team_detail", args=[personas.team_a.pk])
    assert client.get(url).status_code == 200
    personas.manager_a.memberships.update(is_manager=False)
    assert client.get(url).status_code == 403


def test_acknowledge_without_csrf_token_is_refused(personas):
    GuidelineVersionFactory(number=1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.employee)
    response = client.post(reverse("training:guidelines_acknowledge"))
    assert response.status_code == 403
    assert GuidelineAcknowledgement.objects.count() == 0


def test_quiz_with_attempt_limit_shows_attempts_left(client, personas):
    module = quiz_module(max_attempts=3)
    client.force_login(personas.employee)
    client.post(
        reverse("training:quiz", args=[module.pk]),
        {
            f"question-{q}": [str(a) for a in ans]
            for q, ans in answers_for(module, correct=False).items()
        },
    )
    response = client.get(reverse("training:quiz", args=[module.pk]))
    assert response.context["remaining"] == 2
    assert "You have 2 attempts left." in response.content.decode()


def test_lesson_form_duplicate_position_names_the_field(client, personas):
    lesson = LessonFactory(position=1)
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_lesson_new", args=[lesson.module_id]),
        {"title_en": "Second", "position": "1", "body_en": "x"},
    )
    assert response.context["form"].errors["position"] == [
        "Another lesson in this module has this position."
    ]
    assert lesson.module.lessons.count() == 1


def test_question_form_duplicate_position_names_the_field(client, personas):
    module = quiz_module()
    client.force_login(personas.admin)
    first = module.questions.order_by("position").first()
    response = client.post(
        reverse("training:manage_question_new", args=[module.pk]),
        {
            "text_en": "Again?",
            "kind": "SINGLE",
            "position": str(first.position),
            "answers_en": "*a\nb",
        },
    )
    assert "position" in response.context["form"].errors
    assert module.questions.count() == 2


def test_question_form_edit_keeps_its_own_position(client, personas):
    module = quiz_module()
    question = module.questions.order_by("position").first()
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_question", args=[module.pk, question.pk]),
        {
            "text_en": "Edited?",
            "kind": "SINGLE",
            "position": str(question.position),
            "answers_en": "*a\nb",
        },
    )
    question.refresh_from_db()
    assert response.status_code == 302
    assert question.text == "Edited?"
