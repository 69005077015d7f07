"""Scheduling from the database, with real processes and real concurrency:

- two `newsworker beat` processes dispatching every second never get a source fetched
  twice within its lease (PostgreSQL + Redis, two workers);
- `claim_due_sources` called at the same instant from 8 threads, each with its own session,
  claims every due source exactly once (PostgreSQL: SKIP LOCKED; SQLite: conditional UPDATE);
- the embedded default (SQLite database, SQLAlchemy broker on SQLite, no server at all)
  with two worker processes and a beat stores everything with no "database is locked".
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections import Counter
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import text, update

from tests.e2e.procs import (
    Db,
    Proc,
    clean_end_state,
    migrated,
    redis_server,
    running,
    runtime_env,
    wait_for,
    write_feed_source,
)
from tests.fixtures.corpus_site import ArticleSpec, populate_news_site
from tests.fixtures.site import FixtureSite
from worker.context import utcnow
from worker.db.engine import make_engine, make_session_factory, transaction
from worker.db.models import Source
from worker.health import sync_source
from worker.schedule import claim_due_sources, start_run
from worker.sources import SourceConfig

pytestmark = [pytest.mark.db, pytest.mark.timeout(150)]

KEYS = ("an-giang", "bac-ninh", "ca-mau")


def _serve_sources(site: FixtureSite, config_dir: Path, count: int) -> dict[str, list[ArticleSpec]]:
    """One RSS source per key, `count` articles each, interval one minute."""
    specs: dict[str, list[ArticleSpec]] = {}
    for seed, key in enumerate(KEYS, start=1):
        specs[key] = populate_news_site(site, prefix=f"/{key}", count=count, seed=seed)
        write_feed_source(config_dir, key, site.url(f"/{key}/rss.xml"), interval_minutes=1)
    return specs


def _runs(db: Db) -> dict[str, list[tuple[float, float]]]:
    """Finished ingest runs per source as (started, finished) epoch seconds."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT source_key, started_at, finished_at FROM ingest_runs ORDER BY id")
        )
        runs: dict[str, list[tuple[float, float]]] = {key: [] for key in KEYS}
        for key, started, finished in rows:
            runs[key].append((started.timestamp(), finished.timestamp()))
        return runs


def _claims(worker: Proc) -> int:
    """Sources leased by the dispatch tasks this worker ran (each returns its claim count)."""
    done = re.findall(
        r"newsworker\.dispatch\[[^\]]+\] succeeded in [0-9.e-]+s: (\d+)", worker.output()
    )
    return sum(int(n) for n in done)


def test_two_beats_never_fetch_a_source_twice_within_its_lease(tmp_path: Path, pg_url: str) -> None:
    """Two beats each send a dispatch every second (twice the dispatches, and each one
    races the other's): over two windows every source is fetched exactly once per window,
    no run of a source overlaps another, and no article page is requested twice."""
    db = Db(migrated(pg_url))
    config = tmp_path / "config"
    with FixtureSite() as site, redis_server(tmp_path / "redis") as redis:
        specs = _serve_sources(site, config, count=25)
        env = runtime_env(
            config_dir=config,
            data_dir=tmp_path / "data",
            database_url=pg_url,
            broker_url=redis.url,
            # Limits no run here comes near even on a very loaded machine: a run cut by the
            # soft limit would be legitimately redone, which this test must not mistake
            # for a second fetch within a lease.
            NEWSWORKER_TASK_SOFT_TIME_LIMIT="100",
            NEWSWORKER_TASK_TIME_LIMIT="110",
            NEWSWORKER_BROKER_VISIBILITY_TIMEOUT="130",
        )
        (tmp_path / "logs").mkdir()
        with running(env, tmp_path / "logs") as procs:
            # Each beat keeps its own schedule file, as two separate hosts would.
            beats = [
                procs.beat(f"beat-{n}", NEWSWORKER_DATA_DIR=str(tmp_path / f"beat-{n}"))
                for n in (1, 2)
            ]
            workers = [procs.worker(f"worker-{n}") for n in (1, 2)]
            total = len(KEYS) * 25

            # Window 1: every source due (never run). Runs take a few seconds, during which
            # both beats keep dispatching; only the lease stops a second claim then.
            wait_for(
                "the first run of every source",
                lambda: db.quiet(total) and all(len(r) == 1 for r in _runs(db).values()),
                timeout=60,
            )
            first_done = time.monotonic()
            _observe(beats, seconds=6)
            _assert_window(site, db, specs, runs=1)

            # Window 2: make every source due again, as its interval passing would.
            with db.engine.begin() as conn:
                conn.execute(update(Source).values(next_check_at=utcnow() - timedelta(seconds=1)))
            wait_for(
                "the second run of every source",
                lambda: db.leased() == 0 and all(len(r) == 2 for r in _runs(db).values()),
                timeout=60,
            )
            _observe(beats, seconds=4)
            _assert_window(site, db, specs, runs=2)
            assert sum(_claims(w) for w in workers) == 2 * len(KEYS)
            # interval_minutes = 1: a third run would be legitimate a minute after the first.
            assert time.monotonic() - first_done < 50, "too slow to tell the windows apart"
        assert db.end_state() == clean_end_state(total)


def _ready(worker: Proc) -> bool:
    return "ready." in worker.output()


def _observe(beats: list[Proc], seconds: float) -> None:
    """Let both beats tick `seconds` more (each tick is a chance to double-dispatch)."""
    before = [b.output().count("Sending due task dispatch") for b in beats]
    time.sleep(seconds)
    after = [b.output().count("Sending due task dispatch") for b in beats]
    assert all(a - b >= seconds - 2 for a, b in zip(after, before, strict=True)), (before, after)


def _assert_window(
    site: FixtureSite, db: Db, specs: dict[str, list[ArticleSpec]], runs: int
) -> None:
    by_source = _runs(db)
    for key in KEYS:
        assert site.count(f"/{key}/rss.xml") == runs, key
        assert len(by_source[key]) == runs, key
        spans = sorted(by_source[key])
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans
        pages = Counter(site.count(spec.path) for spec in specs[key])
        assert pages == Counter({1: len(specs[key])}), (key, pages)


def test_claim_due_sources_from_8_threads_claims_each_due_source_once(db_url: str) -> None:
    """8 threads, each with its own session, call the dispatcher's claim at the same
    instant, round after round with a small limit: every due source is claimed exactly
    once; paused, not-yet-due and leased sources never. Once the leases expire, a new
    round claims each of them again exactly once."""
    engine = migrated(db_url)
    sessions = make_session_factory(engine)
    configured = {
        f"nguon-{i:02d}": SourceConfig.model_validate(
            {
                "key": f"nguon-{i:02d}",
                "name": f"Nguồn {i}",
                "outlet_type": "newspaper",
                "discover": [{"kind": "rss", "url": f"http://127.0.0.1:9/{i}.xml"}],
            }
        )
        for i in range(40)
    }
    now = utcnow()
    keys = sorted(configured)
    with transaction(sessions) as session:
        for source in configured.values():
            sync_source(session, source)
        session.flush()
        rows = {row.key: row for row in session.query(Source)}
        for key in keys[:5]:
            rows[key].paused_reason = "paused after 10 consecutive failures"
        for key in keys[5:10]:
            rows[key].next_check_at = now + timedelta(minutes=30)
        for key in keys[10:15]:
            rows[key].lease_token, rows[key].lease_until = (
                "someone-else",
                now + timedelta(minutes=2),
            )
    due = keys[15:]

    def race(at: float, limit: int) -> list[tuple[str, str]]:
        barrier = threading.Barrier(8)
        results: list[list[tuple[str, str]]] = [[] for _ in range(8)]
        errors: list[BaseException] = []

        def claimer(n: int) -> None:
            try:
                barrier.wait(timeout=10)
                while True:
                    with transaction(sessions) as session:
                        got = claim_due_sources(
                            session,
                            configured,
                            now + timedelta(seconds=at),
                            timedelta(minutes=5),
                            limit=limit,
                        )
                    if not got:
                        return
                    results[n] += got
            except Exception as exc:  # noqa: BLE001 - re-raised by the main thread
                errors.append(exc)

        threads = [threading.Thread(target=claimer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        return [claim for result in results for claim in result]

    try:
        claims = race(at=0, limit=3)
        claimed = Counter(key for key, _ in claims)
        assert sorted(claimed) == due
        assert set(claimed.values()) == {1}, claimed
        with engine.connect() as conn:
            leases = conn.execute(text("SELECT key, lease_token FROM sources")).all()
        tokens: dict[str, str | None] = {row[0]: row[1] for row in leases}
        assert all(tokens[key] == token for key, token in claims)
        assert race(at=1, limit=3) == []  # all leased now: nothing to claim

        # The task that starts a run renews its lease from that moment (its message may
        # have waited most of the lease in the queue): started 4 minutes after the claim,
        # its lease lasts until 9 minutes, so it is still held at 6 minutes.
        key, token = claims[0]
        with transaction(sessions) as session:
            assert start_run(session, key, token, now + timedelta(minutes=4), timedelta(minutes=5))

        # Six minutes on, every other lease has expired (the 5-minute ones and
        # "someone-else"'s): each of those sources is claimed again exactly once.
        again = Counter(key for key, _ in race(at=360, limit=100))
        assert sorted(again) == sorted(set(keys[10:]) - {key})
        assert set(again.values()) == {1}, again
    finally:
        engine.dispose()


def test_embedded_sqlite_two_workers_and_beat_without_database_locked(tmp_path: Path) -> None:
    """No server at all: SQLite database and SQLAlchemy broker on SQLite under DATA_DIR,
    two `newsworker worker` processes and a beat, 3 sources x 50 articles. Everything is
    stored once and no process ever reports "database is locked"."""
    config = tmp_path / "config"
    data = tmp_path / "data"
    with FixtureSite() as site:
        _serve_sources(site, config, count=50)
        env = runtime_env(config_dir=config, data_dir=data, database_url=None, broker_url=None)
        (tmp_path / "logs").mkdir()
        with running(env, tmp_path / "logs") as procs:
            workers = [procs.worker(f"worker-{n}") for n in (1, 2)]
            procs.beat()
            # Read the database only once the workers have migrated it (it is theirs).
            for worker in workers:
                wait_for(f"{worker.name} ready", partial(_ready, worker), 60)
            db = Db(make_engine(f"sqlite:///{data / 'newsworker.sqlite3'}"))
            wait_for("150 articles and no source leased", lambda: db.quiet(150), timeout=90)
            assert db.end_state() == clean_end_state(150), db.failures()
            assert all(w.exit_code() is None for w in workers), "a worker died"
            assert sum(_claims(w) for w in workers) == len(KEYS)
            for proc in procs.all:
                out = proc.output()
                assert "database is locked" not in out.lower(), (proc.name, proc.tail())
                assert "OperationalError" not in out, (proc.name, proc.tail())
