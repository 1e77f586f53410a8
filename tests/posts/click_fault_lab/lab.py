"""The lab's processes: its own Redis and PostgreSQL, gunicorn, a Celery worker and beat."""

from __future__ import annotations

import atexit
import contextlib
import http.client
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

from tests.posts.click_fault_lab.load import Load

ROOT = Path(__file__).resolve().parents[3]
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable


def _pg_bin() -> Path:
    """PostgreSQL's server binaries: PG_BIN, else Debian's newest, else initdb on PATH."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    debian = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    debian.sort(key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    if debian:
        return debian[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
STREAM_KEY = "amb:clicks"
STREAM_GROUP = "flush"

_SEED = """
import sys
import django
django.setup()
from accounts.models import User
from ambassador.networks import Network
from posts.models import ContentItem, ContentStatus, Share
from posts.services.shares import share_code_new
from posts.tracked_links import tracked_link_resolve
user, _ = User.objects.get_or_create(email="lab-sharer@example.com")
item, _ = ContentItem.objects.get_or_create(
    slug="lab-launch",
    defaults={"url": "https://www.example.com/launch", "title": "Lab launch",
              "status": ContentStatus.APPROVED},
)
networks = list(Network.values)
Share.objects.bulk_create([
    Share(user=user, item=item, network=networks[n % len(networks)], caption="Lab",
          code=share_code_new())
    for n in range(int(sys.argv[1]))
])
for code in Share.objects.values_list("code", flat=True):
    tracked_link_resolve(code=code)
    print(code)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the ``postgres`` user then."""
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *command]
    return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(command)]


def _wait(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise TimeoutError(f"{what} not ready after {seconds:.0f} s")


@dataclass(frozen=True)
class Stored:
    clicks: int  # rows in posts_click
    daily_clicks: int  # sum of posts_sharedailyclicks.clicks
    daily_uniques: int  # sum of posts_sharedailyclicks.unique_visitors

    def __sub__(self, other: Stored) -> Stored:
        return Stored(
            self.clicks - other.clicks,
            self.daily_clicks - other.daily_clicks,
            self.daily_uniques - other.daily_uniques,
        )


class ClickFaultLab:
    """Own Redis (append-only) and PostgreSQL, gunicorn, a Celery worker and beat.

    ``reclaim_idle_ms`` is how long events claimed by a dead flush wait before another
    worker takes them over (CLICK_RECLAIM_IDLE_MS); ``flush_interval`` is beat's period
    for the flush. Always cleaned up: ``close()`` runs on exit of the ``with`` block and,
    failing that, at interpreter exit.
    """

    def __init__(
        self,
        *,
        codes: int = 20,
        gunicorn_workers: int = 2,
        reclaim_idle_ms: int = 5000,
        flush_interval: float = 1.0,
        flush_batch_size: int = 200,
        appendfsync: str = "everysec",
        log=None,
    ) -> None:
        self.code_count = codes
        self.gunicorn_workers = gunicorn_workers
        self.appendfsync = appendfsync
        self.log = log or (lambda message: print(message, flush=True))
        self.dir = Path(tempfile.mkdtemp(prefix="click-fault-lab-"))
        self.redis_port = free_port()
        self.pg_port = free_port()
        self.web_port = free_port()
        self.pg_data = self.dir / "pg"
        self.database_url = f"postgres://postgres@127.0.0.1:{self.pg_port}/ambassador"
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "click-fault-lab-not-a-secret-" + "x" * 32,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            # The load generator names its visitors in X-Forwarded-For, as a proxy would.
            "TRUSTED_PROXY_COUNT": "1",
            "LOG_LEVEL": "WARNING",
            "CLICK_FLUSH_INTERVAL_SECONDS": str(flush_interval),
            "CLICK_FLUSH_BATCH_SIZE": str(flush_batch_size),
            "CLICK_RECLAIM_IDLE_MS": str(reclaim_idle_ms),
            "CLICK_STREAM_KEY": STREAM_KEY,
            "DJANGO_SETTINGS_MODULE": "ambassador.settings",
            "VAR_DIR": str(self.dir / "var"),
            "PYTHONPATH": str(ROOT),
        }
        self.codes: list[str] = []
        self.processes: dict[str, subprocess.Popen] = {}
        self._logs: list = []
        self._closed = False
        atexit.register(self.close)

    # --- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> ClickFaultLab:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        missing = [
            name
            for name, found in (
                ("redis-server (apt-get install redis-server)", shutil.which("redis-server")),
                (f"{PG_BIN}/initdb (apt-get install postgresql, or set PG_BIN)",
                 (PG_BIN / "initdb").exists()),
            )
            if not found
        ]  # fmt: skip
        if missing:
            raise RuntimeError("the click fault lab needs " + " and ".join(missing))
        self.log(f"lab in {self.dir}: redis :{self.redis_port}, postgres :{self.pg_port}")
        self._initdb()
        self.postgres_start()
        self.redis_start()
        subprocess.run(
            _as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1",
                          "-p", str(self.pg_port), "-U", "postgres", "ambassador"]),
            check=True, cwd=self.dir,
        )  # fmt: skip
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=self.env, check=True)
        seeded = subprocess.run(
            [PYTHON, "-c", _SEED, str(self.code_count)],
            cwd=ROOT, env=self.env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        self.codes = seeded.stdout.split()
        self.gunicorn_start()
        self.worker_start()
        self.beat_start()
        _wait(self._web_answers, 60, "gunicorn")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for name in list(self.processes):
            self._stop(name, signal.SIGTERM, timeout=15)
        with contextlib.suppress(Exception):
            self._pg_ctl("stop", "-m", "immediate")
        for handle in self._logs:
            handle.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _spawn(self, name: str, command: list[str], **kwargs) -> subprocess.Popen:
        handle = open(self.dir / f"{name}.log", "a")  # noqa: SIM115 (closed in close())
        self._logs.append(handle)
        process = subprocess.Popen(
            command,
            cwd=kwargs.pop("cwd", ROOT),
            env=kwargs.pop("env", self.env),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        self.processes[name] = process
        return process

    def _stop(self, name: str, sig: int, timeout: float = 15) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def log_text(self, name: str) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tails(self, chars: int = 1500) -> str:
        """The end of each process's log, for a failing test's message."""
        return "\n".join(
            f"--- {name}.log ---\n{self.log_text(name)[-chars:]}"
            for name in ("gunicorn", "worker", "beat", "redis")
        )

    # --- PostgreSQL --------------------------------------------------------------------

    def _initdb(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres")
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.pg_data), "-A", "trust",
                          "-U", "postgres", "-E", "UTF8", "--no-sync"]),
            check=True, cwd=self.dir, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), *args]),
            check=True, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def postgres_start(self) -> None:
        options = (
            f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {self.pg_data} "
            "-c fsync=off -c max_connections=100"
        )
        self._pg_ctl(
            "start", "-w", "-t", "60", "-l", str(self.pg_data / "server.log"), "-o", options
        )

    def postgres_stop(self) -> None:
        """A fast shutdown: open transactions are rolled back, clients disconnected."""
        self._pg_ctl("stop", "-w", "-m", "fast")

    def postgres_restart(self, *, down_seconds: float) -> None:
        self.postgres_stop()
        time.sleep(down_seconds)
        self.postgres_start()

    def _sql(self, query: str):
        with psycopg.connect(self.database_url, connect_timeout=5) as conn:
            return conn.execute(query).fetchone()

    # --- Redis -------------------------------------------------------------------------

    def redis_start(self) -> None:
        self._spawn(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--dir", str(self.dir), "--appendonly", "yes", "--appendfsync", self.appendfsync,
             "--save", "", "--protected-mode", "no"],
        )  # fmt: skip
        _wait(lambda: self.redis().ping(), 30, "redis")

    def redis_stop(self) -> None:
        """SIGTERM: Redis writes and syncs its append-only file, then exits."""
        self._stop("redis", signal.SIGTERM, timeout=30)

    def redis_restart(self, *, down_seconds: float) -> None:
        self.redis_stop()
        time.sleep(down_seconds)
        self.redis_start()

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.redis_url, socket_timeout=5)

    def backlog(self) -> int:
        """Events in the click stream (not yet stored and acknowledged)."""
        return self.redis().xlen(STREAM_KEY)

    def pending(self) -> dict[str, int]:
        """Events claimed by a flush but not acknowledged, by consumer."""
        try:
            summary = self.redis().xpending(STREAM_KEY, STREAM_GROUP)
        except redis.ResponseError:  # no group yet
            return {}
        return {c["name"].decode(): int(c["pending"]) for c in summary.get("consumers") or []}

    # --- gunicorn, worker, beat --------------------------------------------------------

    def gunicorn_start(self) -> None:
        # --preload: a worker added later (web_worker_add) forks from a loaded master at once.
        self._spawn(
            "gunicorn",
            [str(BIN / "gunicorn"), "ambassador.wsgi:application", "--preload",
             "--bind", f"127.0.0.1:{self.web_port}", "--workers", str(self.gunicorn_workers),
             "--timeout", "30", "--log-level", "info"],
        )  # fmt: skip

    def web_worker_add(self) -> None:
        """One more gunicorn worker (TTIN), as when the web tier scales up: a fresh process
        that knows nothing yet (no salt in memory, no connections)."""
        self.processes["gunicorn"].send_signal(signal.SIGTTIN)

    def web_worker_remove(self) -> None:
        self.processes["gunicorn"].send_signal(signal.SIGTTOU)

    def _web_answers(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.web_port, timeout=2)
        try:
            conn.request("HEAD", f"/r/{self.codes[0]}")
            return conn.getresponse().status == 302
        finally:
            conn.close()

    def worker_start(self) -> None:
        self._spawn(
            "worker",
            [str(BIN / "celery"), "-A", "ambassador", "worker", "-P", "solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-l", "warning", "-n", f"lab-{uuid.uuid4().hex[:8]}@%h"],
        )  # fmt: skip

    def worker_kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, an open transaction cut off."""
        self._stop("worker", signal.SIGKILL)

    def worker_kill_mid_flush(self, *, seconds: float = 30) -> int:
        """SIGKILL the worker while a flush holds claimed, unacknowledged events; returns
        how many it held. Raises if no flush was caught in the act within ``seconds``."""
        buffer = self.redis()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.ResponseError):
                if buffer.xpending(STREAM_KEY, STREAM_GROUP)["pending"]:
                    self.worker_kill()
                    return int(buffer.xpending(STREAM_KEY, STREAM_GROUP)["pending"])
            time.sleep(0.002)
        raise TimeoutError("no flush in progress to kill")

    def beat_start(self) -> None:
        self._spawn(
            "beat",
            [str(BIN / "celery"), "-A", "ambassador", "beat", "-l", "warning",
             "-s", str(self.dir / "celerybeat-schedule")],
        )  # fmt: skip

    def beat_stop(self) -> None:
        self._stop("beat", signal.SIGTERM)

    # --- load and counts ---------------------------------------------------------------

    def load(self, **kwargs) -> Load:
        return Load(port=self.web_port, codes=self.codes, **kwargs)

    def stored(self) -> Stored:
        clicks = self._sql("SELECT count(*) FROM posts_click")[0]
        daily = self._sql(
            "SELECT coalesce(sum(clicks), 0), coalesce(sum(unique_visitors), 0) "
            "FROM posts_sharedailyclicks"
        )
        return Stored(clicks, int(daily[0]), int(daily[1]))

    def wait_stored(self, *, before: Stored, expected: int, seconds: float = 120) -> Stored:
        """The counts since ``before`` once ``expected`` clicks are stored and the stream is
        empty and nothing is pending, or whatever is there when ``seconds`` are up."""
        deadline = time.monotonic() + seconds
        while True:
            with contextlib.suppress(Exception):
                now = self.stored() - before
                if (
                    now.clicks >= expected
                    and now.daily_clicks == now.clicks
                    and self.backlog() == 0
                    and not self.pending()
                ):
                    return now
            if time.monotonic() > deadline:
                return self.stored() - before
            time.sleep(0.5)
