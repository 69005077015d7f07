"""The relay through outages, with real processes: `newsworker relay` and `newsworker run`
against a PostgreSQL server of the test's own that is stopped and started again, the
Redis stream lost by a Redis restarted without its data, and a webhook endpoint down.

After each outage, with no manual action: the process is still running, every event is
sequenced and published once more in seq order with its id, and the outage was logged
once (not on every retry). Outage lengths: NEWSWORKER_TEST_PG_OUTAGE_SECONDS (default 30,
the issue's figure, under `relay`), NEWSWORKER_TEST_RUN_OUTAGE_SECONDS (default 30 too,
under `run`), NEWSWORKER_TEST_WEBHOOK_OUTAGE_SECONDS (default 6). The relay's retry cap is set
to 2 s here (NEWSWORKER_RELAY_RETRY_MAX_SECONDS; 30 s by default) so recovery is quick.
"""

from __future__ import annotations

import itertools
import json
import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.pgserver import PgServer, private_pg
from tests.e2e.procs import Proc, migrated, redis_server, running, runtime_env, wait_for
from tests.e2e.webhook_receiver import Receiver
from worker.db.engine import make_session_factory, transaction
from worker.db.models import Event, WebhookAttempt, WebhookDelivery
from worker.notify.events import emit

pytestmark = [pytest.mark.db, pytest.mark.timeout(240)]

PG_OUTAGE = float(os.environ.get("NEWSWORKER_TEST_PG_OUTAGE_SECONDS", "30"))
RUN_OUTAGE = float(os.environ.get("NEWSWORKER_TEST_RUN_OUTAGE_SECONDS", "30"))
WEBHOOK_OUTAGE = float(os.environ.get("NEWSWORKER_TEST_WEBHOOK_OUTAGE_SECONDS", "6"))
RETRY_CAP = 2.0
SECRET = "whsec_" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
STEP_FAILED = "relay step failed; retrying with backoff"


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PgServer]:
    with private_pg() as server:
        yield server


def emit_events(sessions: sessionmaker[Session], count: int, tag: str) -> None:
    for i in range(count):  # one transaction each, as the ingest writes them
        with transaction(sessions) as session:
            emit(session, "source.failing", now=datetime.now(UTC),
                 payload={"tag": tag, "i": i}, source_key="s")  # fmt: skip


def outbox(engine: Engine) -> list[tuple[int | None, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Event.seq, Event.event_id).order_by(Event.id))
        return sorted(((seq, eid) for seq, eid in rows), key=lambda r: r[0] or 0)


def stream_entries(client: redis.Redis[bytes], key: str) -> list[tuple[int, str]]:
    return [(int(f[b"seq"]), f[b"id"].decode()) for _, f in client.xrange(key)]


def relay_config(config_dir: Path, *, stream: str = "", webhook: str = "") -> None:
    (config_dir / "sources").mkdir(parents=True, exist_ok=True)  # no sources: events only
    text_ = stream or "[stream]\nenabled = false\n"
    if webhook:
        text_ += f'\n[[webhooks]]\nname = "s"\nurl = "{webhook}"\nsecret_env = "WH_SECRET"\n'
        text_ += "timeout_seconds = 2\n"
    (config_dir / "notify.toml").write_text(text_, encoding="utf-8")


def stream_section(url: str, key: str) -> str:
    return f'[stream]\nurl = "{url}"\nkey = "{key}"\n'


def env_for(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    return runtime_env(
        config_dir=tmp_path / "config", data_dir=tmp_path / "data", database_url=database_url,
        broker_url=None, NEWSWORKER_RELAY_RETRY_MAX_SECONDS=str(RETRY_CAP), WH_SECRET=SECRET,
        **extra,
    )  # fmt: skip


def logs(tmp_path: Path) -> Path:
    (tmp_path / "logs").mkdir(exist_ok=True)
    return tmp_path / "logs"


def ride_out(proc: Proc, seconds: float) -> None:
    """Wait `seconds`, failing at once should the process exit meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.exit_code() is None, f"{proc.name} exited during the outage"
        time.sleep(0.5)


def check_published_in_order(client: Any, key: str, engine: Engine, total: int) -> None:
    events = outbox(engine)
    assert len(events) == total and all(seq is not None for seq, _ in events)
    assert [seq for seq, _ in events] == list(range(1, total + 1))
    assert stream_entries(client, key) == events  # once each, in seq order, same ids


def check_outage_logged_once(proc: Proc) -> None:
    log = proc.output()
    assert 1 <= log.count(STEP_FAILED) <= 3, log[-3000:]  # one per step that saw it fail
    assert "dependency=database" in log and "relay step recovered" in log
    assert "Traceback" not in log and "loop died" not in log


def pg_outage(pg: PgServer, proc: Proc, sessions: sessionmaker[Session], seconds: float) -> None:
    emit_events(sessions, 5, "just-before")  # committed; sequenced before the stop or after
    pg.stop()
    try:
        ride_out(proc, seconds)
    finally:
        pg.start()


def test_relay_process_outlives_a_postgres_outage(
    tmp_path: Path, pg_server: PgServer, redis_url: str
) -> None:
    url = pg_server.new_database()
    engine = migrated(url)
    sessions = make_session_factory(engine)
    key = f"test:relay-outage:{uuid.uuid4().hex}"
    client: redis.Redis[bytes] = redis.Redis.from_url(redis_url)
    relay_config(tmp_path / "config", stream=stream_section(redis_url, key))
    try:
        with running(env_for(tmp_path, url), logs(tmp_path)) as procs:
            relay = procs.start("relay", ["relay", "--interval", "0.2"])
            emit_events(sessions, 10, "before")
            wait_for("10 stream entries", lambda: client.xlen(key) >= 10, 60)
            pg_outage(pg_server, relay, sessions, PG_OUTAGE)
            emit_events(sessions, 10, "after")
            wait_for("25 stream entries", lambda: client.xlen(key) >= 25, 60)
            assert relay.exit_code() is None
            check_published_in_order(client, key, engine, 25)
            check_outage_logged_once(relay)
            check_health_after(tmp_path, url)
    finally:
        client.delete(key, f"{key}:relay")
        engine.dispose()


def check_health_after(tmp_path: Path, url: str) -> None:
    """/healthz and /metrics, from another process's view: the relay caught up and alive."""
    from fastapi.testclient import TestClient

    from tests.e2e.helpers import make_settings
    from worker.api.app import create_app

    app = create_app(make_settings(tmp_path / "api", url))

    def fresh() -> dict[str, Any] | None:
        body: dict[str, Any] = TestClient(app).get("/healthz").json()
        age = body["checks"]["relay"]["heartbeat_age_seconds"]
        return body if age is not None and age < 10 else None

    body = wait_for("a fresh relay heartbeat", fresh, 30)
    relay = body["checks"]["relay"]
    assert body["status"] == "ok" and relay["degraded"] == []
    assert relay["unsequenced_events"] == 0 and relay["max_channel_lag_events"] == 0
    metrics = TestClient(app).get("/metrics").text
    assert 'newsworker_relay_channel_lag_events{channel="stream:' in metrics
    assert "newsworker_relay_unsequenced_events 0" in metrics


def test_run_keeps_its_relay_through_a_postgres_outage(
    tmp_path: Path, pg_server: PgServer, redis_url: str
) -> None:
    """`newsworker run`: the relay thread rides out the outage beside the worker."""
    url = pg_server.new_database()
    engine = migrated(url)
    sessions = make_session_factory(engine)
    key = f"test:run-outage:{uuid.uuid4().hex}"
    client: redis.Redis[bytes] = redis.Redis.from_url(redis_url)
    relay_config(tmp_path / "config", stream=stream_section(redis_url, key))
    try:
        with running(env_for(tmp_path, url), logs(tmp_path)) as procs:
            run = procs.start("run", ["run", "--concurrency", "1", "--pool", "solo"])
            emit_events(sessions, 10, "before")
            wait_for("10 stream entries", lambda: client.xlen(key) >= 10, 90)
            pg_outage(pg_server, run, sessions, RUN_OUTAGE)
            emit_events(sessions, 10, "after")
            wait_for("25 stream entries", lambda: client.xlen(key) >= 25, 60)
            assert run.exit_code() is None
            check_published_in_order(client, key, engine, 25)
            log = run.output()
            assert STEP_FAILED in log and "relay step recovered" in log
            assert "loop died" not in log
    finally:
        client.delete(key, f"{key}:relay")
        engine.dispose()


def test_stream_lost_by_a_redis_restart_is_republished(tmp_path: Path, pg_url: str) -> None:
    """A Redis without persistence restarted (empty) twice, once while idle and once right
    before new events, then the stream key deleted: each time the stream is rebuilt from
    the outbox, every event once, in seq order, with its id."""
    engine = migrated(pg_url)
    sessions = make_session_factory(engine)
    key = "test:events"  # a Redis of this test's own
    with redis_server(tmp_path / "redis", persistent=False) as server:
        client = server.client()
        relay_config(tmp_path / "config", stream=stream_section(server.url, key))
        with running(env_for(tmp_path, pg_url), logs(tmp_path)) as procs:
            relay = procs.start("relay", ["relay", "--interval", "0.2"])
            emit_events(sessions, 10, "before")
            wait_for("10 stream entries", lambda: client.xlen(key) >= 10, 60)
            server.stop()
            server.start()  # same port, no data
            wait_for("the idle republish", lambda: client.xlen(key) >= 10, 30)
            check_published_in_order(client, key, engine, 10)
            server.stop()
            server.start()
            emit_events(sessions, 5, "after-restart")  # a batch that must not go first
            wait_for("15 stream entries", lambda: client.xlen(key) >= 15, 30)
            check_published_in_order(client, key, engine, 15)
            client.delete(key)  # an operator deleting the stream: also rebuilt
            wait_for("the rebuilt stream", lambda: client.xlen(key) >= 15, 30)
            check_published_in_order(client, key, engine, 15)
            assert relay.exit_code() is None
            assert relay.output().count("event stream was reset") == 3
    engine.dispose()


def test_webhook_endpoint_back_after_outage_gets_backlog_in_order(
    tmp_path: Path, pg_url: str
) -> None:
    """The endpoint answers 503 for WEBHOOK_OUTAGE seconds while events arrive: only the
    oldest delivery is retried, never more than the cap (2 s here) apart; when it is back
    the backlog follows within the cap, in seq order."""
    engine = migrated(pg_url)
    sessions = make_session_factory(engine)
    cap = 2.0
    with Receiver() as rx:
        relay_config(tmp_path / "config", webhook=rx.url("/switch/s"))
        env = env_for(tmp_path, pg_url, NEWSWORKER_WEBHOOK_RETRY_MAX_SECONDS=str(cap))
        with running(env, logs(tmp_path)) as procs:
            relay = procs.start("relay", ["relay", "--interval", "0.1"])
            wait_for("the endpoint registered", lambda: endpoint_ready(engine), 60)
            rx.down.set()
            for _ in range(8):
                emit_events(sessions, 1, "during")
                time.sleep(WEBHOOK_OUTAGE / 8)
            rx.down.clear()
            back = time.monotonic()
            wait_for("8 deliveries", lambda: len(delivered(rx)) >= 8, 30)
            recovery = time.monotonic() - back
            assert relay.exit_code() is None
    check_webhook_order(engine, rx, cap, recovery)
    engine.dispose()


def endpoint_ready(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM webhook_endpoints")).scalar())


def delivered(rx: Receiver) -> list[int]:
    return [json.loads(r.body)["seq"] for r in rx.for_path("/switch/s") if r.outcome == "ok"]


def check_webhook_order(engine: Engine, rx: Receiver, cap: float, recovery: float) -> None:
    seqs = [seq for seq, _ in outbox(engine)]
    assert delivered(rx) == seqs  # each once, in seq order
    failed = {r.headers["webhook-id"] for r in rx.for_path("/switch/s") if r.outcome == "503"}
    assert len(failed) == 1  # only the oldest was tried while the endpoint was down
    assert recovery <= cap + 5  # the next retry within the cap, then the backlog at once
    with Session(engine) as session:
        head = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.event_seq)).first()
        assert head is not None and head.attempts >= 3
        times = list(
            session.scalars(
                select(WebhookAttempt.attempted_at)
                .where(WebhookAttempt.delivery_id == head.id)
                .order_by(WebhookAttempt.id)
            )
        )
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert max(gaps) <= cap + 1.5, gaps  # capped delay plus a relay pass and a request
