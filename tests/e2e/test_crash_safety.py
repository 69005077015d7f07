"""Crash safety of the Celery runtime, with real processes: `newsworker worker` and
`newsworker beat` as subprocesses, PostgreSQL, and a Redis broker of the test's own.

A worker killed with SIGKILL (pool child, main process, both), a process exiting at a named
crash point (NEWSWORKER_CRASH_AT), or the broker restarting mid-run must all end in the
state a clean run leaves: every article stored once, one revision each, no failure rows,
the source healthy and unleased. Recovery comes from the lease expiring (a dead run keeps
its source leased for hard limit + NEWSWORKER_LEASE_GRACE_SECONDS) and from the broker
redelivering unacknowledged messages, which the lease tokens make harmless.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

from tests.e2e.procs import (
    Db,
    Proc,
    Procs,
    RedisServer,
    alive,
    clean_end_state,
    kill9,
    migrated,
    redis_server,
    running,
    runtime_env,
    wait_for,
    write_feed_source,
)
from tests.fixtures.corpus_site import populate_news_site
from tests.fixtures.site import FixtureSite
from tests.pg import fresh_pg_database

pytestmark = [pytest.mark.db, pytest.mark.timeout(300)]

ARTICLES = 200
# Short leases so a dead run's source is claimable again within seconds: hard limit 15 s,
# lease = 15 + 1 s. A full 200-article run takes ~6 s here; should the soft limit (10 s)
# ever fire on a slow machine, the run stops cleanly and the next dispatch carries on.
FAST_LEASE = {
    "NEWSWORKER_TASK_SOFT_TIME_LIMIT": "10",
    "NEWSWORKER_TASK_TIME_LIMIT": "15",
    "NEWSWORKER_LEASE_GRACE_SECONDS": "1",
}
LEASE_SECONDS = 16
VISIBILITY_SECONDS = 30  # runtime_env's NEWSWORKER_BROKER_VISIBILITY_TIMEOUT


@dataclass
class Rig:
    site: FixtureSite
    db: Db
    env: dict[str, str]
    logs: Path
    redis: RedisServer


@contextlib.contextmanager
def make_rig(tmp_path: Path, db_url: str) -> Iterator[Rig]:
    """A 200-article site, a migrated PostgreSQL database, a Redis, one source file."""
    engine = migrated(db_url)
    with FixtureSite() as site, redis_server(tmp_path / "redis", persistent=True) as redis:
        populate_news_site(site, count=ARTICLES)
        write_feed_source(tmp_path / "config", "thu", site.url("/tin-tuc/rss.xml"))
        env = runtime_env(
            config_dir=tmp_path / "config",
            data_dir=tmp_path / "data",
            database_url=db_url,
            broker_url=redis.url,
            **FAST_LEASE,
        )
        (tmp_path / "logs").mkdir(parents=True)
        try:
            yield Rig(site, Db(engine), env, tmp_path / "logs", redis)
        finally:
            engine.dispose()


@pytest.fixture
def rig(tmp_path: Path, pg_url: str) -> Iterator[Rig]:
    with make_rig(tmp_path, pg_url) as made:
        yield made


def _settle(rig: Rig, timeout: float) -> dict[str, object]:
    """Wait for every article and no lease held, then return the end state."""
    wait_for("all articles stored and the source released", lambda: rig.db.quiet(ARTICLES), timeout)
    return rig.db.end_state()


def _mid_run(rig: Rig, stored: int) -> bool:
    """A run is in progress (its token set) and at least `stored` articles are in."""
    running_now = rig.db.scalar("SELECT count(*) FROM sources WHERE running_token IS NOT NULL")
    return running_now == 1 and rig.db.articles() >= stored


def _dead(pid: int) -> bool:
    return not alive(pid)


def test_kill_9_worker_mid_ingest_stores_every_article_once(rig: Rig) -> None:
    """SIGKILL the pool child, then the main process, then the pool child again, each while
    a run is storing articles; restart the worker when it is gone. The end state is that
    of a clean run: 200 articles, one revision each, no failures, the source healthy."""
    rounds = [("pool child", 25), ("main process", 90), ("pool child", 150)]
    with running(rig.env, rig.logs) as procs:
        procs.beat()
        worker = procs.worker()
        for mode, at in rounds:
            # A run in progress (its token set) with `at` articles stored: kill it now.
            wait_for(
                f"a run in progress with {at} articles stored, to kill the {mode}",
                partial(_mid_run, rig, at),
                timeout=LEASE_SECONDS + 100,
            )
            child = worker.pool_child()
            kill9(child if mode == "pool child" else worker.pid)
            stored = rig.db.articles()
            assert stored < ARTICLES, f"the {mode} was killed after the run had finished"
            if mode == "main process":
                worker.wait(timeout=10)
                # billiard gives pool children PDEATHSIG: no orphan goes on with the task.
                wait_for("the orphaned pool child to die", partial(_dead, child), 10)
                worker = procs.worker(f"worker-after-{at}")
            # else: the main process stays up, requeues the message (reject_on_worker_lost)
            # and forks a new child; the redelivered message finds the lease still held.
        state = _settle(rig, timeout=LEASE_SECONDS + 100)
        assert state == clean_end_state(ARTICLES), rig.db.failures()
        assert rig.db.scalar("SELECT count(*) FROM ingest_runs WHERE status <> 'ok'") == 0


CRASH_POINTS = {
    # point: (NEWSWORKER_CRASH_AT, articles committed when the process exits)
    "after_fetch": ("after_fetch:60", 59),
    "mid_transaction": ("mid_transaction:60", 59),
    "after_commit": ("after_commit:1", ARTICLES),
}


def test_crash_points_each_end_like_a_clean_run(tmp_path: Path, pg_admin_url: str) -> None:
    """For each crash point a worker (solo pool: the task runs in the main process) exits
    with 137 there; restarted without the variable, it ends in a clean run's state. The
    three scenarios run side by side (own database, Redis, site, processes each), so their
    waits for a lease or a redelivery overlap."""
    with contextlib.ExitStack() as stack:
        rigs: dict[str, Rig] = {}
        procs: dict[str, Procs] = {}
        for point in CRASH_POINTS:
            db_url = stack.enter_context(fresh_pg_database(pg_admin_url))
            rigs[point] = stack.enter_context(make_rig(tmp_path / point, db_url))
            procs[point] = stack.enter_context(running(rigs[point].env, rigs[point].logs))
        for point, (spec, _) in CRASH_POINTS.items():
            procs[point].beat()
            procs[point].worker("crashing-worker", pool="solo", NEWSWORKER_CRASH_AT=spec)
        for point, (_, committed) in CRASH_POINTS.items():
            _check_crash(point, procs[point].all[-1], rigs[point], committed)
        for point in ("after_fetch", "mid_transaction"):
            procs[point].worker("restarted-worker", pool="solo")
        # kombu scans for unacked messages older than the visibility timeout when a consumer
        # starts and then only every ~100 s: restart after_commit's worker once its message
        # is visible again, so the start-up scan redelivers it.
        wait_for(
            "the after_commit message to become visible again",
            lambda: _unacked_age(rigs["after_commit"].redis) > VISIBILITY_SECONDS + 1,
            timeout=VISIBILITY_SECONDS + 30,
        )
        restarted = procs["after_commit"].worker("restarted-worker", pool="solo")
        for point, rig in rigs.items():
            state = _settle(rig, timeout=LEASE_SECONDS + 100)
            assert state == clean_end_state(ARTICLES), (point, rig.db.failures())
        # The redelivered after_commit message holds a stale lease token: it must run
        # nothing (still one run, the same rows) and be acknowledged.
        rig = rigs["after_commit"]
        wait_for(
            "the crashed task's message to be redelivered and acked",
            lambda: rig.redis.client().hlen("unacked") == 0,
            timeout=30,
        )
        # (the worker's log reaches us through a pipe reader: wait for the line, do not race it)
        wait_for(
            "the redelivered task to report its stale lease",
            lambda: "already running or lease gone" in restarted.output(),
            timeout=30,
        )
        assert rig.db.scalar("SELECT count(*) FROM ingest_runs") == 1
        assert rig.db.end_state() == clean_end_state(ARTICLES)


def _check_crash(point: str, crashing: Proc, rig: Rig, committed: int) -> None:
    """The process died at the point, leaving only whole articles behind."""
    code = wait_for(f"the worker to exit at {point}", crashing.exit_code, timeout=90)
    assert code == 137, (point, crashing.tail())
    state = rig.db.end_state()
    assert state["articles"] == committed, point
    # Each stored article is complete with its one revision, raw page and URL rows; the
    # article in flight at mid_transaction left no row anywhere (rolled back).
    assert state["revisions"] == committed, point
    assert state["articles_without_revision"] == 0, point
    assert rig.db.scalar("SELECT count(*) FROM raw_pages") == committed, point
    assert rig.db.scalar("SELECT count(DISTINCT article_id) FROM article_urls") == committed
    if point == "after_commit":
        assert state["leased_sources"] == 0  # released before the exit
        assert rig.redis.client().hlen("unacked") == 1  # ... but the task was never acked
    else:
        assert state["leased_sources"] == 1, point  # held by the dead run until it expires


def _unacked_age(redis: RedisServer) -> float:
    """Seconds since the oldest unacknowledged message was delivered (0: none)."""
    oldest = redis.client().zrange("unacked_index", 0, 0, withscores=True)
    return time.time() - float(oldest[0][1]) if oldest else 0.0


def test_redis_restart_mid_run_resumes_and_loses_nothing(rig: Rig) -> None:
    """Stop the broker while a run is storing articles, start it again on the same port
    and data directory a few seconds later: work resumes within a minute, nothing is lost
    or stored twice."""
    with running(rig.env, rig.logs) as procs:
        procs.beat()
        worker = procs.worker()
        wait_for("a run storing articles", lambda: rig.db.articles() >= 30, timeout=60)
        rig.redis.shutdown()
        down_at = rig.db.articles()
        assert down_at < ARTICLES, "the broker went down after the run had finished"
        time.sleep(4)
        rig.redis.start()
        back = time.monotonic()
        _settle(rig, timeout=60)
        resumed_in = time.monotonic() - back
        assert resumed_in <= 60
        assert alive(worker.pid), "the worker must survive a broker restart"
        assert rig.db.end_state() == clean_end_state(ARTICLES), rig.db.failures()
        _still_consuming(procs.all, rig)


def _still_consuming(procs: list[Proc], rig: Rig) -> None:
    """After the restart the worker still consumes: a dispatch sent by beat now runs."""
    worker = procs[-1]
    seen = worker.output().count("newsworker.dispatch[")
    wait_for(
        "the worker to run dispatch tasks after the broker restart",
        lambda: worker.output().count("newsworker.dispatch[") > seen + 2,
        timeout=20,
    )
    assert rig.redis.ping()
