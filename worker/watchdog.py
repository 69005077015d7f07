"""Worker watchdog: exit the process (so its container restarts) when the worker stops
consuming, e.g. after a broker reconnect that left the consumer dead.

A consumer bootstep bumps a heartbeat from the consumer's own event loop every few
seconds while its connection is up; a daemon thread checks the heartbeat and calls
os._exit(3) when it is older than NEWSWORKER_WATCHDOG_SECONDS (0: off). A long task does
not block the consumer loop in the prefork pool, so it does not trip the watchdog.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from celery import bootsteps

from worker.settings import Settings

logger = logging.getLogger(__name__)

_last_beat = time.monotonic()
BEAT_EVERY = 5.0


class ConsumerHeartbeat(bootsteps.StartStopStep):  # type: ignore[misc]
    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, c: Any) -> None:
        self.tref = c.timer.call_repeatedly(BEAT_EVERY, _beat, (c,), priority=10)

    def stop(self, c: Any) -> None:
        tref = getattr(self, "tref", None)
        if tref is not None:
            tref.cancel()


def _beat(consumer: Any) -> None:
    global _last_beat  # noqa: PLW0603 - shared with the checker thread
    connection = getattr(consumer, "connection", None)
    if connection is not None and connection.connected:
        _last_beat = time.monotonic()


def _check(limit: float) -> None:
    while True:
        time.sleep(min(limit / 4, 30.0))
        silent = time.monotonic() - _last_beat
        if silent > limit:
            logger.critical("worker stopped consuming; exiting", extra={"silent_s": silent})
            os._exit(3)


def install_watchdog(settings: Settings) -> None:
    if settings.watchdog_seconds <= 0:
        return
    from worker.celery_app import app

    app.steps["consumer"].add(ConsumerHeartbeat)
    threading.Thread(target=_check, args=(settings.watchdog_seconds,), daemon=True).start()
