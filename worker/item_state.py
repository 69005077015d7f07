"""Item state stage: what a source's failed items (article URLs) have cost so far.

In: the outcome of one article attempt (worker.article_ingest.ingest_url) and the failure
row that attempt wrote. Out: the item_failures row of the URL (failures, last error, next
try after an exponential backoff, or given up), which planning (worker/pipeline.py) reads
so that failing items neither starve the new ones nor are fetched on every run; and the
per-source counts and listings that `newsworker sources` and GET /sources show.
A success (or a manual re-ingest that succeeds) removes the row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from worker.context import IngestContext
from worker.db.engine import transaction
from worker.db.models import Failure, ItemFailure
from worker.settings import Settings

ItemStateName = Literal["backoff", "gave_up"]
BACKOFF: ItemStateName = "backoff"
GAVE_UP: ItemStateName = "gave_up"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Next try after base × 2^(failures-1), at most `cap`; given up at `give_up_after`."""

    base: timedelta
    cap: timedelta
    give_up_after: int

    @classmethod
    def of(cls, settings: Settings) -> RetryPolicy:
        return cls(
            timedelta(minutes=settings.item_retry_base_minutes),
            timedelta(hours=settings.item_retry_max_hours),
            settings.item_give_up_after,
        )

    def delay(self, failures: int) -> timedelta:
        grown: timedelta = self.base * (2 ** min(max(failures - 1, 0), 30))
        return min(grown, self.cap)


def url_key(url: str) -> str:
    """The row's key part for `url` (URLs may exceed what a btree index entry holds)."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def state_of(session: Session, source_key: str, url: str) -> ItemFailure | None:
    return session.get(ItemFailure, (source_key, url_key(url)))


def has_states(session: Session, source_key: str) -> bool:
    """Whether any item of the source is remembered (else planning skips the lookups)."""
    stmt = select(ItemFailure.url_hash).where(ItemFailure.source_key == source_key).limit(1)
    return session.scalar(stmt) is not None


def source_has_states(ctx: IngestContext, source_key: str) -> bool:
    with transaction(ctx.sessions) as session:
        return has_states(session, source_key)


def due_retries(session: Session, source_key: str, now: datetime, limit: int) -> list[ItemFailure]:
    """Backing-off items whose next try has come, longest waiting first."""
    stmt = (
        select(ItemFailure)
        .where(
            ItemFailure.source_key == source_key,
            ItemFailure.state == BACKOFF,
            ItemFailure.next_try_at <= now,
        )
        .order_by(ItemFailure.next_try_at, ItemFailure.url_hash)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def _attempt_failure(
    session: Session, source_key: str, url: str, since: datetime
) -> Failure | None:
    """The failure row the attempt (begun at `since`) wrote: the source's newest since
    then for `url`, else its newest (a parse failure names the URL a redirect led to)."""
    stmt = (
        select(Failure)
        .where(Failure.source_key == source_key, Failure.occurred_at >= since)
        .order_by(Failure.id.desc())
        .limit(20)
    )
    rows = list(session.scalars(stmt))
    return next((row for row in rows if row.url == url), rows[0] if rows else None)


def _insert_blank(session: Session, source_key: str, url: str, now: datetime) -> None:
    """The item's row with no failure counted yet, unless it exists (a concurrent attempt
    of the same URL, e.g. a manual re-ingest, may insert it first)."""
    values = {
        "source_key": source_key, "url_hash": url_key(url), "url": url, "state": BACKOFF,
        "failures": 0, "first_failed_at": now, "last_failed_at": now,
    }  # fmt: skip
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(ItemFailure).values(values).on_conflict_do_nothing())


def note_failure(
    session: Session,
    source_key: str,
    url: str,
    now: datetime,
    policy: RetryPolicy,
    *,
    hint: str | None = None,
    since: datetime | None = None,
) -> ItemFailure:
    """Count one more failure of `url` (attempted from `since`, default `now`): schedule
    its next try, or give it up."""
    _insert_blank(session, source_key, url, now)
    key = (source_key, url_key(url))
    row = session.get(ItemFailure, key, with_for_update=True, populate_existing=True)
    assert row is not None  # inserted above or already there
    failure = _attempt_failure(session, source_key, url, since or now)
    row.failures += 1
    row.last_failed_at = now
    row.hint = hint or row.hint
    if failure is not None:
        row.last_stage, row.last_kind = failure.stage, failure.kind[:40]
        row.last_message, row.last_http_status = failure.message, failure.http_status
    if row.failures >= policy.give_up_after:
        row.state, row.next_try_at = GAVE_UP, None
        row.gave_up_at = row.gave_up_at or now
    else:
        row.state, row.next_try_at = BACKOFF, now + policy.delay(row.failures)
    return row


def clear(session: Session, source_key: str, url: str) -> bool:
    """Forget the item (it succeeded). True when it was remembered."""
    stmt = delete(ItemFailure).where(
        ItemFailure.source_key == source_key, ItemFailure.url_hash == url_key(url)
    )
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def note_outcome(
    ctx: IngestContext,
    source_key: str,
    url: str,
    outcome: str,
    *,
    since: datetime,
    hint: str | None = None,
    remembered: bool = True,
) -> str | None:
    """Record the outcome of one attempt begun at `since` on the item's row (`remembered`:
    the item may have a row, so a success has one to remove). Returns, for a failure,
    "kind url: message"."""
    if outcome != "failed" and not remembered:
        return None
    with transaction(ctx.sessions) as session:
        if outcome != "failed":
            clear(session, source_key, url)
            return None
        policy = RetryPolicy.of(ctx.settings)
        row = note_failure(session, source_key, url, ctx.clock(), policy, hint=hint, since=since)
        return f"{row.last_kind} {row.url}: {row.last_message}"


def item_counts(session: Session) -> dict[str, dict[str, int]]:
    """Per source: how many items are backing off and how many were given up."""
    stmt = select(ItemFailure.source_key, ItemFailure.state, func.count()).group_by(
        ItemFailure.source_key, ItemFailure.state
    )
    counts: dict[str, dict[str, int]] = {}
    for key, state, n in session.execute(stmt):
        counts.setdefault(key, {BACKOFF: 0, GAVE_UP: 0})[state] = int(n)
    return counts


def source_item_counts(counts: dict[str, dict[str, int]], key: str) -> dict[str, int]:
    """The two fields every source listing carries (CLI and API)."""
    mine = counts.get(key, {})
    return {"items_backing_off": mine.get(BACKOFF, 0), "items_given_up": mine.get(GAVE_UP, 0)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def describe(row: ItemFailure) -> dict[str, Any]:
    return {
        "url": row.url, "state": row.state, "failures": row.failures,
        "first_failed_at": _iso(row.first_failed_at), "last_failed_at": _iso(row.last_failed_at),
        "next_try_at": _iso(row.next_try_at), "gave_up_at": _iso(row.gave_up_at),
        "last_stage": row.last_stage, "last_kind": row.last_kind,
        "last_http_status": row.last_http_status, "last_message": row.last_message,
    }  # fmt: skip


def failed_items(
    session: Session, source_key: str, state: ItemStateName | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """A source's remembered items: given up first, then by next try."""
    stmt = select(ItemFailure).where(ItemFailure.source_key == source_key)
    if state is not None:
        stmt = stmt.where(ItemFailure.state == state)
    stmt = stmt.order_by(
        ItemFailure.state.desc(), ItemFailure.next_try_at, ItemFailure.url_hash
    ).limit(limit)
    return [describe(row) for row in session.scalars(stmt)]
