import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import UserFactory
from tests.training.factories import GuidelineVersionFactory
from training import selectors, services
from training.diff import line_diff
from training.models import GuidelineAcknowledgement, GuidelineVersion

pytestmark = pytest.mark.django_db


# --- Versioning ------------------------------------------------------------------------------


def test_guidelines_publish_numbers_versions_in_order(personas):
    first = services.guidelines_publish(by=personas.admin, body_en="One", change_summary="First")
    second = services.guidelines_publish(by=personas.admin, body_en="Two", change_summary="More")
    assert (first.number, second.number) == (1, 2)
    assert selectors.guideline_current() == second


def test_guidelines_publish_keeps_old_versions_unchanged(personas):
    first = services.guidelines_publish(by=personas.admin, body_en="One", change_summary="First")
    services.guidelines_publish(by=personas.admin, body_en="Two", change_summary="More")
    first.refresh_from_db()
    assert first.body_en == "One"


def test_guidelines_publish_without_summary_is_refused(personas):
    with pytest.raises(services.TrainingError):
        services.guidelines_publish(by=personas.admin, body_en="One", change_summary="   ")
    assert GuidelineVersion.objects.count() == 0


def test_guidelines_publish_writes_audit_row(personas):
    version = services.guidelines_publish(by=personas.admin, body_en="A", change_summary="B")
    event = AuditEvent.objects.get(action="GUIDELINES_PUBLISHED")
    assert (event.actor, event.target_id) == (personas.admin, str(version.pk))


def test_manage_guidelines_post_publishes_version(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_guidelines"),
        {"body_en": "# Rules", "body_nb": "# Regler", "change_summary_en": "First rules"},
    )
    version = GuidelineVersion.objects.get()
    assert response.status_code == 302
    assert (version.number, version.body_nb, version.change_summary) == (
        1,
        "# Regler",
        "First rules",
    )


def test_manage_guidelines_post_without_summary_shows_error(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:manage_guidelines"), {"body_en": "# Rules", "change_summary_en": ""}
    )
    assert response.status_code == 200
    assert "change_summary_en" in response.context["form"].errors
    assert GuidelineVersion.objects.count() == 0


def test_manage_guidelines_employee_is_forbidden(client, personas):
    client.force_login(personas.employee)
    response = client.post(
        reverse("training:manage_guidelines"), {"body_en": "x", "change_summary_en": "y"}
    )
    assert response.status_code == 403
    assert GuidelineVersion.objects.count() == 0


def test_guideline_version_old_version_is_readable(client, personas):
    GuidelineVersionFactory(number=1, body_en="Old **words**")
    GuidelineVersionFactory(number=2, body_en="New words")
    client.force_login(personas.employee)
    response = client.get(reverse("training:guideline_version", args=[1]))
    assert response.status_code == 200
    assert "Old <strong>words</strong>" in response.content.decode()
    assert response.context["is_current"] is False


def test_guideline_versions_list_query_count_is_constant(
    client, personas, django_assert_max_num_queries
):
    for number in range(1, 31):
        GuidelineVersionFactory(number=number, published_by=personas.admin)
    client.force_login(personas.employee)
    with django_assert_max_num_queries(13):  # the same with 1 version as with 30
        response = client.get(reverse("training:guideline_versions"))
    assert len(response.context["page"].object_list) == 25


# --- Diff ------------------------------------------------------------------------------------


def test_line_diff_marks_added_removed_and_changed_lines():
    rows = line_diff("a\nb\nc\n", "a\nB\nc\nd\n")
    assert [(r.kind, r.old_text, r.new_text) for r in rows] == [
        ("equal", "a", "a"),
        ("changed", "b", "B"),
        ("equal", "c", "c"),
        ("added", "", "d"),
    ]


def test_line_diff_of_identical_texts_is_empty():
    assert line_diff("same\ntext", "same\ntext") == []


def test_line_diff_far_apart_changes_have_a_gap():
    old = "\n".join(f"line {i}" for i in range(20))
    new = old.replace("line 1\n", "line one\n").replace("line 18", "line eighteen")
    kinds = [r.kind for r in line_diff(old, new, context=1)]
    assert kinds.count("gap") == 1


def test_guideline_diff_page_renders_ins_and_del(client, personas):
    GuidelineVersionFactory(number=1, body_en="Keep\nOld rule")
    GuidelineVersionFactory(number=2, body_en="Keep\nNew rule")
    client.force_login(personas.employee)
    response = client.get(reverse("training:guideline_diff"), {"old": 1, "new": 2})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="visually-hidden">Removed: </span>Old rule</del>' in html
    assert '<span class="visually-hidden">Added: </span>New rule</ins>' in html
    assert "style=" not in html


def test_guideline_diff_escapes_markup(client, personas):
    GuidelineVersionFactory(number=1, body_en="x")
    GuidelineVersionFactory(number=2, body_en="<script>alert(1)</script>")
    client.force_login(personas.employee)
    response = client.get(reverse("training:guideline_diff"), {"old": 1, "new": 2})
    assert "<script>alert(1)" not in response.content.decode()


def test_guideline_diff_unknown_version_is_400(client, personas):
    GuidelineVersionFactory(number=1)
    client.force_login(personas.employee)
    response = client.get(reverse("training:guideline_diff"), {"old": 1, "new": 9})
    assert response.status_code == 400
    assert "new" in response.context["form"].errors


# --- Acknowledgement -------------------------------------------------------------------------


def test_acknowledge_post_records_current_version(client, personas):
    version = GuidelineVersionFactory(number=1)
    client.force_login(personas.employee)
    response = client.post(reverse("training:guidelines_acknowledge"), {"version": version.pk})
    assert response.status_code == 302
    assert GuidelineAcknowledgement.objects.filter(user=personas.employee, version=version).exists()
    assert (
        AuditEvent.objects.filter(action="GUIDELINES_ACKNOWLEDGED", actor=personas.employee).count()
        == 1
    )


def test_acknowledge_get_is_405_and_changes_nothing(client, personas):
    GuidelineVersionFactory(number=1)
    client.force_login(personas.employee)
    response = client.get(reverse("training:guidelines_acknowledge"))
    assert response.status_code == 405
    assert GuidelineAcknowledgement.objects.count() == 0


def test_acknowledge_logged_out_redirects_to_login(client, personas):
    GuidelineVersionFactory(number=1)
    response = client.post(reverse("training:guidelines_acknowledge"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert GuidelineAcknowledgement.objects.count() == 0


def test_acknowledge_twice_keeps_one_row(personas):
    GuidelineVersionFactory(number=1)
    services.guidelines_acknowledge(user=personas.employee)
    services.guidelines_acknowledge(user=personas.employee)
    assert GuidelineAcknowledgement.objects.count() == 1
    assert AuditEvent.objects.filter(action="GUIDELINES_ACKNOWLEDGED").count() == 1


def test_acknowledge_stale_version_is_refused(client, personas):
    old = GuidelineVersionFactory(number=1)
    GuidelineVersionFactory(number=2)
    client.force_login(personas.employee)
    client.post(reverse("training:guidelines_acknowledge"), {"version": old.pk})
    assert GuidelineAcknowledgement.objects.count() == 0


def test_acknowledge_without_guidelines_is_refused(personas):
    with pytest.raises(services.NothingToAcknowledge):
        services.guidelines_acknowledge(user=personas.employee)


def test_new_version_asks_to_acknowledge_again(personas):
    v1 = GuidelineVersionFactory(number=1)
    services.guidelines_acknowledge(user=personas.employee)
    assert selectors.guideline_has_acknowledged(user=personas.employee, version=v1)
    v2 = services.guidelines_publish(by=personas.admin, body_en="New", change_summary="New")
    assert not selectors.guideline_has_acknowledged(user=personas.employee, version=v2)
    services.guidelines_acknowledge(user=personas.employee)
    assert selectors.guideline_has_acknowledged(user=personas.employee, version=v2)


def test_users_without_current_acknowledgement_lists_only_missing(
    personas, django_assert_num_queries
):
    GuidelineVersionFactory(number=1)
    services.guidelines_acknowledge(user=personas.employee)
    GuidelineVersionFactory(number=2)
    services.guidelines_acknowledge(user=personas.employee_b)
    with django_assert_num_queries(1):
        missing = set(selectors.users_without_current_acknowledgement())
    assert personas.employee in missing
    assert personas.employee_b not in missing


def test_users_without_current_acknowledgement_skips_inactive(personas):
    GuidelineVersionFactory(number=1)
    gone = UserFactory(is_active=False)
    assert gone not in set(selectors.users_without_current_acknowledgement())


def test_users_without_current_acknowledgement_empty_without_guidelines(personas):
    assert list(selectors.users_without_current_acknowledgement()) == []


# --- Rendering -------------------------------------------------------------------------------

# Each payload and the harmless part of it that must still be shown once sanitised.
PAYLOADS = [
    ('<img src=x onerror="alert(1)">', '<p><img src="x"></p>'),
    ("[click](javascript:alert(1))", '<p><a rel="noopener noreferrer nofollow">click</a></p>'),
    ("[click](&#106;avascript:alert(1))", '<p><a rel="noopener noreferrer nofollow">click</a></p>'),
    ("<svg><script>alert(1)</script></svg>", "<p></p>"),
    ('<iframe src="https://evil.example"></iframe>', ""),
    ('<p style="background:url(javascript:alert(1))">x</p>', "<p>x</p>"),
]
DANGEROUS = ("onerror", "javascript:", "<script", "<iframe", "style=", "<svg", "alert(1)")


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize(("payload", "shown"), PAYLOADS)
def test_programme_page_guidelines_and_mission_payloads_are_inert(client, personas, payload, shown):
    client.force_login(personas.admin)
    published = client.post(
        reverse("training:manage_guidelines"),
        {"body_en": f"## Rules\n\n{payload}", "change_summary_en": "Payload"},
    )
    saved = client.post(
        reverse("training:manage_mission"), {"mission_en": f"Our mission\n\n{payload}"}
    )
    assert (published.status_code, saved.status_code) == (302, 302)
    assert GuidelineVersion.objects.get().body_en == f"## Rules\n\n{payload}"
    client.force_login(personas.employee)
    response = client.get(reverse("training:programme"))
    assert response.status_code == 200
    main = _main(response.content.decode())
    assert f"<p>Our mission</p>\n{shown}" in main
    assert f"<h2>Rules</h2>\n{shown}" in main
    for bad in DANGEROUS:
        assert bad not in main.lower()


@pytest.mark.parametrize(("payload", "shown"), PAYLOADS)
def test_guideline_version_page_payloads_are_inert(client, personas, payload, shown):
    GuidelineVersionFactory(number=1, body_en=f"## Rules\n\n{payload}")
    client.force_login(personas.employee)
    response = client.get(reverse("training:guideline_version", args=[1]))
    assert response.status_code == 200
    main = _main(response.content.decode())
    assert f"<h2>Rules</h2>\n{shown}" in main
    for bad in DANGEROUS:
        assert bad not in main.lower()


def test_guideline_versions_show_summary_in_norwegian(client, personas):
    GuidelineVersionFactory(
        number=1, change_summary="New section.", change_summary_nb="Nytt avsnitt."
    )
    personas.employee.language = "nb"
    personas.employee.save()
    client.force_login(personas.employee)
    response = client.get(reverse("training:guideline_versions"))
    assert "<td>Nytt avsnitt.</td>" in response.content.decode()


def test_guidelines_publish_keeps_norwegian_summary(personas):
    version = services.guidelines_publish(
        by=personas.admin, body_en="x", change_summary="New", change_summary_nb="  Ny   tekst "
    )
    assert version.change_summary_nb == "Ny tekst"
