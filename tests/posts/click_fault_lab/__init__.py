"""A lab for real faults of the click pipeline: its own Redis and PostgreSQL, gunicorn, a
Celery worker and beat, a load generator, and the switches that break them.

Everything runs in separate processes on free ports in a temporary directory, so the
machine's shared PostgreSQL (5432) and Redis (6379) are never touched. Used by
``tests/posts/test_click_faults.py`` (short faults) and ``bench/faults`` (longer ones).

    with ClickFaultLab() as lab:
        load = lab.load(rate=50)
        load.start()
        lab.redis_restart(down_seconds=3)
        sent = load.stop()
        stored = lab.wait_stored(expected=...)

What is counted:

- ``sent``: clicks the load generator got a 302 for (each from a known visitor to a known
  code, all human: a browser user agent, GET, no prefetch);
- ``stored``: rows of ``posts_click`` and the sums of ``posts_sharedailyclicks`` read from
  the lab's database after the backlog drained.

Visitors repeat (each visits one code several times during a run), so the daily unique
visitors show whether the visitor-hash salt stayed the same through the fault.
"""

from tests.posts.click_fault_lab.faults import (
    FAULTS,
    FaultResult,
    fault_beat_stopped,
    fault_postgres_restarted,
    fault_redis_restarted,
    fault_worker_killed,
)
from tests.posts.click_fault_lab.lab import ClickFaultLab, Stored
from tests.posts.click_fault_lab.load import BROWSER_UA, Load, LoadResult

__all__ = [
    "BROWSER_UA",
    "FAULTS",
    "ClickFaultLab",
    "FaultResult",
    "Load",
    "LoadResult",
    "Stored",
    "fault_beat_stopped",
    "fault_postgres_restarted",
    "fault_redis_restarted",
    "fault_worker_killed",
]
