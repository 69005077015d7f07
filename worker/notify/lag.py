"""Relay lag, read from the database (the API and the relay are separate processes):
how many committed events wait for a number and since when, how far each channel's
cursor is behind the head, and how long ago the relay last completed a full pass.

In: a session and the time. Out: RelayLag, which /healthz summarizes (with the reasons it
is degraded) and /metrics exports per channel.

A channel counts as active when the relay stamped it at its last heartbeat (the relay
stamps every channel it serves); a channel no longer configured keeps its old cursor and
stamp, so it is listed but does not make the relay look behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from worker.db.models import Event, RelayCursor
from worker.notify.relay import HEARTBEAT, INTERNAL_PREFIX

ACTIVE_WINDOW = timedelta(seconds=30)  # stamped this close to the heartbeat: active


@dataclass(frozen=True, slots=True)
class ChannelLag:
    channel: str
    cursor: int
    lag: int  # head seq minus the cursor
    active: bool
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class RelayLag:
    head_seq: int
    unsequenced: int
    oldest_unsequenced_age: float | None  # seconds
    heartbeat_age: float | None  # seconds since the last full pass; None: never ran
    channels: tuple[ChannelLag, ...]

    @property
    def max_lag(self) -> int:
        return max((c.lag for c in self.channels if c.active), default=0)

    def problems(self, max_seconds: float, max_events: int) -> list[str]:
        """Why the relay looks behind (empty: it does not)."""
        found = []
        if self.heartbeat_age is not None and self.heartbeat_age > max_seconds:
            found.append("relay_stalled")
        if self.oldest_unsequenced_age is not None and self.oldest_unsequenced_age > max_seconds:
            found.append("events_unsequenced")
        if self.max_lag > max_events:
            found.append("channel_behind")
        return found


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else round(max(0.0, (now - then).total_seconds()), 3)


def read_lag(session: Session, now: datetime) -> RelayLag:
    unsequenced, oldest = session.execute(
        select(func.count(), func.min(Event.occurred_at)).where(Event.seq.is_(None))
    ).one()
    head = session.scalar(select(func.max(Event.seq))) or 0
    cursors = list(session.scalars(select(RelayCursor).order_by(RelayCursor.channel)))
    beat = next((c.updated_at for c in cursors if c.channel == HEARTBEAT), None)
    channels = tuple(
        ChannelLag(
            c.channel, c.last_seq, max(0, head - c.last_seq),
            beat is not None and c.updated_at is not None
            and c.updated_at >= beat - ACTIVE_WINDOW,
            c.updated_at,
        )
        for c in cursors
        if not c.channel.startswith(INTERNAL_PREFIX)
    )  # fmt: skip
    return RelayLag(head, int(unsequenced), _age(now, oldest), _age(now, beat), channels)
