"""The four faults, as the tests and bench/faults run them."""

from __future__ import annotations

import time
from dataclasses import dataclass

from tests.posts.click_fault_lab.lab import ClickFaultLab, Stored
from tests.posts.click_fault_lab.load import Load, LoadResult


@dataclass
class FaultResult:
    name: str
    did: list[str]
    load: LoadResult
    stored: Stored
    facts: dict[str, int]  # what the fault found, e.g. events held by the killed flush

    @property
    def sent(self) -> int:
        return self.load.sent

    @property
    def lost(self) -> int:
        return max(0, self.sent - self.stored.clicks)

    @property
    def doubled(self) -> int:
        return max(0, self.stored.clicks - self.sent)

    def report(self) -> str:
        lines = [f"fault: {self.name}", *(f"  {line}" for line in self.did)]
        lines.append(f"  {self.load}")
        lines.append(
            f"  stored {self.stored.clicks} click events, daily totals {self.stored.daily_clicks}"
            f" clicks / {self.stored.daily_uniques} unique visitors"
            f" (expected {self.sent} / {self.load.visitors}); lost {self.lost},"
            f" doubled {self.doubled}"
        )
        return "\n".join(lines)


def _run(lab: ClickFaultLab, name: str, load: Load, fault, settle: float, drain: float):
    did: list[str] = []
    before = lab.stored()
    load.start()
    time.sleep(settle)
    facts = fault(did)
    time.sleep(settle)
    result = load.stop()
    began = time.monotonic()
    stored = lab.wait_stored(before=before, expected=result.sent, seconds=drain)
    did.append(f"drained {time.monotonic() - began:.1f} s after the load stopped")
    return FaultResult(name, did, result, stored, facts)


def fault_worker_killed(lab: ClickFaultLab, load: Load, *, down_seconds: float = 2.0):
    def fault(did):
        held = lab.worker_kill_mid_flush()
        did.append(f"SIGKILLed the worker in a flush holding {held} claimed events")
        time.sleep(down_seconds)
        pending = sum(lab.pending().values())
        did.append(f"events pending for the dead worker: {pending}")
        lab.worker_start()
        did.append(f"started a new worker after {down_seconds:.0f} s")
        return {"held": held, "pending_after_kill": pending}

    return _run(lab, "worker killed mid-flush", load, fault, settle=3, drain=120)


def fault_redis_restarted(lab: ClickFaultLab, load: Load, *, down_seconds: float = 3.0):
    def fault(did):
        backlog = lab.backlog()
        lab.redis_stop()
        time.sleep(down_seconds / 2)
        direct = lab.stored().clicks
        time.sleep(down_seconds / 2)
        direct = lab.stored().clicks - direct
        lab.redis_start()
        did.append(
            f"stopped Redis (SIGTERM, append-only, {lab.appendfsync}) with {backlog} events"
            f" buffered, started it again after {down_seconds:.0f} s;"
            f" {direct} clicks written directly in the second half of the outage,"
            f" {lab.backlog()} events back in the stream"
        )
        return {"backlog_before": backlog, "direct_writes": direct}

    return _run(lab, "Redis restarted", load, fault, settle=3, drain=120)


def fault_postgres_restarted(lab: ClickFaultLab, load: Load, *, down_seconds: float = 5.0):
    def fault(did):
        lab.postgres_stop()
        did.append("stopped PostgreSQL (fast shutdown: open transactions cut off)")
        lab.web_worker_add()
        did.append("added a fresh gunicorn worker while it was down (TTIN)")
        backlog = lab.backlog()
        time.sleep(down_seconds)
        buffered = lab.backlog() - backlog
        did.append(f"{buffered} events buffered in Redis while it was down")
        lab.postgres_start()
        did.append(f"started PostgreSQL again after {down_seconds:.0f} s")
        lab.web_worker_remove()
        return {"buffered_while_down": buffered}

    return _run(lab, "PostgreSQL restarted", load, fault, settle=3, drain=120)


def fault_beat_stopped(lab: ClickFaultLab, load: Load, *, stop_seconds: float = 120.0):
    def fault(did):
        lab.beat_stop()
        time.sleep(stop_seconds)
        backlog = lab.backlog()
        did.append(f"stopped beat for {stop_seconds:.0f} s: {backlog} events buffered")
        lab.beat_start()
        did.append("started beat again")
        return {"backlog": backlog}

    return _run(lab, "beat stopped", load, fault, settle=3, drain=120)


FAULTS = {
    "worker": fault_worker_killed,
    "redis": fault_redis_restarted,
    "postgres": fault_postgres_restarted,
    "beat": fault_beat_stopped,
}
