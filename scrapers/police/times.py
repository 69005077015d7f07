"""Event times in the body (pure): text + publish date in, EventTime records out.

Forms (domain notes §5.1): "Sáng 19-6", "khoảng 22h30 ngày 15/6", "23h25’ ngày 26/5",
"Ngày 27.7", "trưa 14/6", "lúc 22 giờ 30 phút ngày 15/6/2020", "8h sáng 19/6",
"ngày 19 tháng 6 năm 2020", and relative ones: "rạng sáng cùng ngày", "chiều hôm sau",
"khoảng 23h cùng ngày", "đến 2h" (the date of the previous time).

A year-less day-month needs a cue (part of day, lúc/khoảng/vào/từ/đến, ngày/hôm, a clock
time) and takes its year from the publish date as scrapers.dates.parse_vn_datetime does
(nearest year, the past preferred: "Tối 30-12" published 2 January → previous year);
`year_inferred` records it. Times are local (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from scrapers.dates import VN_TZ
from scrapers.police.model_events import EventTime, TimePrecision
from scrapers.police.rules import anchored_regions, digit_runs, prepare, squash

_POD = r"rạng sáng|sáng sớm|sáng|trưa|chiều tối|chiều|tối|đêm khuya|nửa đêm|đêm|khuya"
_CUE = r"vào lúc|vào khoảng|lúc|khoảng|vào|từ|đến|tới"
_DAYWORD = r"ngày|hôm|đêm"
_REL = r"cùng ngày|ngày hôm sau|hôm sau|hôm đó"
# Every part of _TIME_RE is optional; a non-empty match begins with a digit or one of these
# words. Checking that first spares an empty match object at most other positions (empty
# matches are skipped anyway); the first letter is tested before the word-start look-behind
# (a set test is cheaper than a Unicode category test).
_FIRST_WORDS = "|".join(
    sorted({w.split(" ")[0] for w in f"{_POD}|{_CUE}|{_DAYWORD}|{_REL}".split("|")})
)
_TIME_RE = re.compile(
    rf"(?=[rstcđknvlh\d])(?<![^\W_])(?=\d|{_FIRST_WORDS})"
    rf"(?:(?P<pod>{_POD})\s+)?"
    rf"(?:(?P<cue>{_CUE})\s+)?"
    r"(?:(?P<h>\d{1,2})\s*(?:h|g|giờ)(?:\s*(?P<mi>\d{1,2})\s*(?:'|’|phút)?)?(?![^\W_])\s*"
    r"(?:(?P<pod2>sáng|trưa|chiều|tối|đêm|khuya)\s*)?(?:,\s*)?)?"
    rf"(?:(?P<dayword>{_DAYWORD})\s+(?=\d))?"
    r"(?:(?P<d>\d{1,2})(?:(?P<sep>[-/.])|\s+tháng\s+)(?P<mo>\d{1,2})"
    r"(?:(?:(?P=sep)|\s+năm\s+)(?P<y>\d{4}))?(?![\d/.-]*\d)"
    rf"|(?P<rel>{_REL}))?"
)
# Part of day → the 12-hour readings it lifts by 12 ("3h chiều" → 15h, "10h đêm" → 22h).
_PM_WINDOW = {
    "chiều": (0, 12),
    "tối": (0, 12),
    "chiều tối": (0, 12),
    "đêm": (6, 12),
    "đêm khuya": (6, 12),
    "khuya": (6, 12),
    "trưa": (0, 6),
}


def extract_event_times(text: str, *, published: datetime | None) -> tuple[EventTime, ...]:
    """Event times in document order, resolved against `published` where needed."""
    prep = prepare(text)
    reference = _aware(published) if published is not None else None
    out: list[EventTime] = []
    previous: date | None = None
    for m in _matches(prep.key):
        if not (m["d"] or m["rel"] or (m["h"] and (m["cue"] or m["pod"] or m["pod2"]))):
            continue
        if m["d"] and not (m["y"] or m["pod"] or m["cue"] or m["h"] or m["dayword"]):
            continue  # bare "3-1", "1/2": no cue, not a date
        event = _resolve(m, prep.text[m.start() : m.end()].strip(" ,"), reference, previous)
        if event is None:
            continue
        out.append(event)
        if event.start is not None:
            previous = date.fromisoformat(event.start[:10])
    if "tháng" in prep.key:
        out.extend(_month_periods(prep.key, prep.text))
        out.sort(key=lambda t: t.offset)
    return tuple(out)


# Month-precision periods: "tháng 10/2023", "tháng 5 năm 2016", "từ tháng 3 đến tháng
# 8/2022" (the first end takes the year of the second). A month without a year is not
# read ("trong tháng 7": which year is a guess). Not "19 tháng 6" (a day: _TIME_RE).
_MONTH = r"tháng\s+(?P<{m}>\d{{1,2}})(?:\s*[/.-]\s*|\s+năm\s+)?(?P<{y}>(?<=[/.\s-])\d{{4}})?"
# The look-behinds (no digit + space, no letter before "tháng") follow the literal "tháng" so
# the regex engine can skip ahead to it.
_MONTH_RE = re.compile(
    _MONTH.format(m="mo", y="y").replace("tháng", r"tháng(?<!\d\stháng)(?<![^\W_]tháng)", 1)
    + r"(?![\d/.-]*\d)(?:\s*(?:đến|tới|-|–)\s*(?:hết\s+)?"
    + _MONTH.format(m="mo2", y="y2")
    + r"(?![\d/.-]*\d))?"
)


def _month_periods(key: str, text: str) -> list[EventTime]:
    out: list[EventTime] = []
    for m in _MONTH_RE.finditer(key):
        year = m["y"] or (m["y2"] if m["mo2"] else None)
        ends = [("mo", year, m.start(), m.end("y") if m["y"] else m.end("mo"))]
        if m["mo2"] and m["y2"]:
            ends.append(("mo2", m["y2"], m.start("mo2") - len("tháng "), m.end()))
        for group, y, lo, hi in ends:
            month = int(m[group])
            if y is None or not 1 <= month <= 12:
                continue
            surface = text[lo:hi]
            start = f"{int(y):04d}-{month:02d}-01"
            out.append(EventTime(surface, start, "month", None, False, False, lo))
    return out


# Where a time can be: a digit run shaped like a clock "22h", a day-month "19-6" or
# "19 tháng", or a relative day word. (Two cheap steps beat one alternation regex.)
_SHAPE = re.compile(r"\d{1,2}(?:\s*(?:h|g|giờ)|[-/.]\d{1,2}|\s+tháng)")
_RELATIVE_WORDS = ("cùng ngày", "hôm sau", "hôm đó")


def _anchors(key: str) -> list[tuple[int, int]]:
    found = [(s, e) for s, e in digit_runs(key) if _SHAPE.match(key, s)]
    for word in _RELATIVE_WORDS:
        pos = key.find(word)
        while pos >= 0:
            found.append((pos, pos + len(word)))
            pos = key.find(word, pos + 1)
    return sorted(found)


def _matches(key: str) -> list[re.Match[str]]:
    """Time matches, searched only near their anchors (fast on long text)."""
    return [
        m
        for lo, hi in anchored_regions(key, 36, 24, _anchors(key))
        for m in _TIME_RE.finditer(key, lo, hi)
    ]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=VN_TZ)


def _resolve(
    m: re.Match[str], surface: str, reference: datetime | None, previous: date | None
) -> EventTime | None:
    day, year_inferred, relative = _day(m, reference, previous)
    if m["d"] and day is None and reference is not None:
        return None  # impossible date (31-2) or not a date at all
    pod = m["pod"] or m["pod2"]
    clock = _clock(m, pod)
    if m["h"] and clock is None:
        return None
    precision: TimePrecision = "day"
    if clock is not None:
        precision = "minute" if m["mi"] else "hour"
    elif pod:
        precision = "part_of_day"
    start: str | None = None
    if day is not None:
        start = day.isoformat()
        if clock is not None:
            hour, minute = clock
            start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN_TZ).isoformat()
    return EventTime(
        surface=surface,
        start=start,
        precision=precision,
        part_of_day=squash(pod) if pod else None,
        year_inferred=year_inferred,
        relative=relative,
        offset=m.start(),
    )


def _day(
    m: re.Match[str], reference: datetime | None, previous: date | None
) -> tuple[date | None, bool, bool]:
    """(date, year_inferred, relative) of a match."""
    if m["d"]:
        day, month = int(m["d"]), int(m["mo"])
        if m["y"]:
            return _dated(day, month, int(m["y"])), False, False
        if reference is None:
            return None, False, False
        found = _nearest_dated(day, month, reference)
        return found, found is not None, False
    base = previous or (reference.date() if reference is not None else None)
    if base is None:
        return None, False, True
    shift = 1 if m["rel"] and "sau" in m["rel"] else 0
    return base + timedelta(days=shift), previous is None, True


# What parse_vn_datetime gives for "d/m/yyyy", and for "ngày d/m" with a reference (the year
# that puts the day-month nearest the reference, the past preferred), computed directly: the
# general parser costs ~130k instructions a call. test_event_time_dates compares the two.
_YEARS = range(1900, 2101)  # scrapers.dates reads no year outside these


def _dated(day: int, month: int, year: int) -> date | None:
    """The date, if it exists in a readable year."""
    if year not in _YEARS:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_dated(day: int, month: int, reference: datetime) -> date | None:
    """The day-month in the year before, of or after the (aware) reference that is nearest
    it; one more than a day ahead counts four times its distance."""
    best: tuple[float, int] | None = None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidate = datetime(year, month, day, tzinfo=reference.tzinfo)
        except ValueError:
            continue
        distance = (candidate - reference).total_seconds()
        score = abs(distance) * (1.0 if distance <= 86400 else 4.0)
        if best is None or score < best[0]:
            best = (score, year)
    return _dated(day, month, best[1]) if best is not None else None


def _clock(m: re.Match[str], pod: str | None) -> tuple[int, int] | None:
    """24-hour (hour, minute); the part of day lifts 12-hour readings ("3h chiều" → 15)."""
    if not m["h"]:
        return None
    hour, minute = int(m["h"]), int(m["mi"] or 0)
    if hour > 24 or minute > 59:
        return None
    low, high = _PM_WINDOW.get(pod or "", (0, 0))
    if low <= hour < high:
        hour += 12
    return (0 if hour == 24 else hour), minute
