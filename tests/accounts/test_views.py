import pytest
from allauth.usersessions.models import UserSession
from django.urls import reverse

from accounts.audit import AuditAction
from accounts.models import AuditEvent, Team, TeamMembership, User
from tests.accounts.factories import NotificationFactory
from tests.factories import PASSWORD, MembershipFactory, TeamFactory, UserFactory


def _denied_events(user):
    return AuditEvent.objects.filter(actor=user, action=AuditAction.ACCESS_DENIED)


# --- Access control ------------------------------------------------------------------------


def test_people_list_logged_out_redirects_to_login(client, personas):
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_people_list_employee_forbidden(client, personas):
    client.force_login(personas.employee)
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 403
    assert _denied_events(personas.employee).count() == 1


def test_people_list_manager_sees_only_own_teams(client, personas):
    client.force_login(personas.manager_a)
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 200
    emails = {person.email for person in response.context["page"]}
    assert emails == {personas.employee.email, personas.manager_a.email}


def test_people_list_admin_sees_everyone(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:people"))
    assert response.context["page"].paginator.count == User.objects.count()


def test_people_list_search_filters_by_name(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:people"), {"q": "Employee B"})
    assert [p.email for p in response.context["page"]] == [personas.employee_b.email]


def test_people_list_htmx_returns_rows_partial(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:people"), {"q": "x"}, headers={"HX-Request": "true"})
    assert response.templates[0].name == "accounts/_people_rows.html"


def test_people_list_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    client.force_login(personas.admin)
    team = TeamFactory()
    for _ in range(20):
        MembershipFactory(team=team, user=UserFactory())
    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:people"))
    assert response.status_code == 200
    assert len(response.context["page"]) == 25


def test_person_detail_other_team_manager_gets_404_and_audit(client, personas):
    client.force_login(personas.manager_a)
    response = client.get(reverse("accounts:person_detail", args=[personas.employee_b.pk]))
    assert response.status_code == 404
    event = _denied_events(personas.manager_a).get()
    assert event.target_id == str(personas.employee_b.pk)
    assert "Employee B" not in response.content.decode()


def test_person_detail_own_team_manager_sees_person(client, personas):
    client.force_login(personas.manager_a)
    response = client.get(reverse("accounts:person_detail", args=[personas.employee.pk]))
    assert response.status_code == 200
    assert response.context["person"] == personas.employee


def test_person_detail_employee_asking_for_colleague_gets_404(client, personas):
    client.force_login(personas.employee)
    response = client.get(reverse("accounts:person_detail", args=[personas.manager_a.pk]))
    assert response.status_code == 404


def test_person_detail_self_shows_social_profiles(client, personas):
    from tests.factories import SocialProfileFactory

    SocialProfileFactory(user=personas.employee, handle="eva", followers_count=321)
    client.force_login(personas.employee)
    response = client.get(reverse("accounts:person_detail", args=[personas.employee.pk]))
    assert response.status_code == 200
    assert "321" in response.content.decode()


def test_team_detail_other_team_manager_gets_404_and_audit(client, personas):
    client.force_login(personas.manager_a)
    response = client.get(reverse("accounts:team_detail", args=[personas.team_b.pk]))
    assert response.status_code == 404
    assert _denied_events(personas.manager_a).get().target_id == str(personas.team_b.pk)


def test_team_detail_sub_team_visible_to_parent_manager(client, personas):
    sub = TeamFactory(parent=personas.team_a)
    client.force_login(personas.manager_a)
    response = client.get(reverse("accounts:team_detail", args=[sub.pk]))
    assert response.status_code == 200


def test_team_list_manager_sees_only_managed_teams(client, personas):
    client.force_login(personas.manager_b)
    response = client.get(reverse("accounts:teams"))
    assert [team.pk for team in response.context["page"]] == [personas.team_b.pk]


def test_team_list_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    for _ in range(15):
        TeamFactory(parent=personas.team_a)
    client.force_login(personas.admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:teams"))
    assert response.status_code == 200


def test_manager_role_revoked_mid_session_denied_on_next_request(client, personas):
    client.force_login(personas.manager_a)
    assert client.get(reverse("accounts:teams")).status_code == 200
    TeamMembership.objects.filter(user=personas.manager_a).update(is_manager=False)
    assert client.get(reverse("accounts:teams")).status_code == 403


def test_admin_role_revoked_mid_session_denied_on_next_request(client, personas):
    client.force_login(personas.admin)
    assert client.get(reverse("accounts:invite")).status_code == 200
    User.objects.filter(pk=personas.admin.pk).update(is_admin=False)
    assert client.get(reverse("accounts:invite")).status_code == 403


def test_staff_page_without_mfa_redirects_to_mfa_setup(client, personas, settings):
    settings.REQUIRE_STAFF_MFA = True
    manager = UserFactory()
    MembershipFactory(team=personas.team_a, user=manager, is_manager=True)
    client.force_login(manager)
    response = client.get(reverse("accounts:teams"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_django_admin_without_mfa_redirects_to_mfa_setup(client, settings, db):
    settings.REQUIRE_STAFF_MFA = True
    admin = UserFactory(is_admin=True)
    client.force_login(admin)
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_django_admin_opens_for_admin_with_mfa(client, personas):
    client.force_login(personas.admin)
    assert client.get("/django-admin/").status_code == 200


def test_django_admin_refuses_employee(client, personas):
    client.force_login(personas.employee)
    assert client.get("/django-admin/login/").status_code == 403


def test_django_admin_login_goes_through_allauth(client, db):
    response = client.get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Forms ignore fields they do not own ---------------------------------------------------


def test_profile_update_ignores_extra_role_fields(client, personas):
    client.force_login(personas.employee)
    response = client.post(
        reverse("accounts:profile"),
        {
            "profile-display_name": "Eva",
            "profile-language": "nb",
            "profile-time_zone": "Europe/Oslo",
            "is_admin": "on",
            "profile-is_admin": "on",
            "team": personas.team_b.pk,
            "role": "admin",
            "is_active": "",
        },
    )
    assert response.status_code == 302
    personas.employee.refresh_from_db()
    assert personas.employee.display_name == "Eva"
    assert personas.employee.is_admin is False
    assert personas.employee.is_active is True
    assert not TeamMembership.objects.filter(user=personas.employee, team=personas.team_b).exists()


def test_profile_update_bad_time_zone_names_field_and_saves_nothing(client, personas):
    client.force_login(personas.employee)
    response = client.post(
        reverse("accounts:profile"),
        {"profile-display_name": "Changed", "profile-time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    personas.employee.refresh_from_db()
    assert personas.employee.display_name == "Employee A"


def test_social_profile_save_stores_mastodon_instance(client, personas):
    client.force_login(personas.employee)
    client.post(
        reverse("accounts:social_profile_save"),
        {
            "social-network": "MASTODON",
            "social-handle": "@eva",
            "social-instance_url": "https://mastodon.social",
            "social-followers_count": "250",
        },
    )
    profile = personas.employee.social_profiles.get()
    assert (profile.network, profile.instance_url, profile.followers_count) == (
        "MASTODON",
        "https://mastodon.social",
        250,
    )


def test_social_profile_negative_followers_refused(client, personas):
    client.force_login(personas.employee)
    response = client.post(
        reverse("accounts:social_profile_save"),
        {"social-network": "LINKEDIN", "social-followers_count": "-5"},
    )
    assert response.status_code == 400
    assert "followers_count" in response.context["social_form"].errors
    assert not personas.employee.social_profiles.exists()


def test_membership_form_extra_fields_ignored(client, personas):
    client.force_login(personas.admin)
    client.post(
        reverse("accounts:person_membership_set", args=[personas.outsider.pk]),
        {"team": personas.team_a.pk, "is_admin": "on", "is_superuser": "on"},
    )
    personas.outsider.refresh_from_db()
    assert personas.outsider.is_admin is False
    assert personas.outsider.is_superuser is False
    assert personas.outsider.memberships.get().is_manager is False


# --- Roles and offboarding -----------------------------------------------------------------


def test_make_manager_records_role_change(client, personas):
    client.force_login(personas.admin)
    client.post(
        reverse("accounts:person_membership_set", args=[personas.employee.pk]),
        {"team": personas.team_a.pk, "is_manager": "on"},
    )
    assert TeamMembership.objects.get(user=personas.employee, team=personas.team_a).is_manager
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert event.detail == {"role": "manager", "team": personas.team_a.pk, "granted": True}


def test_make_admin_by_admin(client, personas):
    client.force_login(personas.admin)
    client.post(
        reverse("accounts:person_set_admin", args=[personas.employee.pk]), {"is_admin": "true"}
    )
    personas.employee.refresh_from_db()
    assert personas.employee.is_admin is True
    assert (
        AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGED, actor=personas.admin).count()
        == 1
    )


def test_make_admin_by_manager_forbidden(client, personas):
    client.force_login(personas.manager_a)
    response = client.post(
        reverse("accounts:person_set_admin", args=[personas.manager_a.pk]), {"is_admin": "true"}
    )
    assert response.status_code == 403
    personas.manager_a.refresh_from_db()
    assert personas.manager_a.is_admin is False


def test_role_change_by_get_not_allowed(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:person_deactivate", args=[personas.employee.pk]))
    assert response.status_code == 405
    personas.employee.refresh_from_db()
    assert personas.employee.is_active is True


def test_deactivation_ends_sessions_at_once(client, personas):
    from django.test import Client

    victim = Client()
    victim.post(reverse("account_login"), {"login": personas.employee.email, "password": PASSWORD})
    assert victim.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user=personas.employee).count() == 1

    client.force_login(personas.admin)
    client.post(reverse("accounts:person_deactivate", args=[personas.employee.pk]))

    personas.employee.refresh_from_db()
    assert personas.employee.is_active is False
    assert personas.employee.deactivated_at is not None
    assert UserSession.objects.filter(user=personas.employee).count() == 0
    response = victim.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert AuditEvent.objects.filter(action=AuditAction.USER_DEACTIVATED).count() == 1


def test_deactivated_person_cannot_log_in(client, personas):
    User.objects.filter(pk=personas.employee.pk).update(is_active=False)
    client.post(reverse("account_login"), {"login": personas.employee.email, "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 302


def test_deactivation_keeps_the_row(client, personas):
    client.force_login(personas.admin)
    client.post(reverse("accounts:person_deactivate", args=[personas.employee.pk]))
    assert User.objects.filter(pk=personas.employee.pk).exists()


def test_reactivate_restores_access(client, personas):
    client.force_login(personas.admin)
    client.post(reverse("accounts:person_deactivate", args=[personas.employee.pk]))
    client.post(reverse("accounts:person_reactivate", args=[personas.employee.pk]))
    personas.employee.refresh_from_db()
    assert personas.employee.is_active is True
    assert personas.employee.deactivated_at is None


def test_admin_cannot_deactivate_self(client, personas):
    client.force_login(personas.admin)
    client.post(reverse("accounts:person_deactivate", args=[personas.admin.pk]))
    personas.admin.refresh_from_db()
    assert personas.admin.is_active is True


# --- Teams ---------------------------------------------------------------------------------


def test_team_create_with_parent(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("accounts:team_create"), {"name": "Nordic Sales", "parent": personas.team_a.pk}
    )
    team = Team.objects.get(name="Nordic Sales")
    assert response["Location"] == reverse("accounts:team_detail", args=[team.pk])
    assert (team.parent, team.slug) == (personas.team_a, "nordic-sales")


def test_team_edit_refuses_own_sub_team_as_parent(client, personas):
    sub = TeamFactory(parent=personas.team_a)
    client.force_login(personas.admin)
    response = client.post(
        reverse("accounts:team_edit", args=[personas.team_a.pk]), {"name": "A", "parent": sub.pk}
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    personas.team_a.refresh_from_db()
    assert personas.team_a.parent is None


def test_team_create_without_name_names_field(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("accounts:team_create"), {"name": ""})
    assert response.context["form"].errors["name"]
    assert Team.objects.count() == 2


def test_team_create_by_manager_forbidden(client, personas):
    client.force_login(personas.manager_a)
    response = client.post(reverse("accounts:team_create"), {"name": "Mine"})
    assert response.status_code == 403
    assert not Team.objects.filter(name="Mine").exists()


# --- Notifications -------------------------------------------------------------------------


def test_notifications_list_shows_only_own(client, personas):
    NotificationFactory(recipient=personas.employee, title="For Eva")
    NotificationFactory(recipient=personas.employee_b, title="For someone else")
    client.force_login(personas.employee)
    response = client.get(reverse("accounts:notifications"))
    assert [n.title for n in response.context["page"]] == ["For Eva"]


def test_notifications_get_does_not_mark_read(client, personas):
    note = NotificationFactory(recipient=personas.employee)
    client.force_login(personas.employee)
    client.get(reverse("accounts:notifications"))
    note.refresh_from_db()
    assert note.read_at is None


def test_notifications_mark_one_read(client, personas):
    note = NotificationFactory(recipient=personas.employee)
    other = NotificationFactory(recipient=personas.employee)
    client.force_login(personas.employee)
    client.post(reverse("accounts:notifications_mark_read"), {"notification": note.pk})
    note.refresh_from_db()
    other.refresh_from_db()
    assert note.read_at is not None
    assert other.read_at is None


def test_notifications_cannot_mark_someone_elses(client, personas):
    note = NotificationFactory(recipient=personas.employee_b)
    client.force_login(personas.employee)
    client.post(reverse("accounts:notifications_mark_read"), {"notification": note.pk})
    note.refresh_from_db()
    assert note.read_at is None


def test_notifications_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    for _ in range(30):
        NotificationFactory(recipient=personas.employee)
    client.force_login(personas.employee)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:notifications"))
    assert len(response.context["page"]) == 25


# --- Audit log page ------------------------------------------------------------------------


def test_audit_log_filters_by_action(client, personas):
    client.force_login(personas.admin)
    client.get(reverse("accounts:person_detail", args=[999999]))
    client.force_login(personas.employee)
    client.get(reverse("accounts:audit_log"))
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:audit_log"), {"action": "ACCESS_DENIED"})
    assert [e.action for e in response.context["page"]] == ["ACCESS_DENIED"]


def test_audit_log_forbidden_for_manager(client, personas):
    client.force_login(personas.manager_a)
    assert client.get(reverse("accounts:audit_log")).status_code == 403


def test_audit_log_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    from tests.accounts.factories import AuditEventFactory

    AuditEventFactory.create_batch(60)
    client.force_login(personas.admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:audit_log"))
    assert len(response.context["page"]) == 50


@pytest.mark.parametrize("name", ["Eve\r\n2026-01-01 LOGIN admin@example.com", "Eve\nLOGIN"])
def test_audit_crlf_in_name_cannot_forge_entry(personas, name):
    from accounts.services import audit_record

    personas.employee.display_name = name
    event = audit_record(
        actor=personas.admin, action=AuditAction.ROLE_CHANGED, target=personas.employee
    )
    event.refresh_from_db()
    assert "\n" not in event.target_label
    assert "\r" not in event.target_label
    assert str(event).count("\n") == 0


def test_notifications_mark_read_htmx_returns_list_partial(client, personas):
    NotificationFactory(recipient=personas.employee)
    client.force_login(personas.employee)
    response = client.post(
        reverse("accounts:notifications_mark_read"), headers={"HX-Request": "true"}
    )
    assert response.templates[0].name == "accounts/_notification_list.html"
    assert personas.employee.notifications.unread().count() == 0


def test_django_admin_cannot_change_roles_or_delete_people(client, personas):
    client.force_login(personas.admin)
    url = f"/django-admin/accounts/user/{personas.employee.pk}/change/"
    client.post(
        url,
        {
            "email": personas.employee.email,
            "display_name": "Eva",
            "language": "en",
            "time_zone": "Europe/Oslo",
            "is_admin": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    personas.employee.refresh_from_db()
    assert personas.employee.is_admin is False
    delete = client.get(f"/django-admin/accounts/user/{personas.employee.pk}/delete/")
    assert delete.status_code == 403


def test_forbidden_page_uses_app_layout(client, personas):
    client.force_login(personas.employee)
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


# --- The language switch only ever returns to a page of this site ---------------------------


@pytest.mark.parametrize(
    "next_url",
    ["foo", "//evil.test/", "/\\evil.test", "https:evil.test", "https://evil.test/", ""],
)
def test_language_switch_with_unsafe_next_goes_home(client, db, next_url):
    response = client.post(reverse("accounts:set_language"), {"language": "nb", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert response.cookies["django_language"].value == "nb"


@pytest.mark.parametrize(
    "data", [{"language": "xx", "next": "foo"}, {"language": "nb", "next": "\x00/"}]
)
def test_refused_language_switch_with_unsafe_next_goes_home(client, db, data):
    response = client.post(reverse("accounts:set_language"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "django_language" not in response.cookies


def test_language_switch_returns_to_a_local_page_with_its_query(client, db):
    response = client.post(
        reverse("accounts:set_language"), {"language": "nb", "next": "/library/?topic=3&q=a b"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/library/?topic=3&q=a%20b"


def test_language_switch_with_a_newline_in_next_stays_on_site(client, db):
    response = client.post(reverse("accounts:set_language"), {"language": "nb", "next": "/a\r\nb"})
    assert response.status_code == 302
    assert response["Location"].startswith("/a")
    assert "\n" not in response["Location"]
