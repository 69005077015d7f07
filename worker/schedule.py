"""Scheduling from the database: which sources are due, claimed with a lease.

The broker only carries "ingest this source now" messages; what is due is decided here,
from the sources table, so a lost message costs one cycle and a duplicated message or a
second beat process changes nothing:

- claim_due_sources: sources whose next_check_at has passed, not paused, not leased.
  PostgreSQL: candidates read FOR UPDATE SKIP LOCKED; both databases then take each lease
  with a conditional UPDATE (… WHERE lease is free), which only one claimer can win.
- start_run: the task holding the lease token marks the run started, once; a duplicate
  message (same token) or a stale one (lease re-claimed since) finds nothing to do.
- finish_run: releases the lease. A run that died keeps its lease until lease_until;
  the source is then due again.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from worker.db.models import Source
from worker.sources import SourceConfig


def _due_filter(now: datetime) -> list[ColumnElement[bool]]:
    return [
        Source.enabled.is_(True),
        Source.paused_reason.is_(None),
        or_(Source.next_check_at.is_(None), Source.next_check_at <= now),
        or_(Source.lease_until.is_(None), Source.lease_until < now),
    ]


def claim_due_sources(
    session: Session,
    configured: dict[str, SourceConfig],
    now: datetime,
    lease: timedelta,
    limit: int = 100,
) -> list[tuple[str, str]]:
    """Lease up to `limit` due sources; returns (key, lease token) pairs to dispatch."""
    stmt = select(Source.key).where(*_due_filter(now), Source.key.in_(list(configured)))
    stmt = stmt.order_by(Source.next_check_at.nulls_first(), Source.key).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    claimed: list[tuple[str, str]] = []
    for key in list(session.scalars(stmt)):
        token = secrets.token_hex(16)
        won = session.execute(
            update(Source)
            .where(Source.key == key, *_due_filter(now))
            .values(lease_token=token, lease_until=now + lease, running_token=None)
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append((key, token))
    return claimed


def start_run(session: Session, key: str, token: str, now: datetime, lease: timedelta) -> bool:
    """True once per lease: this task may run the source now. The lease is renewed from
    now: the message may have waited in the queue for most of it, and the run's hard time
    limit counts from its start, so a lease counted from the claim could expire under a
    still-running task and let a second run of the source start beside it."""
    won = session.execute(
        update(Source)
        .where(
            Source.key == key,
            Source.lease_token == token,
            Source.lease_until > now,
            Source.running_token.is_(None),
        )
        .values(running_token=token, lease_until=now + lease)
    )
    return bool(won.rowcount == 1)  # type: ignore[attr-defined]


def finish_run(session: Session, key: str, token: str) -> None:
    session.execute(
        update(Source)
        .where(Source.key == key, Source.lease_token == token)
        .values(lease_token=None, lease_until=None, running_token=None)
    )


def manual_lease(session: Session, key: str, now: datetime, lease: timedelta) -> str | None:
    """Lease one source now regardless of next_check_at (a manual run); None if leased."""
    token = secrets.token_hex(16)
    won = session.execute(
        update(Source)
        .where(Source.key == key, or_(Source.lease_until.is_(None), Source.lease_until < now))
        .values(lease_token=token, lease_until=now + lease, running_token=None)
    )
    return token if won.rowcount == 1 else None  # type: ignore[attr-defined]
