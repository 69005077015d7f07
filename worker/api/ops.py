"""Operational endpoints: the change feed, source health, re-ingest requests, health."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from worker.api.broker import broker_check, send_request_task
from worker.api.deps import AdminScope, ReadScope, RuntimeDep, SessionDep
from worker.api.handlers import RETRY_DOWN
from worker.bootstrap import Runtime
from worker.bounds import Id, Seq, Storable, StoredText
from worker.context import utcnow
from worker.db.engine import transaction
from worker.db.models import Event, ReingestRequest, Source
from worker.item_state import ItemStateName, failed_items, item_counts, source_item_counts
from worker.notify.lag import read_lag
from worker.notify.relay import event_message, sequence_pending
from worker.requests import describe, submit_request

logger = logging.getLogger(__name__)
router = APIRouter(tags=["operations"])
MAX_CHANGES = 1000
MAX_ITEMS = 1000


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@router.get("/changes", dependencies=[ReadScope])
def changes(
    runtime: RuntimeDep,
    after: Annotated[Seq, Query()] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_CHANGES)] = 100,
    type: Annotated[list[StoredText] | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    """Sequenced events after `after`, in seq order: each item is exactly one line of
    `newsworker events --after SEQ`. Sequences pending events first, like the CLI, so the
    feed moves even when no relay runs. Continue with `after=next_after`."""
    with transaction(runtime.sessions) as session:
        sequence_pending(session, utcnow())
    with runtime.sessions() as session:
        stmt = select(Event).where(Event.seq > after).order_by(Event.seq).limit(limit)
        if type:
            stmt = stmt.where(Event.type.in_(type))
        events = [event_message(e) for e in session.scalars(stmt)]
    next_after = events[-1]["seq"] if events else after
    return {"events": events, "next_after": next_after, "more": len(events) == limit}


@router.get("/sources", dependencies=[ReadScope])
def sources(session: SessionDep) -> dict[str, Any]:
    """Every known source with its health (as `newsworker sources --json`), with how many
    of its items are backing off and how many were given up."""
    rows = session.scalars(select(Source).order_by(Source.key))
    counts = item_counts(session)
    items = []
    for r in rows:
        state = "paused" if r.paused_reason else ("failing" if r.consecutive_errors else "ok")
        items.append({
            "key": r.key, "name": r.name, "outlet_type": r.outlet_type, "province": r.province,
            "enabled": r.enabled, "state": state, "last_run_at": _iso(r.last_run_at),
            "last_success_at": _iso(r.last_success_at), "last_error_at": _iso(r.last_error_at),
            "consecutive_errors": r.consecutive_errors, "last_error_kind": r.last_error_kind,
            "last_error": r.last_error, "paused_reason": r.paused_reason,
            "next_check_at": _iso(r.next_check_at), "last_counts": r.last_counts,
            **source_item_counts(counts, r.key),
        })  # fmt: skip
    return {"sources": items}


@router.get("/sources/{key}/failed-items", dependencies=[ReadScope])
def source_failed_items(
    key: Annotated[str, Path(max_length=100)],
    session: SessionDep,
    state: ItemStateName | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_ITEMS)] = 100,
) -> dict[str, Any]:
    """The source's failing items (as `newsworker sources --failed KEY --json`): given up
    first, then backing off by next try; `state=backoff|gave_up` keeps one kind."""
    if session.get(Source, key) is None:
        raise HTTPException(404, f"no source {key!r}")
    return {"source": key, "items": failed_items(session, key, state, limit)}


class ReingestBody(BaseModel):
    """The `newsworker reingest` options: a source window, one URL, or a re-parse."""

    model_config = ConfigDict(extra="forbid")

    source: Annotated[str, Field(min_length=1, max_length=100), Storable] | None = None
    since: Annotated[str, Field(max_length=40), Storable] | None = None
    until: Annotated[str, Field(max_length=40), Storable] | None = None
    max_pages: int | None = Field(default=None, ge=1, le=1000)
    url: Annotated[str, Field(min_length=8, max_length=2000), Storable] | None = None
    reparse: bool = False
    parser_version_below: Annotated[str, Field(max_length=40), Storable] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> ReingestBody:
        if not (self.reparse or self.url or self.source):
            raise ValueError("give source, url or reparse")
        return self

    def kind_params(self) -> tuple[Literal["source", "url", "reparse"], dict[str, Any]]:
        if self.reparse:
            return "reparse", {
                "source": self.source, "parser_version_below": self.parser_version_below,
            }  # fmt: skip
        if self.url:
            return "url", {"url": self.url, "source": self.source}
        return "source", {
            "source": self.source, "since": self.since, "until": self.until,
            "max_pages": self.max_pages,
        }  # fmt: skip


@router.post("/reingest", dependencies=[AdminScope], status_code=201)
def reingest(
    body: ReingestBody,
    request: Request,
    response: Response,
    runtime: RuntimeDep,
    idempotency_key: Annotated[StoredText | None, Header(max_length=200)] = None,
) -> dict[str, Any]:
    """Create a re-ingest request (once per Idempotency-Key: a repeat answers 200 with the
    existing request) and hand it to a worker."""
    kind, params = body.kind_params()
    request_id, created = submit_request(runtime.sessions, kind, params, idempotency_key)
    queued = send_request_task(request.app, request_id) if created else None
    if not created:
        response.status_code = 200
    with runtime.sessions() as session:
        row = session.get(ReingestRequest, request_id)
        assert row is not None
        info = describe(row)
    logger.info("reingest requested", extra={"request_id": request_id, "created": created})
    return {**info, "created": created, "queued": queued}


@router.get("/requests/{request_id}", dependencies=[ReadScope])
def get_request(request_id: Id, session: SessionDep) -> dict[str, Any]:
    row = session.get(ReingestRequest, request_id)
    if row is None:
        raise HTTPException(404, f"no request {request_id}")
    return describe(row)


@router.get("/healthz")
def healthz(runtime: RuntimeDep) -> JSONResponse:
    """200 when the database and the broker answer, 503 with the failing part otherwise.
    Unauthenticated (container health checks): the checks say ok/error and give the
    relay's lag as numbers; a relay behind makes `status` "degraded", still 200."""
    checks: dict[str, dict[str, Any]] = {}
    try:
        with runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = {"ok": True}
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    checks["broker"] = broker_check(runtime.settings)
    ok = all(c["ok"] for c in checks.values())
    if checks["database"]["ok"]:
        checks["relay"] = _relay_check(runtime)
    status = "error" if not ok else ("ok" if checks.get("relay", {}).get("ok") else "degraded")
    body = {"ok": ok, "status": status, "checks": checks}
    if ok:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_DOWN)})


def _relay_check(runtime: Runtime) -> dict[str, Any]:
    """The relay's lag (worker/notify/lag.py) against the NEWSWORKER_RELAY_LAG_* limits."""
    settings = runtime.settings
    try:
        with runtime.sessions() as session:
            lag = read_lag(session, utcnow())
    except SQLAlchemyError as exc:
        return {"ok": False, "error": type(exc).__name__}
    problems = lag.problems(settings.relay_lag_max_seconds, settings.relay_lag_max_events)
    return {
        "ok": not problems,
        "degraded": problems,
        "unsequenced_events": lag.unsequenced,
        "oldest_unsequenced_age_seconds": lag.oldest_unsequenced_age,
        "heartbeat_age_seconds": lag.heartbeat_age,
        "max_channel_lag_events": lag.max_lag,
        "head_seq": lag.head_seq,
    }
