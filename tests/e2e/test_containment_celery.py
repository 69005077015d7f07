"""A poisoned article under the real Celery runtime (issue 14): `newsworker worker` and
`newsworker beat` as subprocesses, PostgreSQL, a Redis broker of the test's own, the
loopback site with 20 good articles and one whose parse raises what no stage expects
(NEWSWORKER_FAULT_AT=parse:<poison> in the worker).

Before containment the exception left the task: the source stored nothing, never counted
as failing, and the page was fetched again on every dispatch. Now the run stores the 20,
writes one failure row and its run row, and the source is done until it is due again.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.e2e.poisoned_site import POISON, poisoned_feed
from tests.e2e.procs import (
    Db,
    migrated,
    redis_server,
    running,
    runtime_env,
    wait_for,
    write_feed_source,
)
from tests.fixtures.site import FixtureSite
from worker.crashpoints import FAULT_ENV

pytestmark = [pytest.mark.db, pytest.mark.timeout(240)]

GOOD = 20


def _run_row(db: Db) -> tuple[int, str] | None:
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT count(*), max(status) FROM ingest_runs")).one()
    return (int(row[0]), str(row[1])) if row[0] else None


def test_poisoned_article_among_20_under_celery(tmp_path: Path, pg_url: str) -> None:
    engine = migrated(pg_url)
    db = Db(engine)
    with FixtureSite() as site, redis_server(tmp_path / "redis") as redis:
        feed = poisoned_feed(site, good=GOOD)
        write_feed_source(tmp_path / "config", "thu", feed.feed_url)
        env = runtime_env(
            config_dir=tmp_path / "config",
            data_dir=tmp_path / "data",
            database_url=pg_url,
            broker_url=redis.url,
            **{FAULT_ENV: f"parse:{POISON}"},
        )
        (tmp_path / "logs").mkdir()
        with running(env, tmp_path / "logs") as procs:
            procs.beat()
            worker = procs.worker()
            wait_for("the run row", lambda: _run_row(db), timeout=120)
            wait_for("the source released", lambda: db.leased() == 0, timeout=30)
            time.sleep(4)  # four dispatch cycles: the source is not due again for 30 min
            poison_fetches = site.count(feed.poison.path)
            log = worker.output()
    stored, failures, runs = db.articles(), db.failures(), _run_row(db)
    health = db.scalar("SELECT consecutive_errors FROM sources WHERE key = 'thu'")
    engine.dispose()
    assert stored == GOOD
    [(source_key, url, stage, kind, message)] = failures
    assert (source_key, url, stage, kind) == ("thu", feed.poison.url, "parse", "InjectedFault")
    assert "injected fault at parse" in message
    assert runs == (1, "ok")
    assert poison_fetches == 1
    assert health == 0
    assert "article failed unexpectedly" in log and "InjectedFault" in log
