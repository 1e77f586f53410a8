"""Demo people and teams: the essay's company of about 100 employees with ~100 followers each."""

import random

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.connections import demo as connections_demo
from accounts.models import AllowedDomain, SocialProfile, Team, TeamMembership, User
from ambassador.networks import Network

TEAMS = [
    # (slug, name, parent slug)
    ("sales", "Sales", None),
    ("marketing", "Marketing", None),
    ("engineering", "Engineering", None),
    ("platform", "Platform", "engineering"),
    ("customer-success", "Customer Success", None),
    ("people", "People & Culture", None),
]

FIRST_NAMES = [
    "Ingrid",
    "Ola",
    "Kari",
    "Lars",
    "Nora",
    "Emil",
    "Sofie",
    "Jonas",
    "Maja",
    "Henrik",
    "Ida",
    "Magnus",
    "Thea",
    "Sander",
    "Emma",
    "Mathias",
    "Sara",
    "Kristian",
    "Hanna",
    "Tobias",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
]

# (email, display name, language, is_admin, team slugs managed, team slugs member of)
NAMED = [
    ("admin@example.com", "Astrid Admin", "en", True, [], ["people"]),
    ("manager@example.com", "Marius Manager", "en", False, ["sales"], ["sales"]),
    ("manager2@example.com", "Mette Manager", "nb", False, ["engineering"], ["engineering"]),
    ("manager3@example.com", "Morten Manager", "nb", False, ["marketing"], ["marketing"]),
    ("employee@example.com", "Eva Employee", "en", False, [], ["sales"]),
]
EMPLOYEE_COUNT = 100


def build(*, stdout) -> None:
    rng = random.Random(2026)
    password = make_password(settings.DEMO_PASSWORD)
    teams = {}
    for slug, name, parent in TEAMS:
        team, _ = Team.objects.update_or_create(
            slug=slug, defaults={"name": name, "parent": teams.get(parent)}
        )
        teams[slug] = team

    people = []
    for email, name, language, is_admin, manages, member_of in NAMED:
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={
                "display_name": name,
                "language": language,
                "is_admin": is_admin,
                "is_active": True,
                "password": password,
            },
        )
        for slug in set(member_of) | set(manages):
            TeamMembership.objects.update_or_create(
                team=teams[slug], user=user, defaults={"is_manager": slug in manages}
            )
        people.append(user)

    generic_slugs = [slug for slug, _, _ in TEAMS]
    existing = set(
        User.objects.filter(email__endswith="@demo.example.com").values_list("email", flat=True)
    )
    new_users = []
    for index in range(1, EMPLOYEE_COUNT - len(NAMED) + 1):
        email = f"employee{index:03d}@demo.example.com"
        if email in existing:
            continue
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        new_users.append(
            User(
                email=email,
                display_name=f"{first} {last}",
                language=rng.choice(["en", "nb", "nb"]),
                password=password,
            )
        )
    User.objects.bulk_create(new_users)
    generated = list(User.objects.filter(email__endswith="@demo.example.com").order_by("email"))
    memberships = []
    for index, user in enumerate(generated):
        slug = generic_slugs[index % len(generic_slugs)]
        memberships.append(TeamMembership(team=teams[slug], user=user))
    TeamMembership.objects.bulk_create(memberships, ignore_conflicts=True)

    everyone = people + generated
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in everyone],
        ignore_conflicts=True,
    )
    EmailAddress.objects.filter(user__in=everyone).update(verified=True)
    profiles = [
        SocialProfile(
            user=u,
            network=Network.LINKEDIN,
            handle=u.email.split("@")[0],
            followers_count=max(10, int(rng.gauss(100, 30))),
        )
        for u in everyone
    ]
    SocialProfile.objects.bulk_create(profiles, ignore_conflicts=True)
    # Colleagues at the demo company's domain may sign up on their own.
    AllowedDomain.objects.get_or_create(domain="example.com")
    stdout.write(f"People: {len(everyone)} in {len(teams)} teams.")
    connections_demo.build(stdout=stdout)
