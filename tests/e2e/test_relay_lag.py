"""Relay lag as the API sees it (/healthz, /metrics: from the database only, the relay
being another process), and the supervisor that restarts a relay loop that died."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from tests.e2e.helpers import make_settings
from tests.e2e.procs import free_port
from worker.api.app import create_app
from worker.bootstrap import Runtime, open_runtime
from worker.db.engine import transaction
from worker.notify import service
from worker.notify.events import emit
from worker.notify.resilience import supervise
from worker.notify.service import RelayLoop, run_supervised

pytestmark = pytest.mark.db


def write_stream_config(config_dir: Path, url: str, key: str) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "notify.toml").write_text(
        f'[stream]\nurl = "{url}"\nkey = "{key}"\n', encoding="utf-8"
    )


def emit_at(rt: Runtime, count: int, when: datetime) -> None:
    with transaction(rt.sessions) as session:
        for i in range(count):
            emit(session, "source.failing", now=when, payload={"i": i}, source_key="s")


def relay_health(client: TestClient) -> dict[str, Any]:
    response = client.get("/healthz")
    assert response.status_code == 200  # degraded still answers 200
    body: dict[str, Any] = response.json()
    return {"status": body["status"], **body["checks"]["relay"]}


def test_healthz_and_metrics_show_relay_lag(tmp_path: Path, db_url: str, redis_url: str) -> None:
    settings = make_settings(tmp_path, db_url, relay_lag_max_seconds=1.0, relay_lag_max_events=2)
    key = f"test:lag:{uuid.uuid4().hex}"
    write_stream_config(settings.config_dir, redis_url, key)
    rt = open_runtime(settings, migrate=True)
    client = TestClient(create_app(settings, rt))
    stream = redis.Redis.from_url(redis_url)
    try:
        first = relay_health(client)
        assert first["status"] == "ok" and first["heartbeat_age_seconds"] is None
        # No relay running: events committed a minute ago wait for a number.
        emit_at(rt, 3, datetime.now(UTC) - timedelta(seconds=60))
        waiting = relay_health(client)
        assert waiting["status"] == "degraded" and waiting["degraded"] == ["events_unsequenced"]
        assert waiting["unsequenced_events"] == 3
        assert waiting["oldest_unsequenced_age_seconds"] >= 60
        # One relay pass: sequenced, published, heartbeat stamped.
        assert RelayLoop(rt, threading.Event(), 0.1).pass_once() > 0
        assert stream.xlen(key) == 3
        caught_up = relay_health(client)
        assert caught_up["status"] == "ok" and caught_up["unsequenced_events"] == 0
        assert caught_up["heartbeat_age_seconds"] < 1.0
        metrics = client.get("/metrics").text
        assert f'newsworker_relay_channel_lag_events{{channel="stream:{key}",active="1"}} 0' in (
            metrics
        )
        assert "newsworker_relay_heartbeat_age_seconds " in metrics
        # The stream's Redis gone: the channel falls behind, then the heartbeat goes stale.
        write_stream_config(settings.config_dir, f"redis://127.0.0.1:{free_port()}/0", key)
        emit_at(rt, 3, datetime.now(UTC))
        RelayLoop(rt, threading.Event(), 0.1).pass_once()
        behind = relay_health(client)
        assert "channel_behind" in behind["degraded"] and behind["max_channel_lag_events"] == 3
        assert behind["unsequenced_events"] == 0
        time.sleep(1.2)
        assert "relay_stalled" in relay_health(client)["degraded"]
        metrics = client.get("/metrics").text
        assert f'newsworker_relay_channel_lag_events{{channel="stream:{key}",active="1"}} 3' in (
            metrics
        )
        assert "newsworker_relay_lag_events 3" in metrics
    finally:
        stream.delete(key, f"{key}:relay")
        rt.engine.dispose()


def test_supervise_restarts_a_loop_that_died(caplog: pytest.LogCaptureFixture) -> None:
    stop = threading.Event()
    starts: list[float] = []

    def loop() -> None:
        starts.append(time.monotonic())
        if len(starts) < 3:
            raise RuntimeError(f"bug number {len(starts)}")
        stop.set()

    with caplog.at_level(logging.ERROR, logger="worker.notify.resilience"):
        supervise(loop, stop, "relay", cap=1.0)
    assert len(starts) == 3
    assert starts[1] - starts[0] >= 0.5 and starts[2] - starts[1] >= 1.0  # backoff doubles
    died = [r for r in caplog.records if r.getMessage() == "loop died; restarting"]
    assert len(died) == 2 and all(r.exc_info for r in died)  # with the traceback
    assert "RuntimeError: bug number 2" in caplog.text


def test_relay_thread_restarts_after_an_unexpected_error(
    tmp_path: Path, sqlite_url: str, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A pass hook raising something that is not a database or Redis error kills the
    relay loop; the supervisor logs it and starts a new loop, which publishes on."""
    settings = make_settings(tmp_path, sqlite_url, relay_retry_max_seconds=0.5)
    key = f"test:supervised:{uuid.uuid4().hex}"
    write_stream_config(settings.config_dir, redis_url, key)
    rt = open_runtime(settings, migrate=True)
    stream = redis.Redis.from_url(redis_url)
    calls: list[int] = []

    def flaky_hook(rt: Runtime, cfg: Any) -> Any:
        def step() -> int:
            calls.append(1)
            if len(calls) == 2:
                raise ValueError("a bug in a pass hook")
            return 0

        return step

    hooks = (*service.PASS_HOOKS, ("flaky", flaky_hook))
    stop = threading.Event()
    thread = threading.Thread(target=run_supervised, args=(rt, stop, 0.05, hooks))
    try:
        with caplog.at_level(logging.ERROR, logger="worker.notify.resilience"):
            thread.start()
            emit_at(rt, 2, datetime.now(UTC))
            deadline = time.monotonic() + 20
            more = False
            while (len(calls) < 5 or stream.xlen(key) < 4) and time.monotonic() < deadline:
                if not more and len(calls) >= 3 and stream.xlen(key) == 2:
                    emit_at(rt, 2, datetime.now(UTC))  # after the restart
                    more = True
                time.sleep(0.05)
        assert thread.is_alive() and len(calls) >= 5
        assert [int(f[b"seq"]) for _, f in stream.xrange(key)] == [1, 2, 3, 4]
        assert "ValueError: a bug in a pass hook" in caplog.text
    finally:
        stop.set()
        thread.join(10)
        stream.delete(key, f"{key}:relay")
        rt.engine.dispose()
