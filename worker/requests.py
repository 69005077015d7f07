"""Durable re-ingest requests: submitted once per idempotency key, claimed by one task,
progress and result kept on the row (`newsworker requests`).

Kinds: source (re-discover and re-fetch a window, backfill), url (one article now),
reparse (stored raw pages through the current parser, no fetching).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from worker.bootstrap import Runtime, load_configured_sources
from worker.context import IngestContext, utcnow
from worker.db.engine import transaction
from worker.db.models import ReingestRequest
from worker.errors import NewsworkerError
from worker.fetch import Fetcher
from worker.reingest import reingest_source, reingest_url
from worker.reparse import reparse_articles

logger = logging.getLogger(__name__)

KINDS = ("source", "url", "reparse")
Progress = Callable[[int, int], None]


class RequestError(NewsworkerError):
    kind = "request"


def submit_request(
    sessions: sessionmaker[Session],
    kind: str,
    params: dict[str, Any],
    key: str | None = None,
) -> tuple[int, bool]:
    """Create the request unless one with this key exists. Returns (id, created)."""
    if kind not in KINDS:
        raise RequestError(f"unknown request kind {kind!r}")
    key = key or f"{kind}:{uuid.uuid4().hex}"
    try:
        with transaction(sessions) as session:
            row = ReingestRequest(
                idempotency_key=key, kind=kind, params=params, status="pending",
                progress_done=0, progress_total=0, attempts=0, created_at=utcnow(),
            )  # fmt: skip
            session.add(row)
            session.flush()
            return row.id, True
    except IntegrityError:
        with transaction(sessions) as session:
            existing = session.scalars(
                select(ReingestRequest.id).where(ReingestRequest.idempotency_key == key)
            ).one()
            return existing, False


def _claim(session: Session, request_id: int, now: datetime, stale: timedelta) -> bool:
    won = session.execute(
        update(ReingestRequest)
        .where(
            ReingestRequest.id == request_id,
            or_(
                ReingestRequest.status == "pending",
                (ReingestRequest.status == "running")
                & (ReingestRequest.heartbeat_at < now - stale),
            ),
        )
        .values(
            status="running",
            started_at=now,
            heartbeat_at=now,
            attempts=ReingestRequest.attempts + 1,
        )
    )
    return bool(won.rowcount == 1)  # type: ignore[attr-defined]


def _stale_after(rt: Runtime) -> timedelta:
    return timedelta(seconds=rt.settings.task_time_limit + 60)


def _progress(rt: Runtime, request_id: int) -> Progress:
    def report(done: int, total: int) -> None:
        with transaction(rt.sessions) as session:
            session.execute(
                update(ReingestRequest)
                .where(ReingestRequest.id == request_id)
                .values(progress_done=done, progress_total=total, heartbeat_at=utcnow())
            )

    return report


def _run(rt: Runtime, kind: str, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    loaded = load_configured_sources(rt.settings)
    with Fetcher(rt.settings) as fetcher:
        ctx = IngestContext(rt.settings, rt.sessions, fetcher)
        if kind == "reparse":
            return reparse_articles(ctx, loaded.sources, params, progress)
        if kind == "url":
            return reingest_url(ctx, loaded.sources, params, progress)
        return reingest_source(ctx, loaded.sources, params, progress)


def _finish(rt: Runtime, request_id: int, status: str, result: Any, error: str | None) -> None:
    with transaction(rt.sessions) as session:
        session.execute(
            update(ReingestRequest)
            .where(ReingestRequest.id == request_id)
            .values(status=status, result=result, error=error, finished_at=utcnow())
        )


def execute_request(rt: Runtime, request_id: int) -> str:
    """Run the request if this caller wins the claim. Returns its final status."""
    with transaction(rt.sessions) as session:
        if not _claim(session, request_id, utcnow(), _stale_after(rt)):
            row = session.get(ReingestRequest, request_id)
            return "missing" if row is None else row.status
        row = session.get(ReingestRequest, request_id)
        assert row is not None
        kind, params = row.kind, dict(row.params)
    try:
        result = _run(rt, kind, params, _progress(rt, request_id))
    except NewsworkerError as exc:
        _finish(rt, request_id, "failed", None, f"{type(exc).__name__}: {exc}")
        return "failed"
    except Exception as exc:
        # Not expected: keep the request visible as failed, then let the worker log it.
        _finish(rt, request_id, "failed", None, f"internal error: {type(exc).__name__}: {exc}")
        raise
    _finish(rt, request_id, "done", result, None)
    return "done"


def stale_requests(rt: Runtime, now: datetime) -> list[int]:
    """Requests whose message was probably lost: pending for over two dispatch intervals,
    or running without a heartbeat for longer than a task may live."""
    lost = now - timedelta(seconds=2 * rt.settings.dispatch_interval_seconds)
    dead = now - _stale_after(rt)
    stmt = select(ReingestRequest.id).where(
        or_(
            (ReingestRequest.status == "pending") & (ReingestRequest.created_at < lost),
            (ReingestRequest.status == "running") & (ReingestRequest.heartbeat_at < dead),
        )
    )
    with transaction(rt.sessions) as session:
        return list(session.scalars(stmt))


def describe(row: ReingestRequest) -> dict[str, Any]:
    return {
        "id": row.id, "key": row.idempotency_key, "kind": row.kind, "params": row.params,
        "status": row.status, "progress": [row.progress_done, row.progress_total],
        "result": row.result, "error": row.error, "attempts": row.attempts,
        "created_at": row.created_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
    }  # fmt: skip
