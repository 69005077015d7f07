"""Parse guard: run a pure parser under a wall-clock limit.

In: a zero-argument callable and a limit in seconds. Out: the callable's result, or
scrapers.errors.ParseTimeout once the limit passes. On the main thread the limit is a
hard one (SIGALRM via setitimer, with the previous handler and timer restored); elsewhere
signals cannot be used, so the callable runs unguarded and a warning is logged once.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

from scrapers.errors import ParseTimeout

logger = logging.getLogger(__name__)

T = TypeVar("T")

_warned = threading.Event()


def _can_use_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def call_with_time_limit(fn: Callable[[], T], seconds: float) -> T:
    """Call fn(); raise ParseTimeout if it runs longer than `seconds` (main thread only)."""
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    if not _can_use_alarm():
        if not _warned.is_set():
            _warned.set()
            logger.warning("parse time limit not enforced off the main thread (limit=%ss)", seconds)
        return fn()
    return _call_with_alarm(fn, seconds)


def _call_with_alarm(fn: Callable[[], T], seconds: float) -> T:
    def _on_alarm(signum: int, frame: FrameType | None) -> None:
        raise ParseTimeout(f"parsing exceeded {seconds:g}s")

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, _on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        _restore_outer_timer(previous_delay, previous_interval, time.monotonic() - started)


def _restore_outer_timer(delay: float, interval: float, elapsed: float) -> None:
    """Re-arm an enclosing timer with what is left of it (at least a tick, so it still fires)."""
    if delay <= 0:
        return
    signal.setitimer(signal.ITIMER_REAL, max(delay - elapsed, 1e-6), interval)
