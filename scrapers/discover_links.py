"""Discovery stage helpers shared by every discover_* parser: links, text hints, merging.

In: hrefs and text as found in a feed, listing page, sitemap or JSON API, plus the
document URL. Out: absolute http(s) URLs without fragments, unescaped clean text, and
FeedItem tuples with one item per URL.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

from scrapers.records import FeedItem
from scrapers.text import clean_text

_ENTITY_REF = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_text(value: str) -> str:
    """Entity-escaped text → clean text. Unescapes up to three times so that double-escaped
    CDATA ("&amp;apos;" in VietNamNet RSS, "&quot;" inside CDATA) ends as the character."""
    for _ in range(3):
        if not _ENTITY_REF.search(value):
            break
        value = html.unescape(value)
    return clean_text(value)


def absolute_http_url(href: str | None, base_url: str) -> str | None:
    """Resolve `href` against `base_url`; None unless the result is http(s) with a host.

    The fragment is dropped (it never names a different article)."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        parts = urlsplit(urljoin(base_url, href))
    except ValueError:  # malformed IPv6 literal and the like
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def merge_items(items: Iterable[FeedItem | None]) -> tuple[FeedItem, ...]:
    """One item per URL in first-seen order; later duplicates fill the fields still missing."""
    merged: dict[str, FeedItem] = {}
    for item in items:
        if item is None:
            continue
        seen = merged.get(item.url)
        merged[item.url] = item if seen is None else _fill(seen, item)
    return tuple(merged.values())


def _fill(first: FeedItem, other: FeedItem) -> FeedItem:
    updated = [d for d in (first.updated_at, other.updated_at) if d is not None]
    return FeedItem(
        url=first.url,
        title=first.title or other.title,
        summary=first.summary or other.summary,
        guid=first.guid or other.guid,
        published_at=first.published_at or other.published_at,
        updated_at=max(updated) if updated else None,
        kind=first.kind,
    )
