"""Discovery stage: machine-readable date strings from feeds, sitemaps and JSON APIs.

In: a raw date string (RFC 822 "Thu, 06 Feb 2025 20:30:48 +0700", W3C/ISO 8601
"2026-03-07T08:07:18+07:00", "2025-10-09T17:55:47+0700", "2026-03-07 08:07",
".000 +07:00", "2026-01-19T08:50:00Z", a bare "2026-03-07").
Out: an aware datetime; strings without an offset are read as Asia/Ho_Chi_Minh; None when
the string is not a date. Visible Vietnamese dates ("Thứ bảy, 7/3/2026") belong to
scrapers/dates.py, not here.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# "+0700" / "+07" / " +07:00" / "GMT+7" tails, normalised to "+07:00" for fromisoformat.
_OFFSET_TAIL = re.compile(r"\s*(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})?$", re.IGNORECASE)
_ISO_HEAD = re.compile(r"^\d{4}-\d{2}-\d{2}")
_RFC822_HEAD = re.compile(r"^(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}")


def parse_feed_date(raw: str | None) -> datetime | None:
    """Parse one feed/sitemap date string; naive results are placed in Asia/Ho_Chi_Minh."""
    if not raw:
        return None
    text = raw.strip()
    if not text:
        return None
    if _ISO_HEAD.match(text):
        parsed = _parse_iso(text)
    elif _RFC822_HEAD.match(text):
        parsed = _parse_rfc822(text)
    else:
        parsed = None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=VN_TZ)


def _parse_iso(text: str) -> datetime | None:
    text = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    match = _OFFSET_TAIL.search(text)
    if match and "T" in text and match.start() > text.index("T"):
        sign, hours, minutes = match.group(1), int(match.group(2)), match.group(3) or "00"
        text = f"{text[: match.start()]}{sign}{hours:02d}:{minutes}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_rfc822(text: str) -> datetime | None:
    try:
        # Naive for "-0000" (RFC 5322: offset unknown); the caller then applies VN time.
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's *_parsed fallback (UTC struct_time; the original offset is lost)."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None
