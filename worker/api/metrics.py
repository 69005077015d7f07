"""GET /metrics: Prometheus text exposition computed from the database and the broker.

Counters come from durable tables (failures, outbox events), so they survive restarts and
agree across API replicas; fetch counts are the sums of ingest-run counts over 24 hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from worker.api.broker import queue_depth
from worker.api.deps import ReadScope, RuntimeDep
from worker.context import utcnow
from worker.db.models import Article, Event, Failure, IngestRun
from worker.notify.lag import read_lag

router = APIRouter(tags=["operations"], dependencies=[ReadScope])
RUN_FIELDS = ("fetched", "created", "updated", "unchanged", "not_modified", "removed", "failed")


def _label(value: Any) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _family(name: str, kind: str, help_: str, samples: Iterable[tuple[dict[str, Any], Any]]) -> str:
    lines = [f"# HELP {name} {help_}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        inner = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
        lines.append(f"{name}{{{inner}}} {value}" if inner else f"{name} {value}")
    return "\n".join(lines)


def _failures(session: Session) -> str:
    stmt = select(Failure.stage, Failure.kind, func.count()).group_by(Failure.stage, Failure.kind)
    samples = [({"stage": s, "kind": k}, n) for s, k, n in session.execute(stmt)]
    return _family("newsworker_failures_total", "counter", "Recorded failures.", samples)


def _events(session: Session) -> str:
    stmt = select(Event.type, func.count()).group_by(Event.type)
    samples = [({"type": t}, n) for t, n in session.execute(stmt)]
    return _family(
        "newsworker_events_total", "counter",
        "Outbox events by type (article.created, article.updated, ...).", samples,
    )  # fmt: skip


def _fetches(session: Session) -> str:
    since = utcnow() - timedelta(hours=24)
    totals = dict.fromkeys(RUN_FIELDS, 0)
    runs = {"ok": 0, "other": 0}
    for status, counts in session.execute(
        select(IngestRun.status, IngestRun.counts).where(IngestRun.started_at >= since)
    ):
        runs["ok" if status == "ok" else "other"] += 1
        for name in RUN_FIELDS:
            value = (counts or {}).get(name)
            totals[name] += value if isinstance(value, int) else 0
    return "\n".join([
        _family("newsworker_fetch_outcomes_24h", "gauge",
                "Article outcomes of ingest runs started in the last 24 hours.",
                [({"outcome": k}, v) for k, v in totals.items()]),
        _family("newsworker_ingest_runs_24h", "gauge", "Ingest runs in the last 24 hours.",
                [({"status": k}, v) for k, v in runs.items()]),
    ])  # fmt: skip


def _relay(session: Session) -> str:
    lag = read_lag(session, utcnow())
    articles = session.execute(select(Article.status, func.count()).group_by(Article.status))
    beat: list[tuple[dict[str, Any], Any]] = (
        [({}, lag.heartbeat_age)] if lag.heartbeat_age is not None else []
    )
    oldest = lag.oldest_unsequenced_age or 0
    return "\n".join([
        _family("newsworker_relay_unsequenced_events", "gauge",
                "Committed outbox events the relay has not numbered yet.",
                [({}, lag.unsequenced)]),
        _family("newsworker_relay_oldest_unsequenced_age_seconds", "gauge",
                "Age of the oldest unsequenced event (0: none).", [({}, oldest)]),
        _family("newsworker_relay_lag_events", "gauge",
                "max(seq) minus the slowest active channel's cursor.", [({}, lag.max_lag)]),
        _family("newsworker_relay_channel_lag_events", "gauge",
                "max(seq) minus the channel's cursor (active=0: not served by the relay's "
                "last pass, e.g. no longer configured).",
                [({"channel": c.channel, "active": int(c.active)}, c.lag)
                 for c in lag.channels]),
        _family("newsworker_relay_heartbeat_age_seconds", "gauge",
                "Seconds since the relay last completed a full pass (absent: never).", beat),
        _family("newsworker_articles", "gauge", "Stored articles by status.",
                [({"status": s}, n) for s, n in articles]),
    ])  # fmt: skip


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(runtime: RuntimeDep) -> PlainTextResponse:
    with runtime.sessions() as session:
        parts = [_failures(session), _events(session), _fetches(session), _relay(session)]
    depth = queue_depth(runtime.settings)
    if depth is not None:
        parts.append(
            _family("newsworker_queue_depth", "gauge", "Messages in the Celery queue.",
                    [({"queue": "celery"}, depth)])
        )  # fmt: skip
    body = "\n".join(parts) + "\n"
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
