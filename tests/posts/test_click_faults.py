"""Real faults of the click pipeline under load: a worker SIGKILLed mid-flush, Redis and
PostgreSQL restarted, beat stopped.

Each test runs one fault in ``ClickFaultLab`` (its own Redis with append-only persistence
and its own PostgreSQL on free ports, gunicorn, a real Celery worker and beat; see
``click_fault_lab.py``) while a load generator sends human clicks, then counts from the
lab's database: every click answered with a 302 is stored exactly once, the daily totals
agree, and each visitor is one unique visitor (the salt stayed the same through the fault).

The lab is shared by the module (migrating its database is the slow part); each test counts
only its own clicks, from visitors no other test uses. CLICK_FAULT_BEAT_STOP_SECONDS sets
how long beat stays stopped (20 s here; bench/faults stops it for two minutes).
"""

import itertools
import os

import pytest

from tests.posts.click_fault_lab import (
    ClickFaultLab,
    FaultResult,
    fault_beat_stopped,
    fault_postgres_restarted,
    fault_redis_restarted,
    fault_worker_killed,
)

pytestmark = pytest.mark.integration

RATE = 30  # clicks per second: enough for a flush to be caught in the act, light on 2 cores
BEAT_STOP_SECONDS = float(os.environ.get("CLICK_FAULT_BEAT_STOP_SECONDS", "20"))


@pytest.fixture(scope="module")
def lab():
    with ClickFaultLab(codes=20, reclaim_idle_ms=3000) as lab:
        yield lab


_runs = itertools.count(1)


@pytest.fixture
def load(lab):
    # Visitors of one test never appear in another's.
    return lab.load(rate=RATE, visitor_offset=next(_runs) * 100_000)


def _assert_exact(lab: ClickFaultLab, result: FaultResult) -> None:
    report = result.report() + "\n" + lab.log_tails()
    assert result.load.failures == {}, report  # every request answered with a 302
    assert result.sent > 0, report
    assert result.stored.clicks == result.sent, report  # nothing lost, nothing doubled
    assert result.stored.daily_clicks == result.sent, report
    assert result.stored.daily_uniques == result.load.visitors, report


def test_click_fault_worker_killed_mid_flush_stores_each_click_once(lab, load):
    result = fault_worker_killed(lab, load)
    # Killed between claim and acknowledgement: its events were left pending.
    assert result.facts["held"] > 0, result.report()
    assert result.facts["pending_after_kill"] >= result.facts["held"], result.report()
    _assert_exact(lab, result)
    assert lab.pending() == {}


def test_click_fault_redis_restarted_keeps_redirecting_and_stores_each_click(lab, load):
    result = fault_redis_restarted(lab, load)
    assert result.facts["direct_writes"] > 0, result.report()  # stored while Redis was down
    _assert_exact(lab, result)


def test_click_fault_postgres_restarted_keeps_redirecting_and_stores_buffered_clicks(lab, load):
    result = fault_postgres_restarted(lab, load)
    assert result.facts["buffered_while_down"] > 0, result.report()
    _assert_exact(lab, result)


def test_click_fault_beat_stopped_backlog_drains_after_restart(lab, load):
    result = fault_beat_stopped(lab, load, stop_seconds=BEAT_STOP_SECONDS)
    assert result.facts["backlog"] > 0, result.report()
    _assert_exact(lab, result)
