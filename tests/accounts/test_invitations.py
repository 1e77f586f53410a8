from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Invitation
from accounts.services import invitations_import_csv
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
