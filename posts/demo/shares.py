"""Demo share history: 90 days of shares by most demo employees, with their clicks.

Runs after the demo content and uses whatever approved items exist (none: zero shares).
Idempotent: the demo's own shares (codes starting with ``demo``) are replaced on each run.
The summary line reports the clicks and unique visitors the click store counted.
"""

import random
import secrets
from datetime import timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from accounts.models import SocialProfile, User
from ambassador.networks import Network
from posts.demo import clicks
from posts.models import Caption, ContentItem, Share, ShareDailyClicks

DEMO_CODE_PREFIX = "demo"
DAYS = 90
FEATURED_EMAIL = "employee@example.com"
# Networks people actually use, roughly: LinkedIn first.
NETWORK_WEIGHTS = [
    (Network.LINKEDIN, 50),
    (Network.X, 12),
    (Network.FACEBOOK, 15),
    (Network.MASTODON, 10),
    (Network.BLUESKY, 13),
]


def _code() -> str:
    return DEMO_CODE_PREFIX + secrets.token_urlsafe(6)


def build(*, stdout) -> None:
    rng = random.Random(4242)
    now = timezone.now()
    Share.objects.filter(code__startswith=DEMO_CODE_PREFIX).delete()

    items = list(ContentItem.objects.approved().order_by("id"))
    if not items:
        stdout.write("Sharing demo: no approved items, 0 shares.")
        return
    people = list(
        User.objects.active()
        .filter(
            Q(email__endswith="@example.com") | Q(email__endswith="@demo.example.com"),
            memberships__isnull=False,
        )
        .distinct()
        .order_by("id")
    )
    followers = {
        (p.user_id, p.network): p.followers_count
        for p in SocialProfile.objects.filter(user__in=people)
    }
    captions = {
        (c.item_id, c.network): c.text
        for c in Caption.objects.filter(item__in=items, language="en")
    }
    networks = [n for n, _w in NETWORK_WEIGHTS]
    weights = [w for _n, w in NETWORK_WEIGHTS]

    shares = []
    for person in people:
        featured = person.email == FEATURED_EMAIL
        if featured:
            count = 6
        elif rng.random() < 0.25:
            continue  # some people never share
        else:
            count = rng.choice([1, 1, 2, 2, 3, 4, 5])
        for item in rng.sample(items, min(count, len(items))):
            network = rng.choices(networks, weights)[0]
            shares.append(
                Share(
                    user=person,
                    item=item,
                    network=network,
                    caption=captions.get((item.id, network), item.title),
                    followers_at_share=followers.get(
                        (person.id, network), max(10, int(rng.gauss(100, 40)))
                    ),
                    code=_code(),
                    # The featured employee's links are a few days old: they have clicks.
                    created_at=now - timedelta(days=rng.uniform(3 if featured else 0, DAYS)),
                )
            )
    shares = Share.objects.bulk_create(shares, batch_size=1000)
    clicks.build(shares, rng=rng, now=now, featured_email=FEATURED_EMAIL)

    counted = ShareDailyClicks.objects.filter(share__code__startswith=DEMO_CODE_PREFIX).aggregate(
        clicks=Sum("clicks", default=0), uniques=Sum("unique_visitors", default=0)
    )
    stdout.write(
        f"Sharing demo: {len(shares)} shares by {len({s.user_id for s in shares})} people, "
        f"{counted['clicks']} counted clicks from {counted['uniques']} unique visitors a day."
    )
