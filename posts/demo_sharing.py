"""Demo share history: 90 days of shares by most demo employees, with their clicks.

Runs after the library demo and uses whatever approved items exist (none: zero shares).
Idempotent: the demo's own shares (codes starting with ``demo``) are replaced on each run.
Clicks are written directly as counted click rows plus daily totals — the rows the flush
would have written. Bots, prefetches and the sharers' own visits were never counted, so they
leave no rows; repeat visits by the same visitor on a day show as clicks above uniques.
"""

import hashlib
import random
import secrets
from collections import defaultdict
from datetime import UTC, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import SocialProfile, User
from posts.models import Caption, Click, ContentItem, Share, ShareDailyClicks
from posts.networks import Network

DEMO_CODE_PREFIX = "demo"
DAYS = 90
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
        .filter(Q(email__endswith="@example.com"), memberships__isnull=False)
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
        if person.email == "employee@example.com":
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
                    created_at=now - timedelta(days=rng.uniform(0, DAYS)),
                )
            )
    shares = Share.objects.bulk_create(shares, batch_size=1000)

    clicks = []
    for share in shares:
        # Human clicks: most links get a handful, a few get many (followers matter).
        expected = share.followers_at_share / 100 * rng.lognormvariate(1.6, 0.9)
        visitors = [secrets.token_hex(32) for _ in range(max(1, int(expected * 0.7)))]
        for _ in range(int(expected)):
            # Most clicks come in the first two days after the share.
            at = share.created_at + timedelta(hours=rng.expovariate(1 / 18))
            if at >= now:
                continue
            visitor = rng.choice(visitors)  # repeats: the same visitor clicks again
            clicks.append(
                Click(
                    event_id=hashlib.md5(f"{share.code}{len(clicks)}".encode()).hexdigest(),  # noqa: S324
                    share=share,
                    clicked_at=at,
                    day=at.astimezone(UTC).date(),
                    visitor_hash=hashlib.sha256(f"{visitor}{at.date()}".encode()).hexdigest(),
                )
            )
    Click.objects.bulk_create(clicks, batch_size=2000)

    totals: dict = defaultdict(lambda: [0, set()])
    for click in clicks:
        total = totals[(click.share.id, click.day)]
        total[0] += 1
        total[1].add(click.visitor_hash)
    ShareDailyClicks.objects.bulk_create(
        [
            ShareDailyClicks(share_id=share_id, day=day, clicks=n, unique_visitors=len(v))
            for (share_id, day), (n, v) in totals.items()
        ],
        batch_size=2000,
    )
    stdout.write(
        f"Sharing demo: {len(shares)} shares by {len({s.user_id for s in shares})} people, "
        f"{len(clicks)} counted clicks."
    )
