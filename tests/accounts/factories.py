from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import AllowedDomain, AuditEvent, Invitation, Notification
from tests.factories import UserFactory


class AllowedDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllowedDomain
        django_get_or_create = ["domain"]

    domain = "acme.test"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@elsewhere.test")
    invited_by = factory.SubFactory(UserFactory, is_admin=True)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "TEST"
    title = factory.Sequence(lambda n: f"Notification {n}")


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    action = "LOGIN"
    actor_label = "someone@example.com"
