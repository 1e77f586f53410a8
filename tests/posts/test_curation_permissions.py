"""Who curates what: content aimed at everyone is for admins and company-wide curators only;
with "two people approve" on nobody approves what they created or suggested; changing an
approved item's URL is audited with both addresses."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.audit import AuditAction
from accounts.models import AuditEvent
from posts.models import ContentItem, ContentStatus
from posts.services import comments as comment_services
from posts.services import content as services
from tests.factories import MembershipFactory, UserFactory, give_mfa
from tests.posts.factories import CommentFactory, ContentItemFactory
from training.models import PROGRAMME_ID, Programme

pytestmark = pytest.mark.django_db


def _in_review(**kwargs):
    return ContentItemFactory(status=ContentStatus.IN_REVIEW, approved_at=None, **kwargs)


def _company_curator(user):
    user.company_curator = True
    user.save(update_fields=["company_curator"])
    return user


@pytest.fixture
def two_people_approve():
    return Programme.objects.create(pk=PROGRAMME_ID, two_person_approval=True)


def _denied(user):
    return AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user)


# --- Content aimed at everyone ----------------------------------------------------------------


def test_plain_manager_cannot_approve_item_for_everyone(personas):
    item = _in_review()
    with pytest.raises(services.ContentPermissionError) as exc:
        services.content_approve(item=item, by=personas.manager_a)
    assert str(exc.value) == "You cannot curate this item."
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW


def test_plain_manager_approve_view_of_item_for_everyone_is_404_and_audited(client, personas):
    item = _in_review()
    client.force_login(personas.manager_a)
    response = client.post(reverse("posts:item_approve", args=[item.pk]))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW
    [event] = _denied(personas.manager_a)
    assert (event.target_type, event.target_id) == ("posts.contentitem", str(item.pk))


def test_plain_manager_cannot_change_the_url_of_an_item_for_everyone(personas):
    item = ContentItemFactory(url="https://example.com/original")
    with pytest.raises(services.ContentPermissionError):
        services.content_update(
            item=item, by=personas.manager_a, url="https://evil.example/", title="Hijacked"
        )
    item.refresh_from_db()
    assert item.url == "https://example.com/original"


def test_plain_manager_edit_page_of_item_for_everyone_is_404(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.manager_a)
    assert client.get(reverse("posts:item_edit", args=[item.pk])).status_code == 404
    assert _denied(personas.manager_a).count() == 1


def test_plain_manager_cannot_aim_a_new_item_at_everyone(personas):
    with pytest.raises(services.ContentPermissionError) as exc:
        services.content_create(by=personas.manager_a, url="https://example.com/a")
    assert str(exc.value) == (
        "For everyone: only admins and company-wide curators can aim content at everyone. "
        "Choose the teams you manage."
    )
    assert ContentItem.objects.count() == 0


def test_plain_manager_item_form_has_for_everyone_switched_off(client, personas):
    client.force_login(personas.manager_a)
    form = client.get(reverse("posts:item_create")).context["form"]
    assert (form["target_everyone"].field.disabled, form["target_everyone"].value()) == (
        True,
        False,
    )


def test_plain_manager_posting_for_everyone_gets_the_team_error(client, personas):
    client.force_login(personas.manager_a)
    response = client.post(
        reverse("posts:item_create"),
        {"url": "https://example.com/a", "title": "A", "target_everyone": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["target_teams"] == [
        "Target teams: choose at least one team, or target everyone."
    ]
    assert ContentItem.objects.count() == 0


def test_plain_manager_still_curates_items_for_their_team(personas):
    item = _in_review(target_teams=[personas.team_a])
    services.content_approve(item=item, by=personas.manager_a)
    item.refresh_from_db()
    assert (item.status, item.approved_by) == (ContentStatus.APPROVED, personas.manager_a)


def test_company_curator_approves_item_for_everyone(personas):
    item = _in_review()
    services.content_approve(item=item, by=_company_curator(personas.manager_a))
    item.refresh_from_db()
    assert (item.status, item.approved_by) == (ContentStatus.APPROVED, personas.manager_a)


def test_company_curator_edits_the_url_of_an_item_for_everyone(personas):
    item = ContentItemFactory(url="https://example.com/original")
    services.content_update(
        item=item,
        by=_company_curator(personas.manager_a),
        url="https://example.com/moved",
        title=item.title,
    )
    item.refresh_from_db()
    assert item.url == "https://example.com/moved"


def test_company_curator_creates_item_for_everyone(client, personas):
    client.force_login(_company_curator(personas.manager_a))
    response = client.post(
        reverse("posts:item_create"),
        {"url": "https://example.com/a", "title": "A", "target_everyone": "on"},
    )
    assert response.status_code == 302
    assert ContentItem.objects.get().target_everyone is True


def test_company_curator_who_is_no_manager_curates_nothing(personas):
    item = _in_review()
    with pytest.raises(services.ContentPermissionError):
        services.content_approve(item=item, by=_company_curator(personas.employee))


def test_admin_approves_item_for_everyone(personas):
    item = _in_review()
    services.content_approve(item=item, by=personas.admin)
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED


def test_review_queue_of_plain_manager_offers_no_item_for_everyone(client, personas):
    ContentItemFactory(title="For everyone", status=ContentStatus.IN_REVIEW)
    ContentItemFactory(
        title="Suggestion", status=ContentStatus.IN_REVIEW, suggested_by=personas.employee
    )
    team_item = _in_review(title="For Team A", target_teams=[personas.team_a])
    client.force_login(personas.manager_a)
    response = client.get(reverse("posts:review"))
    assert list(response.context["page"].object_list) == [team_item]
    assert {s: n for s, _label, n in response.context["tabs"]}["IN_REVIEW"] == 1


def test_review_queue_of_company_curator_offers_items_for_everyone(client, personas):
    everyone = _in_review(title="For everyone")
    team_item = _in_review(title="For Team A", target_teams=[personas.team_a])
    _in_review(title="For Team B", target_teams=[personas.team_b])
    client.force_login(_company_curator(personas.manager_a))
    response = client.get(reverse("posts:review"))
    assert set(response.context["page"].object_list) == {everyone, team_item}


def test_bulk_approve_by_plain_manager_skips_items_for_everyone(client, personas):
    everyone = _in_review()
    team_item = _in_review(target_teams=[personas.team_a])
    done, skipped = services.content_bulk_action(
        by=personas.manager_a, item_ids=[everyone.pk, team_item.pk], action="approve"
    )
    assert (done, skipped) == (1, 1)
    everyone.refresh_from_db()
    assert everyone.status == ContentStatus.IN_REVIEW


def test_plain_manager_still_removes_comments_under_item_for_everyone(personas):
    comment = CommentFactory(item=ContentItemFactory())
    comment_services.comment_remove(comment=comment, by=personas.manager_a)
    comment.refresh_from_db()
    assert comment.removed_by == personas.manager_a


def test_item_page_of_item_for_everyone_shows_no_curation_to_plain_manager(client, personas):
    item = ContentItemFactory()
    client.force_login(personas.manager_a)
    response = client.get(reverse("posts:item_detail", args=[item.pk]))
    assert response.status_code == 200
    assert (response.context["can_curate"], response.context["can_moderate"]) == (False, True)
    assert reverse("posts:item_edit", args=[item.pk]) not in response.content.decode()


# --- Naming company-wide curators -------------------------------------------------------------


def test_admin_names_a_company_curator_on_the_person_page(client, personas):
    client.force_login(personas.admin)
    page = client.get(reverse("accounts:person_detail", args=[personas.manager_a.pk]))
    assert "Make company-wide curator" in page.content.decode()
    response = client.post(
        reverse("accounts:person_set_company_curator", args=[personas.manager_a.pk]),
        {"company_curator": "true"},
    )
    assert response.status_code == 302
    personas.manager_a.refresh_from_db()
    assert personas.manager_a.company_curator is True
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert (event.actor, event.target_id) == (personas.admin, str(personas.manager_a.pk))
    assert event.detail == {"role": "company_curator", "granted": True}


def test_admin_removes_a_company_curator(client, personas):
    _company_curator(personas.manager_a)
    client.force_login(personas.admin)
    client.post(
        reverse("accounts:person_set_company_curator", args=[personas.manager_a.pk]),
        {"company_curator": "false"},
    )
    personas.manager_a.refresh_from_db()
    assert personas.manager_a.company_curator is False
    assert AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED).detail["granted"] is False


def test_manager_cannot_name_themself_company_curator(client, personas):
    client.force_login(personas.manager_a)
    response = client.post(
        reverse("accounts:person_set_company_curator", args=[personas.manager_a.pk]),
        {"company_curator": "true"},
    )
    assert response.status_code == 403
    personas.manager_a.refresh_from_db()
    assert personas.manager_a.company_curator is False


# --- Two people approve -------------------------------------------------------------------------


def test_two_people_approve_is_off_by_default(personas):
    item = _in_review(created_by=personas.admin)
    services.content_approve(item=item, by=personas.admin)
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED


def test_two_people_approve_refuses_the_author(personas, two_people_approve):
    item = _in_review(created_by=personas.admin)
    with pytest.raises(services.ContentPermissionError) as exc:
        services.content_approve(item=item, by=personas.admin)
    assert str(exc.value) == (
        "Two people approve: someone other than the person who created or suggested this item "
        "must approve it."
    )
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW


def test_two_people_approve_refuses_the_suggester(personas, two_people_approve):
    item = _in_review(created_by=personas.manager_a, suggested_by=personas.manager_a)
    with pytest.raises(services.ContentPermissionError):
        services.content_approve(item=item, by=_company_curator(personas.manager_a))


def test_two_people_approve_lets_another_curator_approve(personas, two_people_approve):
    item = _in_review(created_by=personas.manager_a, target_teams=[personas.team_a])
    services.content_approve(item=item, by=personas.admin)
    item.refresh_from_db()
    assert (item.status, item.approved_by) == (ContentStatus.APPROVED, personas.admin)


def test_two_people_approve_error_is_in_norwegian(client, personas, two_people_approve):
    personas.admin.language = "nb"
    personas.admin.save(update_fields=["language"])
    item = _in_review(created_by=personas.admin)
    client.force_login(personas.admin)
    response = client.post(reverse("posts:item_approve", args=[item.pk]), follow=True)
    assert (
        "To godkjenner: noen andre enn den som laget eller foreslo innholdet må godkjenne det."
        in response.content.decode()
    )
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW


def test_item_page_hides_approve_from_the_author(client, personas, two_people_approve):
    item = _in_review(created_by=personas.admin)
    client.force_login(personas.admin)
    response = client.get(reverse("posts:item_detail", args=[item.pk]))
    assert (response.context["can_curate"], response.context["can_approve"]) == (True, False)
    assert reverse("posts:item_approve", args=[item.pk]) not in response.content.decode()


def test_item_page_offers_approve_to_another_curator(client, personas, two_people_approve):
    item = _in_review(created_by=personas.manager_a)
    client.force_login(personas.admin)
    response = client.get(reverse("posts:item_detail", args=[item.pk]))
    assert reverse("posts:item_approve", args=[item.pk]) in response.content.decode()


def test_bulk_approve_skips_own_items_when_two_people_approve(personas, two_people_approve):
    own = _in_review(created_by=personas.admin)
    other = _in_review(created_by=personas.manager_a)
    done, skipped = services.content_bulk_action(
        by=personas.admin, item_ids=[own.pk, other.pk], action="approve"
    )
    assert (done, skipped) == (1, 1)
    own.refresh_from_db()
    assert own.status == ContentStatus.IN_REVIEW


def test_programme_settings_page_switches_two_people_approve_on(client, personas):
    client.force_login(personas.admin)
    page = client.get(reverse("training:manage_settings"))
    assert "two_person_approval" in page.context["form"].fields
    response = client.post(reverse("training:manage_settings"), {"two_person_approval": "on"})
    assert response.status_code == 302
    assert Programme.objects.get().two_person_approval is True
    event = AuditEvent.objects.get(action=AuditAction.SETTINGS_CHANGED)
    assert event.detail["fields"] == ["two_person_approval"]


# --- An approved item's URL ---------------------------------------------------------------------


def test_changing_an_approved_items_url_is_audited_with_both_urls(personas):
    item = ContentItemFactory(url="https://example.com/original")
    services.content_update(
        item=item, by=personas.admin, url="https://example.com/moved", title=item.title
    )
    [event] = AuditEvent.objects.filter(action=AuditAction.CONTENT_URL_CHANGED)
    assert (event.actor, event.target_id) == (personas.admin, str(item.pk))
    assert event.detail == {
        "old_url": "https://example.com/original",
        "new_url": "https://example.com/moved",
    }


def test_keeping_an_approved_items_url_writes_no_url_event(personas):
    item = ContentItemFactory(url="https://example.com/original")
    services.content_update(item=item, by=personas.admin, url=item.url, title="New title")
    assert not AuditEvent.objects.filter(action=AuditAction.CONTENT_URL_CHANGED).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CONTENT_EDITED).count() == 1


def test_changing_a_drafts_url_writes_no_url_event(personas):
    item = ContentItemFactory(url="https://example.com/original", status=ContentStatus.DRAFT)
    services.content_update(
        item=item, by=personas.admin, url="https://example.com/moved", title=item.title
    )
    assert not AuditEvent.objects.filter(action=AuditAction.CONTENT_URL_CHANGED).exists()


def test_url_changed_audit_label_is_translated(personas):
    item = ContentItemFactory()
    services.content_update(
        item=item, by=personas.admin, url="https://example.com/moved", title=item.title
    )
    event = AuditEvent.objects.get(action=AuditAction.CONTENT_URL_CHANGED)
    with translation.override("nb"):
        assert event.action_label == "URL til godkjent innhold endret"


def test_audit_log_page_shows_the_url_change(client, personas):
    item = ContentItemFactory(url="https://example.com/original")
    services.content_update(
        item=item, by=personas.admin, url="https://example.com/moved", title=item.title
    )
    client.force_login(personas.admin)
    body = client.get(reverse("accounts:audit_log")).content.decode()
    assert "URL of approved content changed" in body
    assert "https://example.com/moved" in body


# --- Another team's manager, for completeness -------------------------------------------------


def test_manager_of_sub_team_parent_curates_items_for_the_sub_team(personas):
    sub_team = MembershipFactory(team__parent=personas.team_a).team
    item = _in_review(target_teams=[sub_team])
    services.content_approve(item=item, by=personas.manager_a)
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED


def test_new_manager_without_flag_cannot_curate_for_everyone(client, personas):
    manager = UserFactory()
    MembershipFactory(user=manager, team=personas.team_b, is_manager=True)
    give_mfa(manager)
    item = _in_review()
    client.force_login(manager)
    assert client.post(reverse("posts:item_approve", args=[item.pk])).status_code == 404
