"""Relay steps: one piece of a relay pass (sequence, a channel, a pass hook) with its own
backoff and outage log, and the stream's reset check that runs before its deliveries.

In: the step's work (a callable returning how much it did). Out: a count, or 0 and a
wait before the next try when the database or Redis failed (worker/notify/resilience.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis
from sqlalchemy.orm import Session, sessionmaker

from worker.notify.config import StreamConfig
from worker.notify.relay import channel_cursor, rewind_channel
from worker.notify.resilience import TRANSIENT_ERRORS, Backoff, Outage
from worker.notify.stream import StreamReset, mark_rewound, reset_point

logger = logging.getLogger(__name__)
RESET_CHECK_SECONDS = 5.0  # how often the stream is checked for a reset (one round trip)


@dataclass
class Step:
    """`work()` returns how much it did; `before(after_failure)` runs first (checks)."""

    name: str
    work: Callable[[], int]
    backoff: Backoff
    before: Callable[[bool], None] | None = None
    outage: Outage = field(init=False)
    not_before: float = 0.0
    healthy: bool = False  # the last try succeeded

    def __post_init__(self) -> None:
        self.outage = Outage(self.name)

    def due(self, now: float) -> bool:
        return now >= self.not_before

    def wait_left(self, now: float) -> float:
        return max(0.0, self.not_before - now)

    def run(self) -> int:
        try:
            if self.before is not None:
                self.before(not self.healthy)
            done = self.work()
        except TRANSIENT_ERRORS as exc:
            delay = self.backoff.failed()
            self.outage.failed(exc, delay)
            self.not_before, self.healthy = time.monotonic() + delay, False
            return 0
        self.backoff.reset()
        self.outage.recovered()
        self.healthy = True
        return done


class StreamResetCheck:
    """The stream channel's guard against a Redis that lost its data. Called before each
    delivery (`force` after a failed try or at start, otherwise at most every
    RESET_CHECK_SECONDS) it asks Redis whether the stream still holds what the channel's
    cursor counts as published; the publish script asks the same before every batch
    (StreamReset). Either way the cursor is rewound and the outbox republishes."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        client: redis.Redis[bytes],
        cfg: StreamConfig,
        channel: str,
    ) -> None:
        self.sessions, self.client, self.cfg, self.channel = sessions, client, cfg, channel
        self._last = float("-inf")

    def __call__(self, force: bool) -> None:
        now = time.monotonic()
        if force or now - self._last >= RESET_CHECK_SECONDS:
            self.rewind_if_reset()
            self._last = now

    def guarded(self, deliver: Callable[[], int]) -> Callable[[], int]:
        def work() -> int:
            try:
                return deliver()
            except StreamReset:
                self.rewind_if_reset()
                return 1  # come back at once: the republish follows

        return work

    def rewind_if_reset(self) -> None:
        cursor = channel_cursor(self.sessions, self.channel)
        point = reset_point(self.client, self.cfg, cursor)
        if point is None:
            return
        logger.warning(
            "event stream was reset; republishing from the outbox",
            extra={"stream": self.cfg.key, "cursor": cursor, "from_seq": point + 1},
        )
        mark_rewound(self.client, self.cfg, point)
        rewind_channel(self.sessions, self.channel, point)
