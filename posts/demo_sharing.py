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
import uuid
from collections import defaultdict
from datetime import UTC, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import SocialProfile, User
from posts.models import Caption, Click, ContentItem, Share, ShareDailyClicks
from posts.networks import Network

DEMO_CODE_PREFIX = "demo"
DAYS = 90
FEATURED_EMAIL = "employee@example.com"
# How often a visitor who opened a link opens it again (the chance of each further visit).
REPEAT_CHANCE = 0.3
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


def _visits(share, *, rng, now, clicks: list, not_counted: dict) -> None:
    """The human clicks one share received, plus the visits that were never counted.

    People: about one in twenty of the sharer's followers (a few links do far better),
    most of them within a day or two of the share. Some come back (mostly the same day),
    which shows as clicks above unique visitors. Every link also gets a few link-preview
    and crawler fetches and sometimes the sharer's own look: redirected, never counted,
    so they leave no rows — they only show in the summary line.
    """
    featured = share.user.email == FEATURED_EMAIL
    people = round(share.followers_at_share / 20 * rng.lognormvariate(-0.5, 0.9))
    if featured:
        people = max(people, 3)
    not_counted["bots"] += rng.randint(2, 7)
    not_counted["own"] += rng.random() < 0.4
    for _person in range(people):
        visitor = f"{rng.getrandbits(128):032x}"
        at = share.created_at + timedelta(hours=rng.expovariate(1 / 18))
        while at < now:
            day = at.astimezone(UTC).date()
            clicks.append(
                Click(
                    event_id=uuid.UUID(int=rng.getrandbits(128)),
                    share=share,
                    clicked_at=at,
                    day=day,
                    # What a day's salted hash does: the same person is one visitor a day.
                    visitor_hash=hashlib.sha256(f"{visitor}|{day}".encode()).hexdigest(),
                )
            )
            if rng.random() >= REPEAT_CHANCE:
                break
            at += timedelta(hours=rng.expovariate(1 / 3))


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

    clicks = []
    not_counted = {"bots": 0, "own": 0}
    for share in shares:
        _visits(share, rng=rng, now=now, clicks=clicks, not_counted=not_counted)
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
    uniques = sum(len(v) for _n, v in totals.values())
    stdout.write(
        f"Sharing demo: {len(shares)} shares by {len({s.user_id for s in shares})} people, "
        f"{len(clicks)} counted clicks from {uniques} unique visitors a day; "
        f"{not_counted['bots']} link-preview and crawler fetches and {not_counted['own']} "
        "of the sharers' own visits were redirected but not counted."
    )
