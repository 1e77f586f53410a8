import io

import pytest

from accounts import demo as accounts_demo
from accounts.models import User
from training import demo, selectors
from training.models import Completion, GuidelineVersion, Module, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(settings):
    accounts_demo.build(stdout=io.StringIO())
    demo.build(stdout=io.StringIO())


def test_demo_builds_programme_with_gate_on_and_two_versions(built):
    programme = Programme.objects.get()
    assert programme.sharing_gate_enabled is True
    assert (programme.disclosure_en, programme.disclosure_nb) == ("#employee", "#ansatt")
    assert list(GuidelineVersion.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
    ]


def test_demo_journey_employee_must_acknowledge_v2_and_complete_required(built):
    employee = User.objects.get(email="employee@example.com")
    gate = selectors.sharing_gate(user=employee)
    assert [step.url for step in gate.missing] == [
        "/programme/#guidelines",
        f"/programme/training/{Module.objects.get(title='Our posting guidelines').pk}/",
    ]
    assert employee.guideline_acknowledgements.get().version.number == 1


def test_demo_is_idempotent(built):
    counts = (Module.objects.count(), Completion.objects.count(), GuidelineVersion.objects.count())
    demo.build(stdout=io.StringIO())
    assert (
        Module.objects.count(),
        Completion.objects.count(),
        GuidelineVersion.objects.count(),
    ) == counts


def test_demo_spreads_progress_across_people(built):
    people = User.objects.active().count()
    completed = Completion.objects.values("user").distinct().count()
    assert 0.3 * people < completed < people
