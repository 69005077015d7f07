"""Notification benchmark: events through outbox → relay → Redis Stream, on PostgreSQL and
SQLite, against the loopback services of .ci/services.sh.

Writers commit events (one per transaction, as an ingest does) while a relay loop runs
like `newsworker relay` (passes back to back while there is work, `--interval` idle wait
otherwise). Three runs per database:
  backlog  `--events` already committed, one relay drains them: relay capacity;
  burst    `--writers` threads commit `--events` events as fast as they can: events/s
           from the first commit to the last stream entry;
  paced    one writer commits `--rate` events/s for `--seconds` s: delay at ordinary load.
Delay = stream entry time (ms part of the XADD id, Redis clock, same host) minus the
writer's wall clock right after COMMIT; p50/p99/max are printed.

    python bench/notify.py [--events 20000] [--writers 4] [--rate 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.pg import fresh_pg_database
from worker.db.engine import make_engine, make_session_factory, transaction
from worker.db.migrate import upgrade
from worker.notify.config import StreamConfig
from worker.notify.events import emit
from worker.notify.relay import relay_once
from worker.notify.stream import stream_publisher

REPO = Path(__file__).resolve().parents[1]


def service_urls() -> tuple[str, str]:
    keys = ("NEWSWORKER_TEST_PG_URL", "NEWSWORKER_TEST_REDIS_URL")
    if not all(os.environ.get(k) for k in keys):
        script = f"source {REPO / '.ci' / 'services.sh'} >&2 && env"
        out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True)
        os.environ.update(dict(ln.split("=", 1) for ln in out.stdout.splitlines() if "=" in ln))
    return os.environ[keys[0]], os.environ[keys[1]]


@contextmanager
def database(kind: str, pg_admin: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    with fresh_pg_database(pg_admin, "nw_bench") as url:
        yield url


def relay_loop(sessions: sessionmaker[Session], publish: Any, stop: threading.Event,
               interval: float) -> None:  # fmt: skip
    while not stop.is_set():
        counts = relay_once(sessions, datetime.now(UTC), [("bench", publish)])
        if not any(counts.values()):
            stop.wait(interval)


def writer(sessions: sessionmaker[Session], count: int, pace: float, commits: dict[str, float],
           lock: threading.Lock) -> None:  # fmt: skip
    start = time.monotonic()
    payload = {"article": {"id": 1, "title": "Bắt giữ đối tượng", "record": {"x": "y" * 800}}}
    for i in range(count):
        if pace:
            time.sleep(max(0.0, start + i * pace - time.monotonic()))
        with transaction(sessions) as session:
            event = emit(session, "article.created", now=datetime.now(UTC), payload=payload,
                         source_key="bench", article_id=i)  # fmt: skip
        committed = time.time()
        with lock:
            commits[event.event_id] = committed


def run(
    url: str, client: redis.Redis[bytes], args: argparse.Namespace, mode: str
) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    key = f"bench:events:{uuid.uuid4().hex[:8]}"
    publish = stream_publisher(client, StreamConfig(key=key, maxlen=10_000_000))
    if mode == "backlog":
        return backlog(sessions, client, key, publish, args.events)
    writers, per_writer, pace = (
        (args.writers, args.events // args.writers, 0.0)
        if mode == "burst"
        else (1, int(args.rate * args.seconds), 1.0 / args.rate)
    )
    total = writers * per_writer
    commits: dict[str, float] = {}
    lock, stop = threading.Lock(), threading.Event()
    relay = threading.Thread(target=relay_loop, args=(sessions, publish, stop, args.interval))
    relay.start()
    t0 = time.time()
    threads = [threading.Thread(target=writer, args=(sessions, per_writer, pace, commits, lock))
               for _ in range(writers)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    while client.xlen(key) < total and time.time() - t0 < 600:
        time.sleep(0.01)
    stop.set()
    relay.join()
    entries = client.xrange(key)
    client.delete(key)
    engine.dispose()
    added = {f[b"id"].decode(): int(eid.split(b"-")[0]) / 1000 for eid, f in entries}
    delays = sorted((added[e] - c) * 1000 for e, c in commits.items())
    span = max(added.values()) - min(commits.values())
    return {
        "events": total, "stream": len(entries), "eps": total / span,
        "p50": statistics.median(delays), "p99": delays[int(len(delays) * 0.99) - 1],
        "max": delays[-1],
    }  # fmt: skip


def backlog(sessions: sessionmaker[Session], client: redis.Redis[bytes], key: str,
            publish: Any, count: int) -> dict[str, Any]:  # fmt: skip
    """Relay capacity: `count` events already committed (500 per transaction), then one
    relay drains them; events/s from its start to the last stream entry."""
    payload = {"article": {"id": 1, "title": "Bắt giữ đối tượng", "record": {"x": "y" * 800}}}
    for start in range(0, count, 500):
        with transaction(sessions) as session:
            for i in range(start, min(count, start + 500)):
                emit(session, "article.created", now=datetime.now(UTC), payload=payload,
                     source_key="bench", article_id=i)  # fmt: skip
    t0 = time.time()
    while any(relay_once(sessions, datetime.now(UTC), [("bench", publish)]).values()):
        pass  # 5000 events sequenced per pass
    span = time.time() - t0
    n = client.xlen(key)
    client.delete(key)
    nan = float("nan")
    return {"events": count, "stream": n, "eps": count / span, "p50": nan, "p99": nan, "max": nan}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--interval", type=float, default=0.5, help="relay idle wait (s)")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    pg_admin, redis_url = service_urls()
    client = redis.Redis.from_url(redis_url)
    print(f"relay idle interval {args.interval}s; delay = XADD time - commit time (ms)")
    print(f"{'database':<11}{'mode':<7}{'events':>7}{'events/s':>10}{'p50':>9}{'p99':>9}{'max':>9}")
    for kind in args.db or ("postgresql", "sqlite"):
        for mode in ("backlog", "burst", "paced"):
            with database(kind, pg_admin) as url:
                r = run(url, client, args, mode)
            assert r["stream"] == r["events"], r
            print(f"{kind:<11}{mode:<7}{r['events']:>7}{r['eps']:>10.0f}"
                  f"{r['p50']:>9.1f}{r['p99']:>9.1f}{r['max']:>9.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
