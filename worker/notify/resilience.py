"""Relay resilience: which errors mean "a dependency is down" (database, Redis), capped
exponential backoff, outage logs that say so once (then periodically, never per retry),
and a supervisor that restarts a loop that died of anything else.

In: the relay loop's steps. Out: steps that wait and retry through outages instead of
ending the process (`newsworker relay`) or its thread (`newsworker run`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis
from sqlalchemy import exc as sa_exc

logger = logging.getLogger(__name__)

# A database or Redis that is down, restarting or unreachable. DBAPIError covers every
# driver error SQLAlchemy wraps (OperationalError, InterfaceError, ...); OSError the socket
# errors raised outside a driver.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sa_exc.DBAPIError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
    redis.RedisError,
    OSError,
)
FIRST_DELAY = 0.5
OUTAGE_REPORT_EVERY = 60.0  # seconds between "still failing" lines during one outage
STABLE_AFTER = 60.0  # a supervised loop that ran this long restarts with a fresh backoff


def dependency(exc: BaseException) -> str:
    """Which dependency an error points at, for the logs."""
    if isinstance(exc, redis.RedisError):
        return "redis"
    if isinstance(exc, sa_exc.SQLAlchemyError):
        return "database"
    return "network"


class Backoff:
    """0.5 s, 1 s, 2 s, ... up to `cap`; reset after a success."""

    def __init__(self, cap: float, first: float = FIRST_DELAY) -> None:
        self.first = min(first, cap)
        self.cap = cap
        self._next = self.first

    def failed(self) -> float:
        """The wait before the next try; the one after will be twice as long (capped)."""
        delay = self._next
        self._next = min(self.cap, delay * 2)
        return delay

    def reset(self) -> None:
        self._next = self.first


class Outage:
    """The log of one step's outages: a warning when it starts, one every
    OUTAGE_REPORT_EVERY seconds while it lasts, an info line when it ends."""

    def __init__(self, step: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.step = step
        self.clock = clock
        self.since: float | None = None
        self.failures = 0
        self._reported = 0.0

    def failed(self, exc: BaseException, retry_in: float) -> None:
        now = self.clock()
        self.failures += 1
        fields = {
            "step": self.step, "dependency": dependency(exc), "error_class": type(exc).__name__,
            "error": str(exc).splitlines()[0][:300] if str(exc) else "", "retry_in": retry_in,
        }  # fmt: skip
        if self.since is None:
            self.since, self._reported = now, now
            logger.warning("relay step failed; retrying with backoff", extra=fields)
        elif now - self._reported >= OUTAGE_REPORT_EVERY:
            self._reported = now
            fields.update(failures=self.failures, down_seconds=round(now - self.since, 1))
            logger.warning("relay step still failing", extra=fields)

    def recovered(self) -> None:
        if self.since is None:
            return
        down = round(self.clock() - self.since, 1)
        logger.info(
            "relay step recovered",
            extra={"step": self.step, "failures": self.failures, "down_seconds": down},
        )
        self.since, self.failures = None, 0


def supervise(target: Callable[[], None], stop: threading.Event, what: str, cap: float) -> None:
    """Run `target` until `stop` is set. Should it raise (a bug, a bad config edited in
    place), log the traceback and start it again after a capped backoff."""
    backoff = Backoff(cap)
    while not stop.is_set():
        started = time.monotonic()
        try:
            target()
        except Exception:  # anything else: logged with its traceback, then restarted
            if time.monotonic() - started >= STABLE_AFTER:
                backoff.reset()
            delay = backoff.failed()
            logger.exception("loop died; restarting", extra={"loop": what, "restart_in": delay})
            stop.wait(delay)
