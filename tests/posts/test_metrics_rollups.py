"""The daily rollups: hand-computed figures, incremental runs, idempotence, rebuilds."""

import datetime as dt
from io import StringIO

import pytest
from celery import current_app
from django.core.management import call_command
from django.utils import timezone

from accounts.services import user_deactivate
from posts.models import (
    PersonDay,
    Share,
    ShareDay,
    ShareFacts,
    ShareKind,
    ShareStatus,
    TeamNetworkDay,
)
from posts.services.metrics import metrics_rebuild
from posts.services.metrics.share_days import engagement_by_day
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.posts.factories import (
    BROWSER_UA,
    ContentItemFactory,
    ShareFactory,
    at,
    daily_clicks,
    flush_clicks,
    reading,
    rollup,
    today,
)
from training.models import Completion, GuidelineAcknowledgement, GuidelineVersion, Module

pytestmark = pytest.mark.django_db

DAY = today() - dt.timedelta(days=20)


def _rows(model, *fields):
    return sorted(model.objects.values_list(*fields))


def _team_rows():
    return _rows(
        TeamNetworkDay,
        "team_id",
        "network",
        "day",
        "shares_posted",
        "shares_intent",
        "potential_reach",
        "clicks",
        "unique_visitors",
        "engagement",
        "impressions",
    )


@pytest.fixture
def team_with_people():
    team = TeamFactory(name="Sales")
    people = [UserFactory() for _ in range(3)]
    for person in people:
        MembershipFactory(team=team, user=person)
    return team, people


def test_rollup_team_day_sums_shares_reach_and_clicks(team_with_people):
    team, (ann, bob, _cy) = team_with_people
    s1 = ShareFactory(user=ann, followers_at_share=120, created_at=at(DAY))
    s2 = ShareFactory(user=bob, followers_at_share=80, created_at=at(DAY))
    s3 = ShareFactory(user=bob, network="X", followers_at_share=40, created_at=at(DAY))
    daily_clicks(s1, DAY, 7, 5)
    daily_clicks(s2, DAY, 3, 3)
    daily_clicks(s1, DAY + dt.timedelta(days=1), 2, 2)
    daily_clicks(s3, DAY, 1, 1)

    rollup()

    assert _team_rows() == [
        (team.pk, "LINKEDIN", DAY, 0, 2, 200, 10, 8, None, None),
        (team.pk, "LINKEDIN", DAY + dt.timedelta(days=1), 0, 0, 0, 2, 2, None, None),
        (team.pk, "X", DAY, 0, 1, 40, 1, 1, None, None),
    ]


def test_rollup_intent_opened_counts_as_an_intent(team_with_people):
    _team, (ann, *_rest) = team_with_people
    share = ShareFactory(user=ann, created_at=at(DAY))

    rollup()

    assert ShareFacts.objects.get(share=share).kind == ShareKind.INTENT


def test_rollup_posted_and_intent_are_counted_apart(team_with_people):
    team, (ann, bob, _cy) = team_with_people
    ShareFactory(
        user=ann,
        followers_at_share=120,
        created_at=at(DAY, 9),
        status=ShareStatus.POSTED,
        posted_at=at(DAY, 10),
    )
    ShareFactory(user=bob, followers_at_share=80, created_at=at(DAY))

    rollup()

    assert _rows(TeamNetworkDay, "team_id", "day", "shares_posted", "shares_intent") == [
        (team.pk, DAY, 1, 1)
    ]


@pytest.mark.parametrize("status", [ShareStatus.SCHEDULED, ShareStatus.SENDING, ShareStatus.FAILED])
def test_rollup_share_not_posted_counts_for_nothing(team_with_people, status):
    _team, (ann, *_rest) = team_with_people
    share = ShareFactory(user=ann, created_at=at(DAY), status=status, scheduled_at=at(DAY))

    rollup()

    assert (ShareFacts.objects.filter(share=share).exists(), TeamNetworkDay.objects.count()) == (
        False,
        0,
    )


def test_rollup_scheduled_share_counts_on_the_day_it_is_posted(team_with_people):
    team, (ann, *_rest) = team_with_people
    later = DAY + dt.timedelta(days=3)
    share = ShareFactory(
        user=ann,
        followers_at_share=90,
        created_at=at(DAY),
        status=ShareStatus.SCHEDULED,
        scheduled_at=at(later),
    )
    rollup()
    Share.objects.filter(pk=share.pk).update(status=ShareStatus.POSTED, posted_at=at(later))

    rollup()

    assert _rows(TeamNetworkDay, "team_id", "day", "shares_posted", "potential_reach") == [
        (team.pk, later, 1, 90)
    ]


def test_rollup_refreshes_the_kind_when_the_status_changes(team_with_people):
    team, (ann, *_rest) = team_with_people
    share = ShareFactory(user=ann, created_at=at(DAY))
    rollup()
    Share.objects.filter(pk=share.pk).update(status=ShareStatus.POSTED, posted_at=at(DAY, 15))

    rollup()

    assert (
        ShareFacts.objects.get(share=share).kind,
        _rows(TeamNetworkDay, "team_id", "day", "shares_posted", "shares_intent"),
    ) == (ShareKind.POSTED, [(team.pk, DAY, 1, 0)])


def test_rollup_share_that_stops_counting_leaves_every_aggregate(team_with_people):
    _team, (ann, *_rest) = team_with_people
    share = ShareFactory(user=ann, created_at=at(DAY))
    daily_clicks(share, DAY + dt.timedelta(days=1), 4)
    rollup()
    Share.objects.filter(pk=share.pk).update(status=ShareStatus.FAILED)

    rollup()

    assert (
        ShareFacts.objects.filter(share=share).exists(),
        _rows(TeamNetworkDay, "day", "shares_intent", "clicks"),
        _rows(PersonDay, "day", "shares_intent", "clicks"),
    ) == (False, [], [])


def test_rebuild_follows_a_status_change_outside_its_range(team_with_people):
    team, (ann, *_rest) = team_with_people
    share = ShareFactory(user=ann, created_at=at(DAY))
    rollup()
    Share.objects.filter(pk=share.pk).update(status=ShareStatus.POSTED)

    metrics_rebuild(first=DAY + dt.timedelta(days=5), last=DAY + dt.timedelta(days=6))

    assert _rows(TeamNetworkDay, "team_id", "day", "shares_posted", "shares_intent") == [
        (team.pk, DAY, 1, 0)
    ]


def test_rollup_share_day_is_the_programme_day_of_the_share(team_with_people):
    _team, (ann, *_rest) = team_with_people
    # 23:30 UTC on the 9th of March is 00:30 on the 10th in Oslo.
    share = ShareFactory(user=ann, created_at=dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC))

    rollup()

    assert ShareFacts.objects.get(share=share).shared_on == dt.date(2026, 3, 10)


def test_rollup_person_day_per_person(team_with_people):
    _team, (ann, bob, _cy) = team_with_people
    s1 = ShareFactory(user=ann, followers_at_share=120, created_at=at(DAY))
    ShareFactory(user=bob, followers_at_share=80, created_at=at(DAY))
    daily_clicks(s1, DAY, 7, 5)

    rollup()

    assert _rows(
        PersonDay, "user_id", "day", "shares_intent", "potential_reach", "clicks", "unique_visitors"
    ) == sorted([(ann.pk, DAY, 1, 120, 7, 5), (bob.pk, DAY, 1, 80, 0, 0)])


def test_rollup_person_in_no_team_counts_under_no_team():
    loner = UserFactory()
    ShareFactory(user=loner, followers_at_share=50, created_at=at(DAY))

    rollup()

    assert _rows(TeamNetworkDay, "team_id", "shares_intent", "potential_reach") == [(None, 1, 50)]


def test_rollup_share_counts_for_the_team_joined_first(team_with_people):
    team, (ann, *_rest) = team_with_people
    MembershipFactory(team=TeamFactory(name="Later team"), user=ann)
    ShareFactory(user=ann, created_at=at(DAY))

    rollup()

    assert _rows(TeamNetworkDay, "team_id", "shares_intent") == [(team.pk, 1)]


def test_rollup_team_move_after_share_keeps_history(team_with_people):
    team, (ann, *_rest) = team_with_people
    share = ShareFactory(user=ann, created_at=at(DAY))
    rollup()
    ann.memberships.all().delete()
    MembershipFactory(team=TeamFactory(name="New team"), user=ann)
    daily_clicks(share, DAY, 4)

    rollup()

    assert _rows(TeamNetworkDay, "team_id", "clicks") == [(team.pk, 4)]


def test_rollup_bots_and_own_clicks_are_not_counted(client, team_with_people):
    team, (ann, *_rest) = team_with_people
    share = ShareFactory(user=ann, created_at=at(today()))
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.7")
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.7")
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.8")
    client.get(f"/r/{share.code}", HTTP_USER_AGENT="LinkedInBot/1.0", REMOTE_ADDR="203.0.113.9")
    client.head(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.10")
    client.force_login(ann)
    client.get(f"/r/{share.code}", HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.11")
    flush_clicks()

    rollup()

    row = TeamNetworkDay.objects.filter(team=team).exclude(clicks=0).get()
    assert (row.clicks, row.unique_visitors) == (3, 2)


def test_rollup_offboarded_person_keeps_team_totals_and_loses_identity(team_with_people):
    team, (ann, *_rest) = team_with_people
    admin = UserFactory(is_admin=True)
    share = ShareFactory(user=ann, followers_at_share=120, created_at=at(DAY))
    daily_clicks(share, DAY, 7)
    rollup()
    user_deactivate(user=ann, by=admin)
    daily_clicks(share, DAY, 9)

    rollup()

    assert not PersonDay.objects.filter(user=ann).exists()
    assert _rows(TeamNetworkDay, "team_id", "potential_reach", "clicks") == [(team.pk, 120, 9)]


def test_rollup_incremental_picks_up_new_clicks_only_once(team_with_people):
    team, (ann, *_rest) = team_with_people
    share = ShareFactory(user=ann, created_at=at(DAY))
    daily_clicks(share, DAY, 2)
    rollup()
    daily_clicks(share, DAY, 5)
    rollup()
    rollup()

    assert _rows(TeamNetworkDay, "team_id", "clicks") == [(team.pk, 5)]
    assert _rows(ShareDay, "share_id", "day", "clicks") == [(share.pk, DAY, 5)]


def test_rollup_share_made_after_the_watermark_but_dated_earlier_is_counted(team_with_people):
    team, (ann, *_rest) = team_with_people
    rollup()
    share = ShareFactory(
        user=ann, followers_at_share=70, created_at=at(DAY - dt.timedelta(days=30))
    )

    rollup()

    assert ShareFacts.objects.filter(share=share).exists()
    assert _rows(TeamNetworkDay, "team_id", "potential_reach") == [(team.pk, 70)]


def test_rollup_running_twice_gives_the_same_rows(team_with_people):
    _team, (ann, bob, _cy) = team_with_people
    for day_offset, person in enumerate([ann, bob, ann]):
        share = ShareFactory(user=person, created_at=at(DAY + dt.timedelta(days=day_offset)))
        daily_clicks(share, DAY + dt.timedelta(days=day_offset), 3 + day_offset)
        reading(share, at(DAY + dt.timedelta(days=day_offset), 20), reactions=day_offset)
    rollup()
    first = (_team_rows(), _rows(PersonDay, "user_id", "day", "clicks", "engagement"))

    rollup()

    assert (_team_rows(), _rows(PersonDay, "user_id", "day", "clicks", "engagement")) == first


def test_rebuild_gives_the_same_rows_as_the_incremental_runs(team_with_people):
    _team, (ann, bob, _cy) = team_with_people
    s1 = ShareFactory(user=ann, created_at=at(DAY))
    rollup()
    s2 = ShareFactory(user=bob, network="MASTODON", created_at=at(DAY + dt.timedelta(days=1)))
    daily_clicks(s1, DAY + dt.timedelta(days=1), 4, 3)
    daily_clicks(s2, DAY + dt.timedelta(days=2), 6, 2)
    reading(s2, at(DAY + dt.timedelta(days=2)), reactions=3, reposts=1, impressions=900)
    rollup()
    incremental = _team_rows()
    TeamNetworkDay.objects.all().delete()
    ShareDay.objects.all().delete()

    metrics_rebuild(first=DAY, last=DAY + dt.timedelta(days=5))

    assert _team_rows() == incremental


def test_rebuild_command_prints_what_it_did(team_with_people):
    _team, (ann, *_rest) = team_with_people
    share = ShareFactory(user=ann, created_at=at(DAY))
    daily_clicks(share, DAY, 4)
    out = StringIO()
    first, last = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)
    call_command("metrics_rebuild", "--from", str(first), "--to", str(last), stdout=out)

    assert out.getvalue().strip() == "Rebuilt 1 days: 1 share days, 1 new shares."
    assert _rows(TeamNetworkDay, "clicks") == [(4,)]


def test_engagement_growth_per_day_from_cumulative_readings():
    class R:
        def __init__(self, day, hour, engagement, impressions):
            self.read_at = at(day, hour)
            self.engagement = engagement
            self.impressions = impressions

    readings = [
        R(DAY, 9, 3, None),
        R(DAY, 18, 5, None),  # the day's last reading counts
        R(DAY + dt.timedelta(days=2), 9, 9, None),
    ]

    assert dict(engagement_by_day(readings)) == {
        DAY: [5, None],
        DAY + dt.timedelta(days=2): [4, None],
    }


def test_rollup_engagement_is_not_reported_where_the_network_reports_none(team_with_people):
    _team, (ann, *_rest) = team_with_people
    mastodon = ShareFactory(user=ann, network="MASTODON", created_at=at(DAY))
    linkedin = ShareFactory(user=ann, network="LINKEDIN", created_at=at(DAY))
    reading(mastodon, at(DAY, 20), reactions=4, reposts=2, replies=1)
    daily_clicks(linkedin, DAY, 3)

    rollup()

    assert _rows(TeamNetworkDay, "network", "engagement", "impressions") == [
        ("LINKEDIN", None, None),
        ("MASTODON", 7, None),
    ]


def test_rollup_new_reading_replaces_the_growth(team_with_people):
    _team, (ann, *_rest) = team_with_people
    share = ShareFactory(user=ann, network="BLUESKY", created_at=at(DAY))
    reading(share, at(DAY, 10), reactions=2, impressions=100)
    rollup()
    reading(share, at(DAY + dt.timedelta(days=1), 10), reactions=6, impressions=250)

    rollup()

    assert _rows(ShareDay, "day", "engagement", "impressions") == [
        (DAY, 2, 100),
        (DAY + dt.timedelta(days=1), 4, 150),
    ]


@pytest.mark.parametrize("first_run", [True, False])
def test_rollup_counts_completed_modules_for_points(team_with_people, first_run):
    _team, (ann, *_rest) = team_with_people
    if not first_run:
        rollup()
    module = Module.objects.create(title="Basics", is_published=True)
    Completion.objects.create(user=ann, module=module, completed_at=timezone.now())

    rollup()

    assert _rows(PersonDay, "user_id", "day", "modules_completed") == [(ann.pk, today(), 1)]


def test_rollup_counts_approved_suggestions_and_acknowledgements(team_with_people):
    _team, (ann, *_rest) = team_with_people
    rollup()
    ContentItemFactory(suggested_by=ann, approved_at=timezone.now())
    version = GuidelineVersion.objects.create(number=1, body_en="Be kind.", change_summary="First")
    GuidelineAcknowledgement.objects.create(
        user=ann, version=version, acknowledged_at=timezone.now()
    )

    rollup()

    assert _rows(PersonDay, "user_id", "suggestions_approved", "guidelines_acknowledged") == [
        (ann.pk, 1, 1)
    ]


def test_rollup_task_is_on_beat_and_runs(settings, team_with_people):
    _team, (ann, *_rest) = team_with_people
    ShareFactory(user=ann, created_at=at(DAY))
    current_app.loader.import_default_modules()

    days = current_app.tasks[settings.CELERY_BEAT_SCHEDULE["posts-rollup-metrics"]["task"]]()

    assert days == 1
    assert _rows(TeamNetworkDay, "shares_intent") == [(1,)]


def test_deleting_a_team_keeps_working_and_rebuild_counts_its_shares_under_no_team(
    team_with_people,
):
    team, (ann, *_rest) = team_with_people
    ShareFactory(user=ann, followers_at_share=30, created_at=at(DAY))
    ShareFactory(user=UserFactory(), followers_at_share=20, created_at=at(DAY))  # in no team
    rollup()

    team.delete()
    metrics_rebuild(first=DAY, last=DAY)

    assert _rows(TeamNetworkDay, "team_id", "shares_intent", "potential_reach") == [(None, 2, 50)]
