"""Service functions that views share: refusing with an audited 404."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from accounts.audit import AuditAction
from accounts.models import AuditEvent
from accounts.services import deny_and_404

pytestmark = pytest.mark.django_db


def test_deny_and_404_records_the_attempt_and_raises_404(personas):
    request = RequestFactory().get(f"/people/teams/{personas.team_b.pk}/")
    request.user = personas.manager_a

    with pytest.raises(Http404):
        deny_and_404(request=request, target=personas.team_b)

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.ACCESS_DENIED
    assert event.actor == personas.manager_a
    assert event.actor_label == personas.manager_a.email
    assert event.target_type == "accounts.team"
    assert event.target_id == str(personas.team_b.pk)
    assert event.detail == {"path": f"/people/teams/{personas.team_b.pk}/"}


def test_deny_and_404_without_a_target_still_records_the_path(personas):
    request = RequestFactory().get("/people/999/")
    request.user = personas.employee

    with pytest.raises(Http404):
        deny_and_404(request=request)

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.ACCESS_DENIED
    assert event.target_type == ""
    assert event.detail == {"path": "/people/999/"}
