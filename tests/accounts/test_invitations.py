import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.audit import AuditAction
from accounts.models import AuditEvent, Invitation
from accounts.services import invitations_import_csv
from ambassador.celery import app
from tests.accounts.factories import InvitationFactory


def test_csv_import_reports_bad_rows_with_line_numbers_and_imports_good_ones(personas):
    InvitationFactory(email="already@elsewhere.test")
    text = (
        "email,team\n"
        "ok1@elsewhere.test,Team A\n"
        "not-an-email,Team A\n"
        "ok2@elsewhere.test\n"
        "ok3@elsewhere.test,No Such Team\n"
        "\n"
        f"{personas.employee.email},\n"
        "already@elsewhere.test,team-b\n"
        "OK4@elsewhere.test,team-b\n"
    )
    report = invitations_import_csv(text=text, invited_by=personas.admin)
    assert [(row.line, row.ok, row.reason) for row in report.rows] == [
        (2, True, ""),
        (3, False, "Enter a valid email address."),
        (4, True, ""),
        (5, False, "Unknown team: No Such Team"),
        (7, False, "This person already has an account."),
        (8, False, "This address has already been invited."),
        (9, True, ""),
    ]
    invited = dict(Invitation.objects.pending().values_list("email", "team__slug"))
    assert invited == {
        "already@elsewhere.test": None,
        "ok1@elsewhere.test": "team-a",
        "ok2@elsewhere.test": None,
        "ok4@elsewhere.test": "team-b",
    }


def test_csv_import_row_with_unknown_team_creates_nothing_for_that_row(personas):
    invitations_import_csv(text="half@elsewhere.test,Nope\n", invited_by=personas.admin)
    assert not Invitation.objects.filter(email="half@elsewhere.test").exists()


def test_csv_import_duplicate_within_file_reported(personas):
    report = invitations_import_csv(
        text="twice@elsewhere.test\ntwice@elsewhere.test\n", invited_by=personas.admin
    )
    assert [(row.line, row.ok) for row in report.rows] == [(1, True), (2, False)]
    assert Invitation.objects.filter(email="twice@elsewhere.test").count() == 1


def test_csv_upload_view_shows_report(client, personas):
    client.force_login(personas.admin)
    upload = SimpleUploadedFile(
        "people.csv", b"email\nnew@elsewhere.test\nbroken\n", content_type="text/csv"
    )
    response = client.post(reverse("accounts:invite_upload"), {"file": upload})
    assert response.status_code == 200
    rows = response.context["report"].rows
    assert [(row.line, row.ok) for row in rows] == [(2, True), (3, False)]
    assert "Enter a valid email address." in response.content.decode()


def test_csv_upload_not_utf8_names_field_and_creates_nothing(client, personas):
    client.force_login(personas.admin)
    upload = SimpleUploadedFile("people.csv", "ø@elsewhere.test\n".encode("latin-1"))
    response = client.post(reverse("accounts:invite_upload"), {"file": upload})
    assert response.context["upload_form"].errors["file"] == [
        "CSV file: the file must be UTF-8 text."
    ]
    assert not Invitation.objects.exists()


def test_csv_upload_by_employee_forbidden(client, personas):
    client.force_login(personas.employee)
    upload = SimpleUploadedFile("people.csv", b"new@elsewhere.test\n")
    response = client.post(reverse("accounts:invite_upload"), {"file": upload})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_invite_page_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    InvitationFactory.create_batch(30, team=personas.team_a, invited_by=personas.admin)
    client.force_login(personas.admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:invite"))
    assert len(response.context["page"]) == 25


def test_revoke_invitation(client, personas):
    invitation = InvitationFactory()
    client.force_login(personas.admin)
    client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_allowed_domain_added_lowercased(client, personas):
    from accounts.models import AllowedDomain

    client.force_login(personas.admin)
    client.post(reverse("accounts:domains"), {"domain": "@Acme.TEST"})
    assert list(AllowedDomain.objects.values_list("domain", flat=True)) == ["acme.test"]


def test_allowed_domain_invalid_names_field(client, personas):
    from accounts.models import AllowedDomain

    client.force_login(personas.admin)
    response = client.post(reverse("accounts:domains"), {"domain": "not a domain"})
    assert response.context["form"].errors["domain"] == [
        "Domain: enter a domain such as example.com."
    ]
    assert not AllowedDomain.objects.exists()


# --- Bulk import: constant queries, unreadable files --------------------------------------


def _csv(rows: int, existing: list[str]) -> str:
    lines = ["email,team"]
    for n in range(rows):
        team = ("Team A", "team-b", "")[n % 3]
        lines.append(f"new{n}@elsewhere.test,{team}")
    lines += [f"{email},Team A" for email in existing]
    lines += ["not-an-email,Team A", "someone@elsewhere.test,No Such Team"]
    return "\n".join(lines) + "\n"


def _import_queries(text: str, admin) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        report = invitations_import_csv(text=text, invited_by=admin)
    return len(captured.captured_queries), report


def test_csv_import_query_count_does_not_grow_with_rows(personas):
    InvitationFactory(email="pending1@elsewhere.test")
    InvitationFactory(email="pending2@elsewhere.test")
    small_queries, small = _import_queries(
        _csv(50, [personas.employee.email, "pending1@elsewhere.test"]), personas.admin
    )
    Invitation.objects.filter(email__startswith="new").delete()
    large_queries, large = _import_queries(
        _csv(500, [personas.employee_b.email, "pending2@elsewhere.test"]), personas.admin
    )
    assert len(small.imported) == 50
    assert len(large.imported) == 500
    assert len(small.rejected) == len(large.rejected) == 4
    assert small_queries == large_queries


def test_csv_import_writes_one_audit_row_per_invitation(personas):
    report = invitations_import_csv(
        text="a@elsewhere.test,Team A\nb@elsewhere.test\n", invited_by=personas.admin
    )
    assert len(report.imported) == 2
    events = AuditEvent.objects.filter(action=AuditAction.INVITATION_SENT).order_by("id")
    invitations = {i.email: i for i in Invitation.objects.all()}
    assert [
        (e.actor_id, e.actor_label, e.target_type, e.target_id, e.target_label, e.detail)
        for e in events
    ] == [
        (
            personas.admin.pk,
            personas.admin.email,
            "accounts.invitation",
            str(invitations["a@elsewhere.test"].pk),
            "a@elsewhere.test",
            {"team": personas.team_a.pk},
        ),
        (
            personas.admin.pk,
            personas.admin.email,
            "accounts.invitation",
            str(invitations["b@elsewhere.test"].pk),
            "b@elsewhere.test",
            {"team": None},
        ),
    ]


@pytest.fixture
def eager_celery():
    """Run tasks in-process when enqueued, so the test sees the emails they send."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_csv_import_sends_each_invitation_after_commit(
    personas, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitations_import_csv(
            text="a@elsewhere.test\nb@elsewhere.test\n", invited_by=personas.admin
        )
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert sorted(message.to[0] for message in mailoutbox) == [
        "a@elsewhere.test",
        "b@elsewhere.test",
    ]
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 2


def test_csv_import_with_a_huge_cell_reports_the_line_and_keeps_the_good_rows(personas):
    text = "good@elsewhere.test\n" + "x" * 131_073 + "@elsewhere.test\nlater@elsewhere.test\n"
    report = invitations_import_csv(text=text, invited_by=personas.admin)
    assert [(row.line, row.ok) for row in report.rows] == [(1, True), (2, False)]
    assert report.rows[1].reason == (
        "This line is not readable CSV (a cell longer than 131,072 characters, or broken "
        "quotes); the rest of the file was not read."
    )
    assert list(Invitation.objects.values_list("email", flat=True)) == ["good@elsewhere.test"]


def test_csv_upload_with_a_huge_cell_answers_with_the_report_not_an_error(client, personas):
    client.force_login(personas.admin)
    upload = SimpleUploadedFile(
        "people.csv", b"email\n" + b"y" * 140_000 + b"\n", content_type="text/csv"
    )
    response = client.post(reverse("accounts:invite_upload"), {"file": upload})
    assert response.status_code == 200
    assert "This line is not readable CSV" in response.content.decode()
    assert not Invitation.objects.exists()


def test_csv_import_refuses_an_address_longer_than_the_field(personas):
    email = "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".test"
    report = invitations_import_csv(text=f"{email}\n", invited_by=personas.admin)
    assert [(row.ok, row.reason) for row in report.rows] == [
        (False, "Enter a valid email address.")
    ]
    assert not Invitation.objects.exists()
