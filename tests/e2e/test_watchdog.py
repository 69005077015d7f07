"""Worker watchdog: a worker that stops consuming (broker gone, consumer loop stuck) exits
by itself so its container restarts; a healthy idle worker stays up."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.procs import RedisServer, running, runtime_env, wait_for

pytestmark = pytest.mark.db

WATCHDOG = 8


def test_worker_exits_when_it_stops_consuming(tmp_path: Path, sqlite_url: str) -> None:
    redis_server = RedisServer(tmp_path / "redis").start()
    (tmp_path / "config" / "sources").mkdir(parents=True)
    (tmp_path / "logs").mkdir()
    env = runtime_env(
        config_dir=tmp_path / "config",
        data_dir=tmp_path / "data",
        database_url=sqlite_url,
        broker_url=redis_server.url,
        NEWSWORKER_WATCHDOG_SECONDS=str(WATCHDOG),
    )
    try:
        with running(env, tmp_path / "logs") as procs:
            worker = procs.worker()
            wait_for("worker ready", lambda: "ready" in worker.output(), timeout=60)
            time.sleep(WATCHDOG * 2)  # idle but consuming: the heartbeat keeps it alive
            assert worker.exit_code() is None, worker.tail()
            redis_server.shutdown()  # the consumer loses its broker and stops consuming
            code = worker.wait(timeout=WATCHDOG * 6)
            assert code == 3, worker.tail()
            assert "worker stopped consuming" in worker.output()
    finally:
        redis_server.shutdown()
