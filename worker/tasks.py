"""Celery tasks: thin wrappers that open the runtime, hold a lease, call the pipeline.

- newsworker.dispatch           (beat, every minute): lease due sources, send ingest_source;
                                re-send re-ingest requests whose message was lost.
- newsworker.ingest_source      one cycle of one source under its lease.
- newsworker.process_request    execute a durable re-ingest request.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

from worker.bootstrap import Runtime, load_configured_sources, open_runtime
from worker.celery_app import app
from worker.context import IngestContext, utcnow
from worker.crashpoints import crash_point
from worker.db.engine import transaction
from worker.fetch import Fetcher
from worker.health import sync_source
from worker.pipeline import run_source
from worker.requests import execute_request, stale_requests
from worker.schedule import claim_due_sources, finish_run, manual_lease, start_run
from worker.settings import get_settings

logger = logging.getLogger(__name__)

_runtime: Runtime | None = None


def runtime() -> Runtime:
    global _runtime  # noqa: PLW0603 - one engine per process, created lazily
    if _runtime is None:
        _runtime = open_runtime(get_settings())
    return _runtime


def reset_runtime() -> None:
    """After fork: drop inherited connections without closing the parent's sockets."""
    global _runtime  # noqa: PLW0603
    if _runtime is not None:
        _runtime.engine.dispose(close=False)
    _runtime = None


def lease_length() -> timedelta:
    """A lease outlives the hard time limit (by NEWSWORKER_LEASE_GRACE_SECONDS), so a
    running task never loses it."""
    settings = get_settings()
    return timedelta(seconds=settings.task_time_limit + settings.lease_grace_seconds)


@app.task(name="newsworker.dispatch", acks_late=False)
def dispatch() -> int:
    """Claim due sources and send one ingest message each; cheap and safe to duplicate."""
    rt = runtime()
    loaded = load_configured_sources(rt.settings)
    with transaction(rt.sessions) as session:
        for source in loaded.sources.values():
            sync_source(session, source)
    with transaction(rt.sessions) as session:
        claimed = claim_due_sources(session, loaded.sources, utcnow(), lease_length())
    for key, token in claimed:
        ingest_source.delay(key, token)
    for request_id in stale_requests(rt, utcnow()):
        process_request.delay(request_id)
    return len(claimed)


@app.task(
    name="newsworker.ingest_source",
    autoretry_for=(OperationalError,),  # database briefly unreachable or locked: transient
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def ingest_source(key: str, token: str | None = None) -> dict[str, object] | None:
    rt = runtime()
    loaded = load_configured_sources(rt.settings)
    source = loaded.sources.get(key)
    if source is None:
        logger.error("unknown source in message", extra={"source": key})
        return None
    with transaction(rt.sessions) as session:
        sync_source(session, source)
        token = token or manual_lease(session, key, utcnow(), lease_length())
        if token is None or not start_run(session, key, token, utcnow(), lease_length()):
            logger.info("source already running or lease gone", extra={"source": key})
            return None
    try:
        with Fetcher(rt.settings) as fetcher:
            summary = run_source(IngestContext(rt.settings, rt.sessions, fetcher), source)
    except SoftTimeLimitExceeded:
        logger.error("source run hit the soft time limit", extra={"source": key})
        raise
    finally:
        with transaction(rt.sessions) as session:
            finish_run(session, key, token)
    crash_point("after_commit")
    return summary.as_dict()


@app.task(
    name="newsworker.process_request",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def process_request(request_id: int) -> str:
    rt = runtime()
    return execute_request(rt, request_id)
