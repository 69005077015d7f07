"""Webhooks against a real loopback receiver that fails 10% of calls with 500, stalls 2%
past the client timeout, drops 4% of connections, and an endpoint answering 410.

Retry timing runs on an injected clock (deliver_due(clock=...)): the test advances it to
the next due time instead of sleeping through real backoff. Retries are capped
(NEWSWORKER_WEBHOOK_RETRY_MAX_SECONDS) and per endpoint strictly in seq order: newer
deliveries wait behind the oldest pending one. Signatures are checked with a
verifier written here from the Standard Webhooks spec, independent of worker's signer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.helpers import make_settings
from tests.e2e.webhook_receiver import Receiver
from worker.bootstrap import Runtime, open_runtime
from worker.db.engine import transaction
from worker.db.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from worker.notify import signing
from worker.notify.config import NotifyConfig, WebhookConfig
from worker.notify.delivery import deliver_due, retry_base, retry_delay
from worker.notify.events import emit
from worker.notify.relay import event_message, relay_once
from worker.notify.service import run_relay
from worker.notify.webhooks import webhook_channels
from worker.settings import Settings

pytestmark = pytest.mark.db

SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def independent_verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks: v1 = base64(HMAC-SHA256(base64decode(secret minus whsec_),
    "{webhook-id}.{webhook-timestamp}.{body}")), space-separated list in the header."""
    key = base64.b64decode(secret[len("whsec_") :])
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    mac = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    return any(
        version == "v1" and hmac.compare_digest(sig, mac)
        for version, _, sig in (s.partition(",") for s in headers["webhook-signature"].split())
    )


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def hook(name: str, url: str, **extra: Any) -> WebhookConfig:
    return WebhookConfig(name=name, url=url, secret_env="WH_SECRET", timeout_seconds=0.5, **extra)


def emit_mixed(sessions: sessionmaker[Session], count: int, now: datetime) -> None:
    kinds = [("article.created", "a"), ("article.created", "b"), ("article.updated", "a"),
             ("source.failing", "b"), ("article.created", "a")]  # fmt: skip
    with transaction(sessions) as session:
        for i in range(count):
            kind, source = kinds[i % len(kinds)]
            payload = {"article": {"id": i, "title": f"Tin số {i}"}}
            emit(session, kind, now=now, payload=payload, source_key=source, article_id=i)


def next_due(sessions: sessionmaker[Session]) -> datetime | None:
    """When the next attempt is due: the earliest retry time of an active endpoint's
    oldest pending delivery (the ones behind it wait for it)."""
    heads = (
        select(WebhookDelivery.endpoint, func.min(WebhookDelivery.event_seq).label("seq"))
        .join(WebhookEndpoint, WebhookEndpoint.name == WebhookDelivery.endpoint)
        .where(WebhookDelivery.status == "pending", WebhookEndpoint.status == "active")
        .group_by(WebhookDelivery.endpoint)
        .subquery()
    )
    with sessions() as session:
        return session.scalar(
            select(func.min(WebhookDelivery.next_attempt_at)).join(
                heads,
                (heads.c.endpoint == WebhookDelivery.endpoint)
                & (heads.c.seq == WebhookDelivery.event_seq),
            )
        )


def drain(rt: Runtime, cfg: NotifyConfig, clock: FakeClock, jitter: Any = None) -> int:
    """deliver_due until nothing is pending, jumping the fake clock to each next due time."""
    kwargs = {"jitter": jitter or (lambda base: base)}
    for passes in range(1, 2000):
        if deliver_due(rt.sessions, rt.settings, config=cfg, clock=clock, **kwargs):
            continue
        due = next_due(rt.sessions)
        if due is None:
            return passes
        clock.now = max(clock.now, due)
    raise AssertionError("deliveries never settled")


def deliveries(sessions: sessionmaker[Session], endpoint: str) -> list[WebhookDelivery]:
    with sessions() as session:
        stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint == endpoint)
        return list(session.scalars(stmt.order_by(WebhookDelivery.event_seq)))


def attempts_of(sessions: sessionmaker[Session], delivery_id: int) -> list[WebhookAttempt]:
    with sessions() as session:
        stmt = select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id)
        return list(session.scalars(stmt.order_by(WebhookAttempt.id)))


def setup(
    tmp_path: Path, db_url: str, cfg: NotifyConfig, **overrides: Any
) -> tuple[Runtime, list[Any]]:
    settings = make_settings(tmp_path, db_url, **overrides)
    rt = open_runtime(settings, migrate=True)
    return rt, webhook_channels(rt, cfg)


def test_webhooks_deliver_through_faults_sign_and_filter(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WH_SECRET", SECRET)
    with Receiver(stall_seconds=0.8) as rx:
        cfg = NotifyConfig(
            webhooks=[
                hook("h1", rx.url("/flaky/h1")),
                hook("h2", rx.url("/flaky/h2")),
                hook("gone", rx.url("/gone/g")),
                hook("only-a", rx.url("/ok/f"), types=["article.created"], sources=["a"]),
                hook("private", "http://10.0.0.1:9/hook"),
            ]
        )
        rt, channels = setup(tmp_path, db_url, cfg)
        clock = FakeClock(START)
        emit_mixed(rt.sessions, 60, START)
        relay_once(rt.sessions, START, channels)
        drain(rt, cfg, clock)
        with rt.sessions() as session:
            events = {e.event_id: e for e in session.scalars(select(Event))}
        for name, path in (("h1", "/flaky/h1"), ("h2", "/flaky/h2")):
            check_healthy_endpoint(rt, rx.for_path(path), events, name)
        outcomes = {r.outcome for r in rx.requests if r.path.startswith("/flaky/")}
        assert {"ok", "500", "timeout", "drop"} <= outcomes
        check_gone_endpoint(rt, rx)
        filtered = rx.for_path("/ok/f")
        expected = [e.event_id for e in sorted(events.values(), key=lambda e: e.seq or 0)
                    if e.type == "article.created" and e.source_key == "a"]  # fmt: skip
        assert [r.headers["webhook-id"] for r in filtered] == expected
        check_private_refused(rt)
    rt.engine.dispose()


def check_healthy_endpoint(
    rt: Runtime, received: list[Any], events: dict[str, Event], name: str
) -> None:
    rows = deliveries(rt.sessions, name)
    assert len(rows) == 60 and {d.status for d in rows} == {"delivered"}
    bodies: dict[str, set[bytes]] = {}
    for r in received:
        bodies.setdefault(r.headers["webhook-id"], set()).add(r.body)
        assert independent_verify(SECRET, r.headers, r.body)
        assert signing.verify(SECRET, r.headers, r.body, int(r.headers["webhook-timestamp"]))
    assert set(bodies) == set(events)  # every event reached the endpoint
    for event_id, seen in bodies.items():
        assert len(seen) == 1, "body must be identical on every retry"
        assert json.loads(next(iter(seen))) == json.loads(
            json.dumps(event_message(events[event_id]))
        )
    assert {r.headers["webhook-id"] for r in received if r.outcome == "ok"} == set(events)
    by_seq = sorted(events.values(), key=lambda e: e.seq or 0)
    # Per endpoint in seq order: each event was first sent only after the one before it
    # was delivered (a failure holds the line).
    first_sent: dict[str, int] = {}
    for r in received:
        first_sent.setdefault(r.headers["webhook-id"], len(first_sent))
    assert sorted(first_sent, key=first_sent.__getitem__) == [e.event_id for e in by_seq]
    oks = [r.headers["webhook-id"] for r in received if r.outcome == "ok"]
    assert oks == [e.event_id for e in by_seq]
    retried = [d for d in rows if d.attempts > 1]
    assert retried, "the receiver's faults should have forced retries"
    total_attempts = 0
    for d in rows:
        tries = attempts_of(rt.sessions, d.id)
        total_attempts += len(tries)
        assert len(tries) == d.attempts and tries[-1].status_code == 200
        for k, (a, b) in enumerate(itertools.pairwise(tries)):
            assert a.error  # a failed attempt records why
            gap = (b.attempted_at - a.attempted_at).total_seconds()
            assert gap == retry_base(k + 1, rt.settings.webhook_retry_max_seconds)
    assert total_attempts == len(received)  # every attempt recorded, timeouts included


def check_gone_endpoint(rt: Runtime, rx: Receiver) -> None:
    assert len(rx.for_path("/gone/g")) == 1
    with rt.sessions() as session:
        endpoint = session.get(WebhookEndpoint, "gone")
        assert endpoint is not None
        assert endpoint.status == "disabled" and endpoint.disabled_reason == "410 Gone"
    rows = deliveries(rt.sessions, "gone")
    assert {d.status for d in rows} == {"failed"}
    assert sum(d.attempts for d in rows) == 1  # the rest stopped without a request


def check_private_refused(rt: Runtime) -> None:
    rows = deliveries(rt.sessions, "private")
    assert len(rows) == 60 and {d.status for d in rows} == {"failed"}
    tries = attempts_of(rt.sessions, rows[0].id)
    assert len(tries) == 1 and tries[0].status_code is None
    assert "blocked by address guard" in (tries[0].error or "")


def test_exhausted_schedule_disables_endpoint_then_cli_redelivers(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An endpoint failing for WEBHOOK_GIVE_UP_HOURS (1 h here) is disabled: its head
    delivery was retried with capped delays the whole time, the newer one waited behind
    it unsent; `events redeliver` replays both, same ids and bytes."""
    monkeypatch.setenv("WH_SECRET", SECRET)
    with Receiver() as rx:
        cfg = NotifyConfig(webhooks=[hook("d", rx.url("/down/d"))])
        rt, channels = setup(tmp_path, sqlite_url, cfg, webhook_give_up_hours=1.0)
        clock = FakeClock(START)
        emit_mixed(rt.sessions, 2, START)
        relay_once(rt.sessions, START, channels)
        rng = random.Random(5)
        drain(rt, cfg, clock, jitter=lambda base: rng.uniform(0, base))
        head, behind = deliveries(rt.sessions, "d")
        assert {head.status, behind.status} == {"failed"}
        assert behind.attempts == 0  # waited behind the head, never sent out of order
        tries = attempts_of(rt.sessions, head.id)
        assert len(tries) == head.attempts > 10
        cap = rt.settings.webhook_retry_max_seconds
        for k, (a, b) in enumerate(itertools.pairwise(tries)):
            assert 0 <= (b.attempted_at - a.attempted_at).total_seconds() <= retry_base(k + 1, cap)
        span = tries[-1].attempted_at - tries[0].attempted_at
        assert 3600 <= span.total_seconds() <= 3600 + cap  # gave up once an hour had passed
        with rt.sessions() as session:
            endpoint = session.get(WebhookEndpoint, "d")
            assert endpoint is not None and endpoint.status == "disabled"
            assert "retries exhausted" in (endpoint.disabled_reason or "")
        out = run_cli(rt.settings, "events", "redeliver", "--endpoint", "d", "--failed",
                      "--enable", "--json")  # fmt: skip
        assert json.loads(out) == {"reset": 2, "enabled": ["d"], "still_disabled": []}
        listing = json.loads(run_cli(rt.settings, "webhooks", "--json"))
        assert listing[0]["status"] == "active" and listing[0]["deliveries"]["pending"] == 2
        bodies = {r.headers["webhook-id"]: r.body for r in rx.for_path("/down/d")}
        fixed = NotifyConfig(webhooks=[hook("d", rx.url("/ok/d"))])
        clock.now = datetime.now(UTC)
        drain(rt, fixed, clock)
        assert {d.status for d in deliveries(rt.sessions, "d")} == {"delivered"}
        replayed = [(r.headers["webhook-id"], r.body) for r in rx.for_path("/ok/d")]
        assert [seq_of(body) for _, body in replayed] == [head.event_seq, behind.event_seq]
        assert replayed[0] == (head.event_id, bodies[head.event_id or ""])  # same id, bytes
    rt.engine.dispose()


def seq_of(body: bytes) -> int:
    return int(json.loads(body)["seq"])


def test_endpoint_back_after_outage_gets_the_backlog_in_order_within_the_cap(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A two-minute outage (on the injected clock) with events arriving meanwhile: only
    the oldest delivery is retried, never more than the cap apart; once the endpoint
    answers, the next retry (within the cap) is followed by the backlog, in seq order."""
    monkeypatch.setenv("WH_SECRET", SECRET)
    with Receiver() as rx:
        cfg = NotifyConfig(webhooks=[hook("s", rx.url("/switch/s"))])
        rt, channels = setup(tmp_path, db_url, cfg, webhook_retry_max_seconds=20.0)
        start = datetime.now(UTC)  # deliveries are recorded due at the real time
        clock = FakeClock(start)
        rx.down.set()

        def retry_until(when: datetime) -> None:  # every retry falling due before `when`
            while (due := next_due(rt.sessions)) is not None and due < when:
                clock.now = max(clock.now, due)
                deliver_due(rt.sessions, rt.settings, config=cfg, clock=clock, jitter=lambda b: b)
            clock.now = when

        for n in range(8):  # an event every 15 s for two minutes, the endpoint down
            retry_until(start + timedelta(seconds=15 * n))
            emit_mixed(rt.sessions, 1, clock.now)
            relay_once(rt.sessions, clock.now, channels)
            deliver_due(rt.sessions, rt.settings, config=cfg, clock=clock, jitter=lambda b: b)
        retry_until(start + timedelta(minutes=2))
        down = rx.for_path("/switch/s")
        head = deliveries(rt.sessions, "s")[0]
        assert {r.headers["webhook-id"] for r in down} == {head.event_id}  # only the head
        rx.down.clear()
        back = clock.now
        due = next_due(rt.sessions)
        assert due is not None and (due - back).total_seconds() <= 20.0
        clock.now = due
        assert deliver_due(rt.sessions, rt.settings, config=cfg, clock=clock) == 8
        rows = deliveries(rt.sessions, "s")
        assert [d.status for d in rows] == ["delivered"] * 8
        sent = [seq_of(r.body) for r in rx.for_path("/switch/s") if r.outcome == "ok"]
        assert sent == [d.event_seq for d in rows]
        tries = attempts_of(rt.sessions, head.id)
        gaps = [(b.attempted_at - a.attempted_at).total_seconds()
                for a, b in itertools.pairwise(tries)]  # fmt: skip
        assert gaps and max(gaps) <= 20.0
    rt.engine.dispose()


def run_cli(settings: Settings, *args: str) -> str:
    env = {
        **os.environ,
        "NEWSWORKER_DATABASE_URL": settings.effective_database_url,
        "NEWSWORKER_DATA_DIR": str(settings.data_dir),
        "NEWSWORKER_CONFIG_DIR": str(settings.config_dir),
    }
    cmd = [sys.executable, "-m", "worker.cli", *args]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, timeout=60)
    return out.stdout


def test_retry_delay_schedule() -> None:
    bases = [retry_base(n, 300.0) for n in range(1, 11)]
    assert bases == [5, 10, 20, 40, 80, 160, 300, 300, 300, 300]
    assert retry_base(10_000, 300.0) == 300  # no overflow however long it fails
    assert [retry_base(n, 2.0) for n in (1, 2, 3)] == [2, 2, 2]
    rng = random.Random(1)
    for n in range(1, 40):
        delay = retry_delay(n, 300.0, lambda b: rng.uniform(0, b))
        assert 0 <= delay <= min(300.0, 5 * 2 ** (n - 1))


def test_relay_loop_sends_webhooks(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsworker relay` wiring: the webhook channel and sender run in run_relay."""
    monkeypatch.setenv("WH_SECRET", SECRET)
    with Receiver() as rx:
        settings = make_settings(tmp_path, sqlite_url)
        settings.config_dir.mkdir(parents=True, exist_ok=True)
        (settings.config_dir / "notify.toml").write_text(
            f'[stream]\nenabled = false\n\n[[webhooks]]\nname = "r"\n'
            f'url = "{rx.url("/ok/r")}"\nsecret_env = "WH_SECRET"\n',
            encoding="utf-8",
        )
        rt = open_runtime(settings, migrate=True)
        stop = threading.Event()
        relay = threading.Thread(target=run_relay, args=(rt, stop, 0.05))
        relay.start()
        try:
            time.sleep(0.3)  # endpoint registered at the head before events exist
            emit_mixed(rt.sessions, 5, datetime.now(UTC))
            deadline = time.monotonic() + 15
            while len(rx.for_path("/ok/r")) < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop.set()
            relay.join(10)
        assert len(rx.for_path("/ok/r")) == 5
        assert {d.status for d in deliveries(rt.sessions, "r")} == {"delivered"}
    rt.engine.dispose()
