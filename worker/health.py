"""Source health: the sources table row kept in step with the config and each run's result.

Discovery failing on every entry counts as a failed run (consecutive_errors grows, the next
check backs off); failures of single articles are recorded as failures, not source errors.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from worker.containment import error_kind
from worker.db.engine import transaction
from worker.db.models import Source
from worker.errors import RateLimited
from worker.notify.events import emit_source_health
from worker.sources import SourceConfig

MAX_BACKOFF = timedelta(hours=24)


def resume_source(session: Session, key: str) -> bool:
    """Clear an auto-pause (operator action). True when the source was paused."""
    row = session.get(Source, key)
    if row is None or row.paused_reason is None:
        return False
    row.paused_reason = None
    row.consecutive_errors = 0
    row.next_check_at = None
    return True


def sync_source(session: Session, source: SourceConfig) -> Source:
    """Create or refresh the sources row from the config file (health columns untouched)."""
    row = session.get(Source, source.key)
    if row is None:
        row = Source(key=source.key, consecutive_errors=0)
        session.add(row)
    row.name = source.name
    row.outlet_type = source.outlet_type
    row.province = source.province
    row.enabled = source.enabled
    return row


def ensure_source(sessions: sessionmaker[Session], source: SourceConfig) -> None:
    """Make sure the source's row exists (and matches its file) before anything refers to it."""
    with transaction(sessions) as session:
        sync_source(session, source)


def backoff_delay(
    source: SourceConfig, consecutive_errors: int, jitter: float | None = None
) -> timedelta:
    """interval × 2^(errors-1), capped at a day, ±10% jitter so sources that failed
    together (one outage) do not all come back in the same minute."""
    base = timedelta(minutes=source.interval_minutes)
    if consecutive_errors <= 0:
        return base
    grown: timedelta = base * (2 ** min(consecutive_errors - 1, 10))
    spread = random.uniform(-0.1, 0.1) if jitter is None else jitter
    return min(grown, max(MAX_BACKOFF, base)) * (1 + spread)


def record_source_result(
    session: Session,
    source: SourceConfig,
    errors: list[tuple[str, Exception]],
    counts: dict[str, Any],
    now: datetime,
    *,
    pause_after: int = 10,
    failed: bool | None = None,
) -> None:
    """`failed`: the run failed as a whole (None: when every discover entry failed)."""
    row = sync_source(session, source)
    was_failing = row.consecutive_errors > 0
    row.last_run_at = now
    row.last_counts = counts
    if failed is None:
        failed = bool(errors) and len(errors) >= len(source.discover)
    if errors:
        url, exc = errors[-1]
        row.last_error = f"{url}: {exc}".replace("\x00", "\ufffd")  # PostgreSQL text refuses NUL
        row.last_error_kind = error_kind(exc)
        row.last_error_at = now
    if not failed:
        if was_failing:
            emit_source_health(
                session, source.key, False, now, {"after_errors": row.consecutive_errors}
            )
        row.consecutive_errors = 0
        row.last_success_at = now
        row.next_check_at = now + backoff_delay(source, 0)
        return
    if not was_failing:
        detail = {"error": row.last_error, "error_kind": row.last_error_kind}
        emit_source_health(session, source.key, True, now, detail)
    row.consecutive_errors += 1
    if row.consecutive_errors >= pause_after:
        row.paused_reason = (
            f"paused after {row.consecutive_errors} consecutive failures; last: {row.last_error}"
        )
    delay = backoff_delay(source, row.consecutive_errors)
    retry_after = max(
        (e.retry_after or 0 for _, e in errors if isinstance(e, RateLimited)), default=0
    )
    row.next_check_at = now + max(delay, timedelta(seconds=retry_after))
