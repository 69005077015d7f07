"""Fetch stage, classification: an HTTP status (+ Retry-After) → our error tree, decided once.

In:  status code and the Retry-After header value.
Out: nothing for 2xx; otherwise RateLimited / ServerError (transient) or ClientError /
     BadContent (permanent). 429, and 503 with Retry-After, are RateLimited.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from worker.errors import BadContent, ClientError, RateLimited, ServerError


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date; None if absent/bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        return _retry_after_date(text, now)
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


def _retry_after_date(text: str, now: datetime | None) -> float | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return max(delta, 0.0)


def raise_for_status(url: str, status: int, retry_after_header: str | None) -> None:
    """Raise the classified error for a non-2xx final status."""
    if 200 <= status < 300:
        return
    retry_after = parse_retry_after(retry_after_header)
    if status == 429 or (status == 503 and retry_after is not None):
        raise RateLimited(url, status, retry_after)
    if status >= 500:
        raise ServerError(url, status)
    if 400 <= status < 500:
        raise ClientError(url, status)
    raise BadContent(url, f"unexpected HTTP status {status}")
