"""Source health: the sources table row kept in step with the config and each run's result.

Discovery failing on every entry counts as a failed run (consecutive_errors grows, the next
check backs off, the source pauses after PAUSE_AFTER_FAILURES), and so does a run in which
every article attempted failed; failures of single articles are recorded as failures
(and item states, worker/item_state.py), not source errors.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session, sessionmaker

from worker.containment import error_kind
from worker.db.engine import transaction
from worker.db.models import Source
from worker.errors import RateLimited
from worker.notify.events import emit_source_health
from worker.sources import SourceConfig

MAX_BACKOFF = timedelta(hours=24)
ARTICLES_FAILED = "articles_failed"  # last_error_kind of a run in which every article failed


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


@dataclass(frozen=True, slots=True)
class ArticleHealth:
    """How a run's article attempts went. "ok": at least one succeeded; "failed": none
    did and at least one first attempt failed (`error` says which); "none": nothing was
    attempted, or only retries of items already failing, which say nothing new."""

    verdict: Literal["ok", "failed", "none"] = "none"
    error: str | None = None


def _in_article_streak(row: Source) -> bool:
    return row.consecutive_errors > 0 and row.last_error_kind == ARTICLES_FAILED


def _note_errors(
    row: Source,
    errors: list[tuple[str, Exception]],
    articles: ArticleHealth,
    feed_failed: bool,
    now: datetime,
) -> None:
    if errors:
        url, exc = errors[-1]
        row.last_error = f"{url}: {exc}".replace("\x00", "\ufffd")  # PostgreSQL text refuses NUL
        row.last_error_kind = error_kind(exc)
        row.last_error_at = now
    if articles.verdict == "failed" and not feed_failed:
        row.last_error = articles.error
        row.last_error_kind = ARTICLES_FAILED
        row.last_error_at = now


def record_source_result(
    session: Session,
    source: SourceConfig,
    errors: list[tuple[str, Exception]],
    counts: dict[str, Any],
    now: datetime,
    *,
    pause_after: int = 10,
    articles: ArticleHealth = ArticleHealth(),
    failed: bool | None = None,
) -> None:
    """A run failed when discovery failed on every entry, or when every article it
    attempted failed. A run that attempted nothing new (no article, or only retries that
    failed again) neither ends nor extends a streak of article failures. `failed`: the run
    failed as a whole whatever the entries say (discovery or planning raised), with
    `errors` saying why."""
    row = sync_source(session, source)
    row.last_run_at = now
    row.last_counts = counts
    feed_failed = bool(errors) and len(errors) >= len(source.discover)
    if failed is not None:
        feed_failed = failed
    if not feed_failed and articles.verdict == "none" and _in_article_streak(row):
        row.next_check_at = now + backoff_delay(source, row.consecutive_errors)
        return
    _note_errors(row, errors, articles, feed_failed, now)
    if feed_failed or articles.verdict == "failed":
        _failed(session, source, row, errors, now, pause_after=pause_after)
    else:
        _succeeded(session, source, row, now)


def _succeeded(session: Session, source: SourceConfig, row: Source, now: datetime) -> None:
    if row.consecutive_errors > 0:
        emit_source_health(
            session, source.key, False, now, {"after_errors": row.consecutive_errors}
        )
    row.consecutive_errors = 0
    row.last_success_at = now
    row.next_check_at = now + backoff_delay(source, 0)


def _failed(
    session: Session,
    source: SourceConfig,
    row: Source,
    errors: list[tuple[str, Exception]],
    now: datetime,
    *,
    pause_after: int,
) -> None:
    if row.consecutive_errors == 0:
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
