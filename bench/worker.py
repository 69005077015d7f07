"""Celery runtime benchmark: real `newsworker worker` / `newsworker beat` processes ingesting
S sources x N articles (default 20 x 100) from a loopback fixture site, politeness off.

Configurations: PostgreSQL + Redis with 1, 2 and 4 worker processes (each
`newsworker worker --concurrency 1`), then the embedded default (SQLite database and the
SQLAlchemy broker on a SQLite file, NEWSWORKER_DATABASE_URL / NEWSWORKER_BROKER_URL unset)
with 1 and 2 workers; always one `newsworker beat` with a 1 s dispatch interval. Each
configuration gets a fresh database (CREATE DATABASE on the loopback PostgreSQL; a new
data dir for SQLite), a flushed Redis db, a fresh fixture site and fresh processes.

How "appearance" is defined: workers and beat are started and warm (workers ready, one
dispatch tick done) before any source exists. Then the site (a child process, so its CPU
is not in this process) starts serving each source's articles and feed, and right after
that the bench writes the source's config file (the dispatcher reads config/sources on
every tick). The wall time the feed went live is that source's appearance time; with
`--stagger 0` (default) all sources appear at once, t0. A source cannot be configured
before its feed exists: a 404 feed is a failed run and backs off for interval x 2^k.

Figures per configuration:
- articles/s = articles / (last commit - t0); "last commit" is when the poller (every
  0.2 s) first saw the last article row, so it is late by at most one poll.
- latency fetch p50/p99  = articles.first_seen_at - appearance. first_seen_at is stamped
  with the fetch time of the first version (worker/article_ingest.py), before parse/store.
- latency commit p50/p99 = time the poller first saw the committed row - appearance.

    source .ci/services.sh   # loopback PostgreSQL :55432 and Redis :56379
    python bench/worker.py [--sources 20] [--articles 100] [--workers 1,2,4]
                           [--embedded-workers 1,2] [--skip-embedded] [--stagger 0]

Nothing is asserted on timing; the machine has 2 cores (4 workers oversubscribe it) and
is shared, so the 1-minute load average is printed at start and per configuration.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import Engine, create_engine, func, select, text  # noqa: E402

from tests.fixtures.corpus_site import populate_news_site  # noqa: E402
from tests.fixtures.site import FixtureSite  # noqa: E402
from worker.db.engine import make_engine  # noqa: E402
from worker.db.migrate import upgrade  # noqa: E402
from worker.db.models import Article, Failure  # noqa: E402

POLL_SECONDS = 0.2
CORES = os.cpu_count() or 1


# fixture site (child process) ---------------------------------------------------------------
def _serve(sources: int, articles: int, stagger: float, to_parent: Any, go: Any) -> None:
    """Start the site, report its URL, then on `go` make each source's feed live at
    t0 + i x stagger, reporting (i, wall time it went live)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler
    with FixtureSite() as site:
        to_parent.put(site.base_url)
        go.wait()
        t0 = time.time()
        for i in range(sources):
            delay = t0 + i * stagger - time.time()
            if delay > 0:
                time.sleep(delay)
            # A distinct seed too: with the same seed every prefix serves the same
            # articles (same ids, text, guids), which dedup rightly skips.
            populate_news_site(site, prefix=_prefix(i), count=articles, seed=i)
            to_parent.put((i, time.time()))
        while not site.stopping.is_set():
            time.sleep(0.5)


def _prefix(i: int) -> str:
    return f"/s{i:02d}"


def _key(i: int) -> str:
    return f"s{i:02d}"


def _source_toml(base: str, i: int, articles: int) -> str:
    return f"""
name = "Bench outlet {i}"
outlet_type = "newspaper"
min_delay_seconds = 0
max_articles_per_run = {articles + 10}
[[discover]]
kind = "rss"
url = "{base}{_prefix(i)}/rss.xml"
"""


def _write_source(sources_dir: Path, base: str, i: int, articles: int) -> None:
    """Atomic, so a dispatcher tick never reads half a file."""
    tmp = sources_dir / f".{_key(i)}.tmp"
    tmp.write_text(_source_toml(base, i, articles), encoding="utf-8")
    os.replace(tmp, sources_dir / f"{_key(i)}.toml")


# processes ------------------------------------------------------------------------------------
class Proc:
    """One `python -m worker.cli ...` process in its own session, output to a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "worker.cli", *args],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM the process group (worker + pool child), wait, then SIGKILL it."""
        pgid = self.popen.pid
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)


def _wait_log(procs: list[Proc], needle: str, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        for p in procs:
            if p.popen.poll() is not None:
                raise RuntimeError(f"{p.name} exited ({p.popen.returncode}):\n{p.tail()}")
        if all(needle in p.log() for p in procs):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.2)


def _wait_any_log(procs: list[Proc], needles: tuple[str, ...], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if all(n in p.log() for n in needles):
                return True
        time.sleep(0.2)
    return False


# services -------------------------------------------------------------------------------------
def _with_db(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def _pick_redis_db(base_url: str, wanted: int | None) -> int:
    """The given db, or the highest empty one of 10..15 (other people's tests use others)."""
    import redis

    if wanted is not None:
        return wanted
    for db in range(15, 9, -1):
        client = redis.Redis.from_url(_with_db(base_url, str(db)))
        try:
            if client.dbsize() == 0:
                return db
        finally:
            client.close()
    raise SystemExit("no empty Redis db in 10..15; pass --redis-db")


def _flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def _pg_admin(url: str, sql: str) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(sql))
    finally:
        admin.dispose()


# one configuration ----------------------------------------------------------------------------
@dataclass
class Result:
    label: str
    workers: int
    load1: float
    committed: int = 0
    expected: int = 0
    wall: float = math.nan
    fetch_lat: list[float] = field(default_factory=list)
    commit_lat: list[float] = field(default_factory=list)
    failures: int = 0
    error: str = ""


@dataclass(frozen=True)
class Config:
    label: str
    workers: int
    pg_admin_url: str | None  # None: embedded default
    redis_url: str | None


def _child_env(
    data_dir: Path, config_dir: Path, db_url: str | None, broker: str | None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "NEWSWORKER_DATA_DIR": str(data_dir),
            "NEWSWORKER_CONFIG_DIR": str(config_dir),
            "NEWSWORKER_ALLOWED_NETWORKS": "127.0.0.1/32",
            "NEWSWORKER_POLITENESS": "false",
            "NEWSWORKER_DISPATCH_INTERVAL_SECONDS": "1",
            "NEWSWORKER_LOG_LEVEL": "INFO",
        }
    )
    if db_url is not None:
        env["NEWSWORKER_DATABASE_URL"] = db_url
    if broker is not None:
        env["NEWSWORKER_BROKER_URL"] = broker
    return env


def _poll(engine: Engine, seen: dict[int, tuple[str, datetime, float]]) -> None:
    """Record every article row not seen before: (source, first_seen_at, seen now)."""
    with engine.connect() as conn:
        ids = set(conn.scalars(select(Article.id)))
        new = ids - seen.keys()
        if not new:
            return
        now = time.time()
        rows = conn.execute(
            select(Article.id, Article.source_key, Article.first_seen_at).where(Article.id.in_(new))
        )
        for aid, key, first_seen in rows:
            seen[aid] = (key, first_seen, now)


def run_config(cfg: Config, args: argparse.Namespace, log_root: Path) -> Result:
    result = Result(cfg.label, cfg.workers, os.getloadavg()[0])
    total = args.sources * args.articles
    result.expected = total
    tmp = Path(tempfile.mkdtemp(prefix=f"nwbench-{cfg.label}-{cfg.workers}-", dir=log_root))
    data_dir, config_dir = tmp / "data", tmp / "config"
    sources_dir = config_dir / "sources"
    sources_dir.mkdir(parents=True)
    pg_name = f"nw_bench_{uuid.uuid4().hex[:10]}"
    db_url = _with_db(cfg.pg_admin_url, pg_name) if cfg.pg_admin_url else None
    procs: list[Proc] = []
    server: mp.Process | None = None
    engine: Engine | None = None
    go = mp.Event()
    try:
        # The site first: forked before this process holds any database connection.
        queue: Any = mp.Queue()
        server = mp.Process(
            target=_serve, args=(args.sources, args.articles, args.stagger, queue, go)
        )
        server.start()
        base = queue.get(timeout=60)
        if cfg.pg_admin_url is not None:
            _pg_admin(cfg.pg_admin_url, f'CREATE DATABASE "{pg_name}"')
        if cfg.redis_url is not None:
            _flush_redis(cfg.redis_url)
        # Migrate up front (PostgreSQL needs it; on SQLite it avoids N workers racing to).
        engine = make_engine(db_url or f"sqlite:///{(data_dir / 'newsworker.sqlite3')}")
        upgrade(engine)
        env = _child_env(data_dir, config_dir, db_url, cfg.redis_url)
        workers = [
            Proc(f"worker{n}", ["worker", "--concurrency", "1"], env, tmp)
            for n in range(cfg.workers)
        ]
        procs += workers
        _wait_log(workers, "ready.", 120, "workers ready")
        procs.append(Proc("beat", ["beat"], env, tmp))
        if not _wait_any_log(workers, ("newsworker.dispatch", "succeeded"), 60):
            print(f"  [{cfg.label} x{cfg.workers}] no dispatch tick seen in 60 s; going on")
        go.set()
        appeared: dict[str, float] = {}
        seen: dict[int, tuple[str, datetime, float]] = {}
        deadline = time.monotonic() + args.timeout
        while len(seen) < total:
            while len(appeared) < args.sources and not queue.empty():
                i, at = queue.get()
                _write_source(sources_dir, base, i, args.articles)
                appeared[_key(i)] = at
            _poll(engine, seen)
            for p in procs:
                if p.popen.poll() is not None:
                    raise RuntimeError(f"{p.name} exited ({p.popen.returncode}):\n{p.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out after {args.timeout:.0f}s: {len(seen)}/{total}")
            time.sleep(POLL_SECONDS)
        t0 = min(appeared.values())
        result.wall = max(s for _, _, s in seen.values()) - t0
        for key, first_seen, observed in seen.values():
            result.fetch_lat.append(first_seen.timestamp() - appeared[key])
            result.commit_lat.append(observed - appeared[key])
    except Exception as exc:  # noqa: BLE001 - report it in the table and go on
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        for p in reversed(procs):  # beat first, then the workers
            p.stop()
        go.set()
        if server is not None:
            server.terminate()
            server.join(5)
        if engine is not None:
            with contextlib.suppress(Exception), engine.connect() as conn:
                result.committed = int(conn.scalar(select(func.count()).select_from(Article)) or 0)
                result.failures = int(conn.scalar(select(func.count()).select_from(Failure)) or 0)
            engine.dispose()
        if cfg.pg_admin_url is not None:
            with contextlib.suppress(Exception):
                _pg_admin(cfg.pg_admin_url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        if cfg.redis_url is not None:
            with contextlib.suppress(Exception):
                _flush_redis(cfg.redis_url)
    if result.error:
        print(f"  [{cfg.label} x{cfg.workers}] FAILED: {result.error}")
    return result


# report ---------------------------------------------------------------------------------------
def _pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _row(r: Result) -> str:
    rate = r.committed / r.wall if r.wall == r.wall and r.wall > 0 else math.nan
    lat = (
        f"{_pct(r.fetch_lat, 0.5):6.1f} {_pct(r.fetch_lat, 0.99):6.1f}   "
        f"{_pct(r.commit_lat, 0.5):6.1f} {_pct(r.commit_lat, 0.99):6.1f}"
    )
    note = f"  ERROR: {r.error.splitlines()[0][:60]}" if r.error else ""
    over = "*" if r.workers > CORES else " "
    return (
        f"{r.label:<16} {r.workers:>2}{over} {r.load1:5.2f} {r.committed:>5}/{r.expected:<5} "
        f"{r.failures:>4} {r.wall:7.1f} {rate:7.1f}   {lat}{note}"
    )


def _print_table(results: list[Result], args: argparse.Namespace) -> None:
    print()
    print(
        f"{args.sources} sources x {args.articles} articles, RSS discovery, politeness off, "
        f"dispatch every 1 s, stagger {args.stagger:g} s; each worker = "
        "`newsworker worker --concurrency 1`"
    )
    print("                                                               latency s (appear ->)")
    print(
        "config           wk  load1 committed  fail  wall s  art/s     "
        "fetch p50   p99   commit p50   p99"
    )
    for r in results:
        print(_row(r))
    print(
        f"* more worker processes than the machine's {CORES} cores: oversubscribed. "
        "load1 = 1-min load average at the configuration's start (shared machine)."
    )
    print(
        "fetch = articles.first_seen_at (stamped at fetch) - appearance; commit = first "
        f"poll that saw the row ({POLL_SECONDS:g} s polls) - appearance."
    )


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--articles", type=int, default=100, help="articles per source")
    parser.add_argument("--workers", default="1,2,4", help="PostgreSQL + Redis worker counts")
    parser.add_argument("--embedded-workers", default="1,2")
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--skip-redis", action="store_true", help="embedded default only")
    parser.add_argument("--stagger", type=float, default=0.0, help="s between sources going live")
    parser.add_argument("--timeout", type=float, default=900.0, help="s per configuration")
    parser.add_argument("--redis-db", type=int, default=None)
    args = parser.parse_args()
    # SIGTERM (e.g. from `timeout`) must still run the `finally` that stops the processes.
    signal.signal(signal.SIGTERM, _terminate)

    load = os.getloadavg()
    print(
        f"machine: {CORES} cores; load average at start {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f} (other work shares the CPU); 4 workers oversubscribe 2 cores"
    )
    configs: list[Config] = []
    if not args.skip_redis:
        pg = os.environ.get("NEWSWORKER_TEST_PG_URL")
        redis_base = os.environ.get("NEWSWORKER_TEST_REDIS_URL")
        if not pg or not redis_base:
            raise SystemExit("source .ci/services.sh first (or pass --skip-redis)")
        redis_url = _with_db(redis_base, str(_pick_redis_db(redis_base, args.redis_db)))
        print(f"PostgreSQL {pg.rsplit('@', 1)[-1]}, Redis {redis_url.split('://', 1)[-1]}")
        for n in (int(w) for w in args.workers.split(",") if w.strip()):
            configs.append(Config("postgres+redis", n, pg, redis_url))
    if not args.skip_embedded:
        for n in (int(w) for w in args.embedded_workers.split(",") if w.strip()):
            configs.append(Config("embedded sqlite", n, None, None))

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="nwbench-") as log_root:
        try:
            for cfg in configs:
                started = time.monotonic()
                result = run_config(cfg, args, Path(log_root))
                results.append(result)
                elapsed = time.monotonic() - started
                print(f"  done: {_row(result)}  ({elapsed:.0f} s)", flush=True)
                if result.error:  # keep that configuration's logs for a look
                    kept = Path(tempfile.mkdtemp(prefix="nwbench-failed-"))
                    subprocess.run(["cp", "-r", log_root, str(kept)], check=False)
                    print(f"  logs copied to {kept}")
        except KeyboardInterrupt as exc:  # processes already stopped by run_config
            print(f"interrupted ({exc}); configurations finished so far:")
    _print_table(results, args)


if __name__ == "__main__":
    main()
