"""Vietnamese date parsing for the parse stage (pure).

In:  one date string as printed or as machine markup ("Thứ Sáu, 19/06/2020 - 10:30",
     "2025-10-11T10:02:08+0700", "Thu, 06 Feb 2025 20:30:48 +0700", "7' trước").
Out: ParsedDate (aware datetime, the raw string, its precision, whether it was relative)
     or None. The parser prefers None to a guess: the whole string must be explained by a
     date, a time, an offset and known label words, or nothing is returned. Document numbers
     ("12/2020/QĐ-UBND"), year ranges ("2015-2020"), phone numbers and bare years fail.

Times without an offset are read in `default_tz` (Asia/Ho_Chi_Minh). Relative forms need
`now`; day-month forms without a year ("Sáng 19-6") need `reference` and a cue word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from scrapers.dates_rules import (
    CUE_WORDS,
    DATE_DMY,
    DATE_TEXT,
    DATE_YMD,
    DAY_MONTH,
    ISO,
    JUST_NOW,
    LABELS,
    LEFTOVER_OK,
    OFFSET_NAMED,
    PART_OF_DAY,
    RELATIVE,
    RFC822,
    RFC_MONTHS,
    TIME_COLON,
    TIME_WORDS,
    WEEKDAY,
    WEEKDAY_INDEX,
    YESTERDAY,
)

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
Precision = Literal["second", "minute", "hour", "day"]
Order = Literal["dmy", "mdy"]
_MIN_YEAR, _MAX_YEAR = 1900, 2100
_UNIT_SECONDS = {"giây": 1, "phút": 60, "'": 60, "p": 60, "giờ": 3600, "tiếng": 3600, "h": 3600}
_UNIT_SECONDS |= {"ngày": 86400, "tuần": 7 * 86400}


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A parsed date: aware value, the string it came from, how precise it is."""

    value: datetime
    raw: str
    precision: Precision
    relative: bool = False  # computed from `now` ("2 giờ trước")
    year_inferred: bool = False  # "Sáng 19-6": year taken from the reference date
    explicit_offset: bool = False  # the string carried its own UTC offset


@dataclass(slots=True)
class _Parts:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    tz: tzinfo | None = None
    year_inferred: bool = False


def parse_vn_datetime(
    raw: str,
    *,
    default_tz: tzinfo = VN_TZ,
    now: datetime | None = None,
    prefer: Order = "dmy",
    reference: datetime | None = None,
) -> ParsedDate | None:
    """Parse one date string; None when it is not unambiguously a date."""
    text = _normalize(raw)
    if not text or len(text) > 120:
        return None
    for parser in (_parse_iso, _parse_rfc822):
        parts = parser(text)
        if parts is not None:
            return _build(raw, parts, default_tz)
    relative = _parse_relative(text, now, default_tz)
    if relative is not None:
        value, precision = relative
        return ParsedDate(value=value, raw=raw, precision=precision, relative=True)
    parts = _parse_vietnamese(text, prefer, reference, default_tz)
    return _build(raw, parts, default_tz) if parts is not None else None


def _normalize(raw: str) -> str:
    text = raw.replace("\u00a0", " ").replace("’", "'").replace("‘", "'").replace("′", "'")
    text = text.replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().lower()


def _offset(sign: str, hours: str, minutes: str | None) -> tzinfo | None:
    h, m = int(hours), int(minutes or 0)
    if h > 14 or m > 59:
        return None
    delta = timedelta(hours=h, minutes=m)
    return timezone(-delta if sign == "-" else delta)


def _tz_from(token: str | None) -> tzinfo | None:
    """'z', '+07:00', '+0700', '+7' → tzinfo; None when absent or malformed."""
    if not token:
        return None
    if token == "z":
        return UTC
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", token)
    return _offset(m.group(1), m.group(2), m.group(3)) if m else None


def _parse_iso(text: str) -> _Parts | None:
    m = ISO.fullmatch(text)
    if m is None:
        return None
    parts = _Parts(int(m["y"]), int(m["mo"]), int(m["d"]))
    if m["h"] is not None:
        parts.hour, parts.minute = int(m["h"]), int(m["mi"])
        parts.second = int(m["s"]) if m["s"] is not None else None
    if m["tz"]:
        parts.tz = _tz_from(m["tz"])
        if parts.tz is None:
            return None
    return parts


def _parse_rfc822(text: str) -> _Parts | None:
    m = RFC822.fullmatch(text)
    if m is None:
        return None
    parts = _Parts(int(m["y"]), RFC_MONTHS[m["mon"]], int(m["d"]), int(m["h"]), int(m["mi"]))
    parts.second = int(m["s"]) if m["s"] is not None else None
    zone = m["tz"]
    parts.tz = UTC if zone in ("gmt", "utc", "ut", "z") else _tz_from(zone)
    return parts if parts.tz is not None or not zone else None


def _parse_relative(
    text: str, now: datetime | None, default_tz: tzinfo
) -> tuple[datetime, Precision] | None:
    if now is None:
        return None
    base = now if now.tzinfo is not None else now.replace(tzinfo=default_tz)
    if JUST_NOW.fullmatch(text):
        return base, "minute"
    if YESTERDAY.fullmatch(text):
        return base - timedelta(days=1), "day"
    m = RELATIVE.fullmatch(text)
    if m is None:
        return None
    unit = m["unit"] or m["unit2"]
    seconds = int(m["n1"] or m["n2"]) * _UNIT_SECONDS[unit]
    precision: Precision = "minute" if seconds < 86400 else "day"
    if unit in ("giờ", "tiếng", "h"):
        precision = "hour"
    return base - timedelta(seconds=seconds), precision


def _parse_vietnamese(
    text: str, prefer: Order, reference: datetime | None, default_tz: tzinfo
) -> _Parts | None:
    parts = _Parts()
    rest, has_cue = _take_time(text, parts, prefer)
    if rest is None:
        return None
    rest = _take_date(rest, parts, prefer)
    if rest is None:
        return None
    if parts.day is None:
        rest = _take_day_month(rest, parts, has_cue or bool(CUE_WORDS.search(text)))
        if rest is None or not _infer_year(parts, reference, default_tz):
            return None
    weekday = WEEKDAY.search(rest)
    if weekday is not None and not _weekday_matches(weekday.group(0), parts):
        return None
    rest = LABELS.sub(" ", WEEKDAY.sub(" ", rest))
    return parts if LEFTOVER_OK.fullmatch(rest) else None


def _weekday_matches(word: str, parts: _Parts) -> bool:
    """A printed weekday must agree with the date (guards against d/m vs m/d mix-ups)."""
    expected = WEEKDAY_INDEX.get(re.sub(r"\s+", "", word))
    if expected is None or parts.year is None or parts.month is None or parts.day is None:
        return True
    try:
        return datetime(parts.year, parts.month, parts.day).weekday() == expected
    except ValueError:
        return True  # impossible dates are rejected later


def _take_time(text: str, parts: _Parts, prefer: Order) -> tuple[str | None, bool]:
    """Remove the clock time, its offset and any GMT+7 marker; fill parts."""
    rest = text
    named = OFFSET_NAMED.search(rest)
    if named is not None:
        parts.tz = _offset(named["sign"], named["h"], named["m"])
        if parts.tz is None:
            return None, False
        rest = rest[: named.start()] + " " + rest[named.end() :]
    m = TIME_COLON.search(rest) or TIME_WORDS.search(rest)
    if m is None:
        return rest, False
    hour, minute = int(m["h"]), int(m["mi"] or 0)
    second = int(m["s"]) if m.groupdict().get("s") else None
    hour24 = _apply_meridiem(hour, m.groupdict().get("ampm"), text, prefer)
    if hour24 is None:
        return None, False
    tz_token = m.groupdict().get("tz")
    if tz_token:
        parts.tz = _tz_from(tz_token)
        if parts.tz is None:
            return None, False
    parts.hour, parts.minute, parts.second = hour24, minute, second
    rest = rest[: m.start()] + " " + rest[m.end() :]
    pod = PART_OF_DAY.search(rest)
    if pod is not None and parts.hour is not None:
        parts.hour = _apply_part_of_day(parts.hour, pod.group(0))
    return rest, pod is not None


def _apply_meridiem(hour: int, ampm: str | None, text: str, prefer: Order) -> int | None:
    """12-hour clock; AM/PM marks a US-style string, accepted only when order is clear."""
    if ampm is None:
        return hour
    if not 1 <= hour <= 12:
        return None
    if ampm in ("am", "pm") and prefer == "dmy" and not _dmy_unambiguous(text):
        return None
    pm = ampm in ("pm", "ch")
    return (hour % 12) + (12 if pm else 0)


def _dmy_unambiguous(text: str) -> bool:
    m = DATE_DMY.search(text)
    return m is not None and int(m["a"]) > 12


def _apply_part_of_day(hour: int, word: str) -> int:
    if word in ("chiều", "tối") and hour < 12:
        return hour + 12
    if word == "đêm" and 6 <= hour < 12:
        return hour + 12
    if word == "trưa" and hour < 6:
        return hour + 12
    return hour


def _take_date(text: str, parts: _Parts, prefer: Order) -> str | None:
    for pattern in (DATE_TEXT, DATE_YMD, DATE_DMY):
        m = pattern.search(text)
        if m is None:
            continue
        if pattern is DATE_DMY:
            first, second = int(m["a"]), int(m["b"])
            day, month = (second, first) if prefer == "mdy" else (first, second)
        else:
            day, month = int(m["d"]), int(m["mo"])
        parts.year, parts.month, parts.day = int(m["y"]), month, day
        return text[: m.start()] + " " + text[m.end() :]
    return text


def _take_day_month(text: str, parts: _Parts, has_cue: bool) -> str | None:
    m = DAY_MONTH.search(text)
    if m is None or not has_cue:
        return None
    parts.day, parts.month = int(m["d"]), int(m["mo"])
    return text[: m.start()] + " " + text[m.end() :]


def _infer_year(parts: _Parts, reference: datetime | None, default_tz: tzinfo) -> bool:
    """Pick the year that puts day-month nearest the reference, preferring the past."""
    if reference is None or parts.month is None or parts.day is None:
        return False
    ref = reference if reference.tzinfo is not None else reference.replace(tzinfo=default_tz)
    best: tuple[float, int] | None = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            candidate = datetime(year, parts.month, parts.day, tzinfo=ref.tzinfo)
        except ValueError:
            continue
        distance = (candidate - ref).total_seconds()
        score = abs(distance) * (1.0 if distance <= 86400 else 4.0)  # future costs more
        if best is None or score < best[0]:
            best = (score, year)
    if best is None:
        return False
    parts.year, parts.year_inferred = best[1], True
    return True


def _build(raw: str, parts: _Parts, default_tz: tzinfo) -> ParsedDate | None:
    if parts.year is None or parts.month is None or parts.day is None:
        return None
    if not _MIN_YEAR <= parts.year <= _MAX_YEAR:
        return None
    try:
        naive = datetime(
            parts.year,
            parts.month,
            parts.day,
            parts.hour or 0,
            parts.minute or 0,
            parts.second or 0,
        )
    except ValueError:
        return None
    value = naive.replace(tzinfo=parts.tz or default_tz)
    precision: Precision = "day"
    if parts.hour is not None:
        precision = "second" if parts.second is not None else "minute"
    return ParsedDate(
        value=value,
        raw=raw,
        precision=precision,
        year_inferred=parts.year_inferred,
        explicit_offset=parts.tz is not None,
    )
