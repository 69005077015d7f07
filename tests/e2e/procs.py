"""Real `newsworker` processes for end-to-end runtime tests: start, find children, kill, stop.

Each process writes stdout+stderr to its own log file (no pipe can fill up and block it);
`stop()` always ends the whole tree: SIGTERM, a bounded wait, then SIGKILL for whatever is
left, including pool children orphaned by a `kill -9` of their parent.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select, text

from worker.db.models import Article, ArticleRevision, Failure

REPO = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_pids(pid: int) -> list[int]:
    """Direct children of `pid` (Linux /proc; every thread's children list)."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                text_ = Path(f"/proc/{pid}/task/{task}/children").read_text()
                found += [int(p) for p in text_.split()]
    return sorted(set(found))


def alive(pid: int) -> bool:
    """Running and not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def kill9(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def wait_for(what: str, probe: Callable[[], T], timeout: float, interval: float = 0.25) -> T:
    """Poll `probe` until it returns something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


class Proc:
    """One `python -m worker.cli ...` process with its log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.args = args
        self.log_path = log_dir / f"{name}.log"
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}
        full_env.update(env)
        full_env["PYTHONUNBUFFERED"] = "1"
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "worker.cli", *args],
                cwd=REPO,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: nothing leaks to pytest
            )
        self.pid = self.popen.pid
        self.known_children: set[int] = set()

    def children(self) -> list[int]:
        kids = [p for p in child_pids(self.pid) if alive(p)]
        self.known_children.update(kids)
        return kids

    def pool_child(self, timeout: float = 30.0) -> int:
        """The prefork pool child (concurrency 1: the only child)."""
        kids = wait_for(f"{self.name}'s pool child", self.children, timeout)
        return kids[0]

    def exit_code(self) -> int | None:
        return self.popen.poll()

    def wait(self, timeout: float) -> int:
        return self.popen.wait(timeout=timeout)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the group, wait, then SIGKILL the group and every child seen."""
        self.children()
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        for pid in self.known_children:
            kill9(pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)


class Procs:
    """Every process a test started, stopped together in `finally`."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.all: list[Proc] = []
        self._n = 0

    def start(self, name: str, args: list[str], **extra_env: str) -> Proc:
        self._n += 1
        proc = Proc(f"{self._n:02d}-{name}", args, {**self.env, **extra_env}, self.log_dir)
        self.all.append(proc)
        return proc

    def worker(self, name: str = "worker", pool: str = "prefork", **extra_env: str) -> Proc:
        return self.start(name, ["worker", "--concurrency", "1", "--pool", pool], **extra_env)

    def beat(self, name: str = "beat", **extra_env: str) -> Proc:
        return self.start(name, ["beat"], **extra_env)

    def stop_all(self) -> None:
        for proc in reversed(self.all):
            proc.stop()

    def logs(self, lines: int = 30) -> str:
        return "\n".join(f"--- {p.name} (pid {p.pid}) ---\n{p.tail(lines)}" for p in self.all)


@contextlib.contextmanager
def running(env: dict[str, str], log_dir: Path) -> Iterator[Procs]:
    """Yield a Procs; on the way out (pass or fail) stop everything it started."""
    procs = Procs(env, log_dir)
    try:
        yield procs
    except BaseException as exc:
        # The processes' own words are what explains a failure here.
        exc.add_note(procs.logs())
        raise
    finally:
        procs.stop_all()


def runtime_env(
    *,
    config_dir: Path,
    data_dir: Path,
    database_url: str | None,
    broker_url: str | None,
    **extra: str,
) -> dict[str, str]:
    """NEWSWORKER_* for a worker/beat pointed at the loopback fixture site, small limits:
    soft 20 s / hard 25 s / visibility 30 s, lease = hard + 2 s, dispatch every second."""
    env = {
        "NEWSWORKER_CONFIG_DIR": str(config_dir),
        "NEWSWORKER_DATA_DIR": str(data_dir),
        "NEWSWORKER_ALLOWED_NETWORKS": "127.0.0.1/32",
        "NEWSWORKER_POLITENESS": "false",
        "NEWSWORKER_DISPATCH_INTERVAL_SECONDS": "1",
        "NEWSWORKER_TASK_SOFT_TIME_LIMIT": "20",
        "NEWSWORKER_TASK_TIME_LIMIT": "25",
        "NEWSWORKER_BROKER_VISIBILITY_TIMEOUT": "30",
        "NEWSWORKER_LEASE_GRACE_SECONDS": "2",
        "NEWSWORKER_FETCH_TIMEOUT_SECONDS": "5",
        "NEWSWORKER_WATCHDOG_SECONDS": "0",
        "NEWSWORKER_LOG_LEVEL": "INFO",
    }
    if database_url is not None:
        env["NEWSWORKER_DATABASE_URL"] = database_url
    if broker_url is not None:
        env["NEWSWORKER_BROKER_URL"] = broker_url
    env.update(extra)
    return env


def write_feed_source(
    config_dir: Path, key: str, feed_url: str, *, interval_minutes: int = 30, kind: str = "rss"
) -> None:
    sources = config_dir / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    (sources / f"{key}.toml").write_text(
        f'name = "Nguồn {key}"\noutlet_type = "newspaper"\n'
        f"interval_minutes = {interval_minutes}\nmin_delay_seconds = 0\n"
        "max_articles_per_run = 500\n"
        f'[[discover]]\nkind = "{kind}"\nurl = "{feed_url}"\nmax_pages = 10\n',
        encoding="utf-8",
    )


def migrated(url: str) -> Engine:
    """An engine on `url` with the schema at head (what `newsworker db upgrade` does)."""
    from worker.db.engine import make_engine
    from worker.db.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    return engine


class Db:
    """Read-only probes of the worker's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def scalar(self, sql: str, **params: object) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar() or 0)

    def articles(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Article)).scalar() or 0)

    def revisions(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(select(func.count()).select_from(ArticleRevision)).scalar() or 0
            )

    def failures(self) -> list[tuple[str | None, str, str, str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    Failure.source_key, Failure.url, Failure.stage, Failure.kind, Failure.message
                )
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]

    def leased(self) -> int:
        """Sources holding a lease (a run claimed, running, or dead but not yet expired)."""
        return self.scalar("SELECT count(*) FROM sources WHERE lease_token IS NOT NULL")

    def quiet(self, expected_articles: int) -> bool:
        """All expected articles stored and no source leased: nothing left to do."""
        return self.articles() >= expected_articles and self.leased() == 0

    def end_state(self) -> dict[str, object]:
        """What a clean run leaves: counts, uniqueness, one revision each, source health."""
        with self.engine.connect() as conn:

            def q(sql: str) -> object:
                return conn.execute(text(sql)).scalar()

            return {
                "articles": q("SELECT count(*) FROM articles"),
                "identities": q("SELECT count(DISTINCT identity) FROM articles"),
                "urls": q("SELECT count(DISTINCT url) FROM articles"),
                "revisions": q("SELECT count(*) FROM article_revisions"),
                "max_revision": q("SELECT max(revision) FROM articles"),
                "articles_without_revision": q(
                    "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                    "(SELECT 1 FROM article_revisions r WHERE r.article_id = a.id)"
                ),
                "failures": q("SELECT count(*) FROM failures"),
                "unhealthy_sources": q(
                    "SELECT count(*) FROM sources WHERE consecutive_errors > 0 "
                    "OR paused_reason IS NOT NULL OR last_success_at IS NULL"
                ),
                "leased_sources": q("SELECT count(*) FROM sources WHERE lease_token IS NOT NULL"),
            }


def clean_end_state(articles: int) -> dict[str, object]:
    """Db.end_state() after a clean run that stored `articles` (every source healthy)."""
    return {
        "articles": articles,
        "identities": articles,
        "urls": articles,
        "revisions": articles,
        "max_revision": 1,
        "articles_without_revision": 0,
        "failures": 0,
        "unhealthy_sources": 0,
        "leased_sources": 0,
    }


class RedisServer:
    """A redis-server of one test's own on a free loopback port (nothing shared with other
    tests or sessions). `persistent` keeps its data across a restart (AOF in `directory`)."""

    def __init__(self, directory: Path, *, persistent: bool = False) -> None:
        self.directory = directory
        self.persistent = persistent
        self.port = free_port()
        self.popen: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        argv = [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.directory),
            "--save",
            "",
            "--daemonize",
            "no",
            "--appendonly",
            "yes" if self.persistent else "no",
            "--logfile",
            str(self.directory / "redis.log"),
        ]
        self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True)
        wait_for(f"redis-server on port {self.port}", self.ping, timeout=15, interval=0.05)
        return self

    def ping(self) -> bool:
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def shutdown(self) -> None:
        """Clean stop (SHUTDOWN: the AOF is flushed), like `redis-cli shutdown`."""
        if self.popen is None:
            return
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown"],
            check=False,
            capture_output=True,
            timeout=10,
        )
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=5)
        self.popen = None

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)
        self.popen = None


@contextlib.contextmanager
def redis_server(directory: Path, *, persistent: bool = False) -> Iterator[RedisServer]:
    server = RedisServer(directory, persistent=persistent).start()
    try:
        yield server
    finally:
        server.stop()
