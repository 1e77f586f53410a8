import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings

from accounts.models import SocialProfile, Team, TeamMembership, User
from ambassador.networks import Network

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("name")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    is_manager = False


class SocialProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialProfile

    user = factory.SubFactory(UserFactory)
    network = Network.LINKEDIN
    followers_count = 100


def give_mfa(user: User) -> None:
    """Give ``user`` a TOTP authenticator so staff pages open for them."""
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )


__all__ = ["PASSWORD", "settings"]
