import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from tests.training.factories import (
    CompletionFactory,
    GuidelineVersionFactory,
    ModuleFactory,
    answers_for,
    quiz_module,
)
from training import selectors, services

pytestmark = pytest.mark.django_db


def test_sharing_gate_off_allows_everyone(personas):
    GuidelineVersionFactory(number=1)
    ModuleFactory(is_required=True)
    gate = selectors.sharing_gate(user=personas.employee)
    assert (gate.allowed, gate.missing) == (True, [])


def test_sharing_gate_on_lists_missing_steps_as_links(personas, programme):
    GuidelineVersionFactory(number=1)
    module = ModuleFactory(title="Rules of the road", is_required=True)
    ModuleFactory(title="Optional", is_required=False)
    gate = selectors.sharing_gate(user=personas.employee)
    assert gate.allowed is False
    assert [(s.label, s.url) for s in gate.missing] == [
        ("Read and acknowledge the posting guidelines", "/programme/#guidelines"),
        (
            "Complete the required module “Rules of the road”",
            reverse("training:module", args=[module.pk]),
        ),
    ]


def test_sharing_gate_on_allows_after_every_step(personas, programme):
    GuidelineVersionFactory(number=1)
    module = quiz_module(is_required=True)
    services.guidelines_acknowledge(user=personas.employee)
    services.quiz_submit(
        user=personas.employee, module=module, chosen=answers_for(module, correct=True)
    )
    assert selectors.sharing_gate(user=personas.employee).allowed is True


def test_sharing_gate_new_guidelines_version_closes_it_again(personas, programme):
    GuidelineVersionFactory(number=1)
    services.guidelines_acknowledge(user=personas.employee)
    assert selectors.sharing_gate(user=personas.employee).allowed is True
    services.guidelines_publish(by=personas.admin, body_en="v2", change_summary="New")
    assert selectors.sharing_gate(user=personas.employee).allowed is False


def test_sharing_gate_ignores_required_module_for_other_audience(personas, programme):
    ModuleFactory(is_required=True, audience="MANAGERS")
    assert selectors.sharing_gate(user=personas.employee).allowed is True
    assert selectors.sharing_gate(user=personas.manager_a).allowed is False


def test_sharing_gate_ignores_required_module_for_other_team(personas, programme):
    module = ModuleFactory(is_required=True)
    module.teams.set([personas.team_b])
    assert selectors.sharing_gate(user=personas.employee).allowed is True
    assert selectors.sharing_gate(user=personas.employee_b).allowed is False


def test_sharing_gate_ignores_unpublished_required_module(personas, programme):
    ModuleFactory(is_required=True, is_published=False)
    assert selectors.sharing_gate(user=personas.employee).allowed is True


def test_sharing_gate_completed_module_is_not_missing(personas, programme):
    module = ModuleFactory(is_required=True)
    CompletionFactory(user=personas.employee, module=module)
    assert selectors.sharing_gate(user=personas.employee).allowed is True


def test_sharing_gate_anonymous_is_not_allowed(programme):
    assert selectors.sharing_gate(user=AnonymousUser()).allowed is False


def test_module_due_date_relative_to_joining(personas):
    module = ModuleFactory(is_required=True, due_days_after_joining=30)
    joined = timezone.localdate(personas.employee.date_joined)
    assert selectors.module_due_date(
        module=module, user=personas.employee
    ) == joined + dt.timedelta(days=30)


def test_module_due_date_fixed(personas):
    module = ModuleFactory(is_required=True, due_date=dt.date(2027, 1, 31))
    assert selectors.module_due_date(module=module, user=personas.employee) == dt.date(2027, 1, 31)


def test_programme_page_shows_gate_steps(client, personas, programme):
    GuidelineVersionFactory(number=1)
    client.force_login(personas.employee)
    html = client.get(reverse("training:programme")).content.decode()
    assert 'href="/programme/#guidelines">Read and acknowledge the posting guidelines</a>' in html


def test_settings_form_turns_gate_off(client, personas, programme):
    client.force_login(personas.admin)
    response = client.post(reverse("training:manage_settings"), {})
    programme.refresh_from_db()
    assert response.status_code == 302
    assert programme.sharing_gate_enabled is False


def test_settings_form_employee_is_forbidden_and_nothing_changes(client, personas, programme):
    client.force_login(personas.employee)
    response = client.post(reverse("training:manage_settings"), {})
    programme.refresh_from_db()
    assert response.status_code == 403
    assert programme.sharing_gate_enabled is True
