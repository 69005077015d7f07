from __future__ import annotations

import logging
import signal
import threading
import time

import pytest

from scrapers.errors import ParseTimeout
from worker import timelimit
from worker.timelimit import call_with_time_limit

pytestmark = pytest.mark.unit


def _spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "done"


def test_returns_result_within_limit() -> None:
    assert call_with_time_limit(lambda: 41 + 1, 1.0) == 42


def test_raises_parse_timeout_on_busy_loop() -> None:
    started = time.monotonic()
    with pytest.raises(ParseTimeout):
        call_with_time_limit(lambda: _spin(5.0), 0.1)
    assert time.monotonic() - started < 2.0


def test_restores_previous_handler_and_clears_timer() -> None:
    def marker(signum: int, frame: object) -> None:
        raise AssertionError("outer handler must not fire")

    old = signal.signal(signal.SIGALRM, marker)
    outer_before, _ = signal.getitimer(signal.ITIMER_REAL)  # pytest-timeout may own one
    try:
        call_with_time_limit(lambda: None, 0.5)
        assert signal.getsignal(signal.SIGALRM) is marker
        outer_after, _ = signal.getitimer(signal.ITIMER_REAL)
        assert outer_after <= outer_before
        assert outer_after > outer_before - 1.0 or outer_before == 0.0
    finally:
        signal.signal(signal.SIGALRM, old)


def test_outer_timer_is_rearmed() -> None:
    fired: list[int] = []
    saved = signal.getitimer(signal.ITIMER_REAL)
    old = signal.signal(signal.SIGALRM, lambda s, f: fired.append(s))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        call_with_time_limit(lambda: _spin(0.05), 1.0)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 0.3
        _spin(0.4)
        assert fired == [signal.SIGALRM]
    finally:
        signal.signal(signal.SIGALRM, old)
        signal.setitimer(signal.ITIMER_REAL, *saved)


def test_exception_from_callable_propagates() -> None:
    def boom() -> None:
        raise KeyError("x")

    outer_before, _ = signal.getitimer(signal.ITIMER_REAL)
    with pytest.raises(KeyError):
        call_with_time_limit(boom, 1.0)
    outer_after, _ = signal.getitimer(signal.ITIMER_REAL)
    assert outer_after <= outer_before
    assert outer_after > outer_before - 1.0 or outer_before == 0.0


def test_off_main_thread_runs_unguarded_and_warns_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timelimit, "_warned", threading.Event())
    results: list[str] = []

    def work() -> None:
        results.append(call_with_time_limit(lambda: _spin(0.05), 0.01))
        results.append(call_with_time_limit(lambda: "again", 0.01))

    with caplog.at_level(logging.WARNING, logger="worker.timelimit"):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    assert results == ["done", "again"]
    assert sum("not enforced" in r.getMessage() for r in caplog.records) == 1


def test_rejects_non_positive_limit() -> None:
    with pytest.raises(ValueError):
        call_with_time_limit(lambda: None, 0)
