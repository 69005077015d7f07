"""Relay: number committed outbox rows (gapless, in visibility order) and hand them to the
channels in that order; each channel keeps its own cursor.

Sequencing takes a lock first (an UPDATE of the sequencer's cursor row: a row lock on
PostgreSQL, the write lock on SQLite), then numbers every visible unsequenced row by id.
A row that commits late is simply numbered in a later pass: the naive `id > last_seen`
poll would skip it, this never does. Delivery is at least once: a crash after publishing
and before the cursor moves republishes the same events with the same ids.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from worker.db.engine import transaction
from worker.db.models import Event, RelayCursor

logger = logging.getLogger(__name__)

SEQUENCER = "__sequencer__"
# Touched by the relay loop after each full pass (every step succeeded): its updated_at
# is the relay's heartbeat, read by /healthz and /metrics from another process.
HEARTBEAT = "__relay__"
INTERNAL_PREFIX = "__"
Publish = Callable[[list[Event]], None]


def _cursor(session: Session, channel: str) -> RelayCursor:
    row = session.get(RelayCursor, channel)
    if row is None:
        # Inserted with ON CONFLICT DO NOTHING: first callers may race (two GET /changes
        # on a database no relay has run on yet hit a unique violation, a 500, before).
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else (
            sqlite.insert)  # fmt: skip
        session.execute(insert(RelayCursor).values(channel=channel, last_seq=0)
                        .on_conflict_do_nothing())  # fmt: skip
        row = session.get(RelayCursor, channel)
        assert row is not None
    return row


def sequence_pending(session: Session, now: datetime, limit: int = 5000) -> int:
    """Give the next sequence numbers to visible unsequenced events. Returns how many."""
    _cursor(session, SEQUENCER)
    session.execute(
        update(RelayCursor).where(RelayCursor.channel == SEQUENCER).values(updated_at=now)
    )  # takes the lock before reading max(seq)
    top = session.scalar(select(func.max(Event.seq))) or 0
    stmt = select(Event).where(Event.seq.is_(None)).order_by(Event.id).limit(limit)
    events = list(session.scalars(stmt))
    for offset, event in enumerate(events, start=1):
        event.seq = top + offset
        event.sequenced_at = now
    return len(events)


def events_after(session: Session, after: int, limit: int) -> list[Event]:
    stmt = select(Event).where(Event.seq > after).order_by(Event.seq).limit(limit)
    return list(session.scalars(stmt))


def deliver_channel(
    sessions: sessionmaker[Session], channel: str, publish: Publish, batch: int = 500
) -> int:
    """Hand the next events to `publish` in seq order, then move the channel's cursor."""
    with transaction(sessions) as session:
        after = _cursor(session, channel).last_seq
        events = events_after(session, after, batch)
        session.expunge_all()
    if not events:
        return 0
    publish(events)
    with transaction(sessions) as session:
        last = events[-1].seq
        session.execute(
            update(RelayCursor)
            .where(RelayCursor.channel == channel, RelayCursor.last_seq < last)
            .values(last_seq=last)
        )
    return len(events)


def drain_channel(sessions: sessionmaker[Session], channel: str, publish: Publish) -> int:
    """deliver_channel until the channel has caught up. Returns events handed over."""
    total = 0
    while sent := deliver_channel(sessions, channel, publish):
        total += sent
    return total


def channel_cursor(sessions: sessionmaker[Session], channel: str) -> int:
    with sessions() as session:
        stmt = select(RelayCursor.last_seq).where(RelayCursor.channel == channel)
        return session.scalar(stmt) or 0


def rewind_channel(sessions: sessionmaker[Session], channel: str, last_seq: int) -> None:
    """Move a channel's cursor back (its target lost what it had): the next deliveries
    republish every event after `last_seq`, in seq order, with their ids."""
    with transaction(sessions) as session:
        session.execute(
            update(RelayCursor)
            .where(RelayCursor.channel == channel, RelayCursor.last_seq > last_seq)
            .values(last_seq=last_seq)
        )


def write_heartbeat(sessions: sessionmaker[Session], now: datetime, channels: list[str]) -> None:
    """Stamp the heartbeat row and the channels this relay serves with `now`."""
    with transaction(sessions) as session:
        _cursor(session, HEARTBEAT)
        names = [HEARTBEAT, *channels]
        session.execute(
            update(RelayCursor).where(RelayCursor.channel.in_(names)).values(updated_at=now)
        )


def event_message(event: Event) -> dict[str, Any]:
    """The public shape of an event (stream entries, webhooks, pull API)."""
    return {
        "id": event.event_id,
        "seq": event.seq,
        "type": event.type,
        "time": event.occurred_at.isoformat(),
        "source": event.source_key,
        "article_id": event.article_id,
        "revision": event.revision,
        "data": event.payload,
    }


def relay_once(
    sessions: sessionmaker[Session], now: datetime, channels: Iterable[tuple[str, Publish]]
) -> dict[str, int]:
    with transaction(sessions) as session:
        counts = {"sequenced": sequence_pending(session, now)}
    for name, publish in channels:
        counts[name] = drain_channel(sessions, name, publish)
    return counts
