"""A real Celery worker on the Redis broker sends an invitation and marks it sent in PostgreSQL."""

import pytest

from accounts.models import Invitation
from accounts.services import invitation_create
from tests.factories import UserFactory


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_sends_invitation_and_marks_it_sent(celery_worker):
    admin = UserFactory(is_admin=True)
    invitation = invitation_create(email="worker@elsewhere.test", team=None, invited_by=admin)
    assert celery_worker.wait_for(
        lambda: (
            Invitation.objects.values_list("sent_at", flat=True).get(pk=invitation.pk) is not None
        )
    )
