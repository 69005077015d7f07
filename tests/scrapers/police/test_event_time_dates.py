"""The event-time dates computed directly give what scrapers.dates.parse_vn_datetime gives
for the strings they stand for: "d/m/yyyy", and "ngày d/m" read against a reference."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from scrapers.dates import VN_TZ, parse_vn_datetime
from scrapers.police.times import _dated, _nearest_dated

pytestmark = pytest.mark.unit

# Every day and month up to 32 and 13 (the edges of valid dates), a few beyond; the regex
# gives one or two digits.
_DAYS = [*range(33), 40, 99]
_MONTHS = [*range(14), 20, 99]
_ZONES: tuple[tzinfo, ...] = (
    VN_TZ, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=14)),
    ZoneInfo("America/New_York"),
)  # fmt: skip


def _plain(raw: str, reference: datetime | None) -> date | None:
    parsed = parse_vn_datetime(raw, reference=reference)
    return parsed.value.date() if parsed is not None else None


def _plain_inferred(day: int, month: int, reference: datetime) -> tuple[date | None, bool]:
    parsed = parse_vn_datetime(f"ngày {day}/{month}", reference=reference)
    return (parsed.value.date(), parsed.year_inferred) if parsed is not None else (None, False)


@pytest.mark.parametrize("year", ["0000", "1899", "1900", "1901", "2000", "2024", "2100", "2101"])
def test_dated_matches_parse_vn_datetime(year: str) -> None:
    for day in _DAYS:
        for month in _MONTHS:
            expected = _plain(f"{day}/{month}/{year}", None)
            assert _dated(day, month, int(year)) == expected, (day, month, year)


def _references(rng: random.Random) -> list[datetime]:
    """Year ends and leap days near midnight (the one-day tolerance and year changes), the
    years at the edges of what is read, and random instants, in several zones."""
    edges = [
        datetime(2023, 12, 31, 23, 59), datetime(2024, 1, 1, 0, 0), datetime(2024, 1, 1, 23, 59),
        datetime(2024, 2, 29, 12, 0), datetime(2025, 3, 1, 0, 30), datetime(1900, 1, 1, 8, 0),
        datetime(2100, 12, 31, 8, 0), datetime(2024, 12, 30, 0, 0), datetime(2024, 7, 1, 0, 0),
    ]  # fmt: skip
    randoms = [datetime(2000, 1, 1) + timedelta(seconds=rng.randrange(10**9)) for _ in range(6)]
    return [when.replace(tzinfo=rng.choice(_ZONES)) for when in edges + randoms]


def test_nearest_dated_matches_parse_vn_datetime() -> None:
    rng = random.Random(20261128)
    for reference in _references(rng):
        for day in _DAYS:
            for month in (*range(14), 99):
                found = _nearest_dated(day, month, reference)
                expected = _plain_inferred(day, month, reference)
                assert (found, found is not None) == expected, (day, month, reference)


def test_nearest_dated_random_references() -> None:
    rng = random.Random(7)
    for _ in range(1500):
        reference = datetime(1899, 6, 1) + timedelta(minutes=rng.randrange(106_000_000))
        reference = reference.replace(tzinfo=rng.choice(_ZONES))
        day, month = rng.randrange(32), rng.randrange(14)
        found = _nearest_dated(day, month, reference)
        assert (found, found is not None) == _plain_inferred(day, month, reference)
