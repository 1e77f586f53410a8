"""Demo reach metrics: EMV rates in NOK (one changed mid-period), the shares on networks that
report engagement posted through connected accounts with their engagement readings, a few
people on the leaderboard, a team below the minimum group size (shown with its parent), and
the rollups of the last 90 days.

Runs after the demo shares. Idempotent: rates and readings of the demo are replaced, the
small team is made once, and the rollups are rebuilt.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import Team, TeamMembership, User
from posts.models import (
    CollectStatus,
    EngagementReading,
    LeaderboardOptIn,
    MetricRate,
    Share,
    ShareStatus,
)
from posts.services.metrics import metrics_rebuild, metrics_rollup, programme_day

SMALL_TEAM = ("brand-studio", "Brand Studio", "marketing")
SMALL_TEAM_SIZE = 3
OPTED_IN = ["employee@example.com", "manager@example.com"]
OPTED_IN_GENERATED = 6
DAYS = 100
# CPM, CPC and reaction weight in NOK per network.
RATES = {
    "LINKEDIN": ("120.00", "9.00", "0.500"),
    "X": ("45.00", "4.00", "0.300"),
    "FACEBOOK": ("60.00", "5.00", "0.400"),
    "MASTODON": ("30.00", "3.00", "0.500"),
    "BLUESKY": ("30.00", "3.00", "0.500"),
}
# LinkedIn's rates went up three weeks ago: the dashboards use each day's rate.
LINKEDIN_NEW = ("140.00", "10.00", "0.500")
# What each network reports: reactions, reposts, replies, quotes, impressions.
REPORTS = {
    "X": (True, True, True, True, True),
    "MASTODON": (True, True, True, False, False),
    "BLUESKY": (True, True, True, True, False),
}


def _small_team() -> Team | None:
    slug, name, parent_slug = SMALL_TEAM
    parent = Team.objects.filter(slug=parent_slug).first()
    if parent is None:
        return None
    team, _ = Team.objects.update_or_create(slug=slug, defaults={"name": name, "parent": parent})
    members = TeamMembership.objects.filter(team=team).count()
    if members < SMALL_TEAM_SIZE:
        moving = list(
            TeamMembership.objects.filter(
                team=parent, is_manager=False, user__email__endswith="@demo.example.com"
            )
            .order_by("user__email")
            .values_list("user_id", flat=True)[: SMALL_TEAM_SIZE - members]
        )
        TeamMembership.objects.filter(team=parent, user_id__in=moving).delete()
        TeamMembership.objects.bulk_create(
            [TeamMembership(team=team, user_id=user_id) for user_id in moving],
            ignore_conflicts=True,
        )
    # The people demo puts everyone back in their generic team on each run: move them again.
    TeamMembership.objects.filter(
        team=parent, user_id__in=TeamMembership.objects.filter(team=team).values("user_id")
    ).delete()
    return team


def _rates(today: dt.date) -> None:
    MetricRate.objects.filter(created_by__isnull=True).delete()
    start = today - dt.timedelta(days=DAYS + 30)
    rows = [
        MetricRate(
            network=network,
            currency="NOK",
            cpm=Decimal(cpm),
            cpc=Decimal(cpc),
            reaction_weight=Decimal(weight),
            effective_date=start,
        )
        for network, (cpm, cpc, weight) in RATES.items()
    ]
    cpm, cpc, weight = LINKEDIN_NEW
    rows.append(
        MetricRate(
            network="LINKEDIN",
            currency="NOK",
            cpm=Decimal(cpm),
            cpc=Decimal(cpc),
            reaction_weight=Decimal(weight),
            effective_date=today - dt.timedelta(days=21),
        )
    )
    MetricRate.objects.bulk_create(rows, ignore_conflicts=True)


def _readings(rng: random.Random, now: dt.datetime) -> int:
    shares = list(
        Share.objects.filter(code__startswith="demo", network__in=list(REPORTS)).order_by("id")
    )
    EngagementReading.objects.filter(share__in=shares).delete()
    # Posted through the person's connected account, so the network reports its engagement;
    # collection is over (the demo's readings stand in for it).
    for share in shares:
        share.status, share.posted_at = ShareStatus.POSTED, share.created_at
        share.post_id, share.collect_status = f"demo-{share.pk}", CollectStatus.DONE
    Share.objects.bulk_update(
        shares, ["status", "posted_at", "post_id", "collect_status"], batch_size=1000
    )
    readings = []
    for share in shares:
        reports = REPORTS[share.network]
        total = [0, 0, 0, 0, 0]
        at = share.created_at
        for _reading in range(rng.randint(1, 4)):
            at += dt.timedelta(hours=rng.uniform(6, 60))
            if at >= now:
                break
            total[0] += rng.randint(0, max(1, share.followers_at_share // 15))
            total[1] += rng.randint(0, 3)
            total[2] += rng.randint(0, 2)
            total[3] += rng.randint(0, 1)
            total[4] += rng.randint(share.followers_at_share // 4, share.followers_at_share * 2)
            values = [v if reported else None for v, reported in zip(total, reports, strict=True)]
            readings.append(
                EngagementReading(
                    share=share,
                    read_at=at,
                    reactions=values[0],
                    reposts=values[1],
                    replies=values[2],
                    quotes=values[3],
                    impressions=values[4],
                )
            )
    EngagementReading.objects.bulk_create(readings, batch_size=2000)
    return len(readings)


def _opt_ins() -> int:
    people = list(User.objects.filter(email__in=OPTED_IN, is_active=True))
    people += list(
        User.objects.filter(email__endswith="@demo.example.com", is_active=True).order_by("email")[
            :OPTED_IN_GENERATED
        ]
    )
    LeaderboardOptIn.objects.bulk_create(
        [LeaderboardOptIn(user=p) for p in people], ignore_conflicts=True
    )
    return len(people)


def build(*, stdout) -> None:
    rng = random.Random(1111)
    now = timezone.now()
    today = programme_day(now)
    team = _small_team()
    _rates(today)
    readings = _readings(rng, now)
    opted_in = _opt_ins()
    metrics_rollup()
    result = metrics_rebuild(first=today - dt.timedelta(days=DAYS), last=today)
    stdout.write(
        f"Metrics demo: EMV rates in NOK for {len(RATES)} networks, {readings} engagement "
        f"readings, {opted_in} people on the leaderboard, "
        f"{'team ' + team.name + ' below the minimum group size' if team else 'no small team'}; "
        f"rollups rebuilt for {len(result.days)} days."
    )
