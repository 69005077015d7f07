"""NEWSWORKER_* numbers: inf, nan and values that overflow a timedelta stop the program at
start with a SettingsError naming the variable, like any other bad value."""

from __future__ import annotations

import pytest

from worker.errors import SettingsError
from worker.settings import load_settings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("variable", "value", "why"),
    [
        ("NEWSWORKER_DISPATCH_INTERVAL_SECONDS", "inf", "finite number"),
        ("NEWSWORKER_DISPATCH_INTERVAL_SECONDS", "1e300", "less than or equal to 86400"),
        ("NEWSWORKER_FETCH_TIMEOUT_SECONDS", "nan", "finite number"),
        ("NEWSWORKER_PARSE_TIMEOUT_SECONDS", "-inf", "finite number"),
        ("NEWSWORKER_WATCHDOG_SECONDS", "infinity", "finite number"),
        ("NEWSWORKER_TASK_TIME_LIMIT", "99999999999999999999", "less than or equal to 90000"),
        ("NEWSWORKER_BROKER_VISIBILITY_TIMEOUT", "9999999999", "less than or equal to 604800"),
        ("NEWSWORKER_LEASE_GRACE_SECONDS", "99999999999", "less than or equal to 86400"),
    ],
)
def test_numbers_finite_and_bounded(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, why: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert f"{variable}: " in str(info.value) and why in str(info.value)


def test_defaults_and_shipped_values_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWORKER_DISPATCH_INTERVAL_SECONDS", "86400")
    monkeypatch.setenv("NEWSWORKER_WATCHDOG_SECONDS", "0")
    settings = load_settings()
    assert settings.dispatch_interval_seconds == 86400 and settings.watchdog_seconds == 0
