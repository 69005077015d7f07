"""Discovery stage: RSS 0.9x/2.0, Atom and RDF feed bytes → DiscoveryResult.

In: the raw feed body (any charset feedparser can read) and the URL it came from.
Out: one FeedItem per distinct article link (http/https, resolved against the feed URL),
with title, plain-text summary, GUID and aware dates. Raises FeedError for HTML pages,
garbage and feeds truncated before their first item.

Safety: every DOCTYPE internal subset and <!ENTITY> declaration is removed from the bytes
before feedparser sees them (no billion-laughs or quadratic blowup; undefined references
stay as literal text); a body of more than MAX_FEED_ITEMS items is cut before the next one.
The caller runs this under worker.timelimit.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime
from typing import Any

import feedparser
import lxml.html  # type: ignore[import-untyped, unused-ignore]
from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from scrapers.discover_links import absolute_http_url, merge_items, unescape_text
from scrapers.encoding import xml_safe
from scrapers.errors import FeedError
from scrapers.feeddates import from_struct_time, parse_feed_date
from scrapers.records import DiscoverKind, DiscoveryResult, FeedItem
from scrapers.text import clean_text
from scrapers.xmlsafety import has_entity_declarations, looks_like_html, strip_dtd

logger = logging.getLogger(__name__)

_TAG = re.compile(r"<[A-Za-z/!][^>]*>")
# feedparser exceptions that say nothing about the feed's structure.
_BENIGN_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")
# Discovery fields are hints; the article page is the record. Bound what a hostile feed costs.
_MAX_TITLE = 1_000
_MAX_SUMMARY = 5_000
# Feeds list tens to hundreds of items; feedparser spends ~100 bytes and ~15 us on even an
# empty <item/> (7 bytes), so a body of a million is cut before its (MAX_FEED_ITEMS+1)-th
# item: feedparser keeps the items before the cut, as from any truncated feed.
MAX_FEED_ITEMS = 5_000
_ITEM_START = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s/>]")


def parse_feed(body: bytes, base_url: str) -> DiscoveryResult:
    """Parse a feed body into FeedItems; see the module docstring for the rules."""
    if not body.strip():
        raise FeedError("empty feed body")
    if looks_like_html(body):
        raise FeedError("HTML served as a feed")
    safe = _first_items(strip_dtd(body), MAX_FEED_ITEMS)
    parsed = feedparser.parse(
        io.BytesIO(safe),
        response_headers={"content-type": "application/xml"},
        resolve_relative_uris=False,
        sanitize_html=True,
    )
    entries: list[Any] = list(parsed.get("entries") or [])
    problem = _structural_problem(parsed)
    if problem is not None and "undefined entity" in problem and has_entity_declarations(body):
        # The feed relies on entities declared in its own DTD, which we never expand:
        # an entity-expansion attack (billion laughs) or a feed nobody else can read either.
        raise FeedError("feed uses XML entities declared in its DTD; entity expansion refused")
    if not entries:
        if problem is not None or not parsed.get("version"):
            raise FeedError("not a readable feed: " + (problem or "no feed root element"))
        return DiscoveryResult(items=())
    if problem is not None:
        logger.warning(
            "feed damaged, keeping %d recovered items: %s (url=%s)", len(entries), problem, base_url
        )
    kind = _feed_kind(str(parsed.get("version") or ""))
    return DiscoveryResult(items=merge_items(_to_item(e, base_url, kind) for e in entries))


def _first_items(body: bytes, limit: int) -> bytes:
    """`body` cut before its (limit+1)-th <item> / <entry> start tag, if it has one."""
    if body.count(b"<") <= limit:
        return body  # fewer tags than the limit: no need to look for items
    for count, match in enumerate(_ITEM_START.finditer(body), start=1):
        if count > limit:
            logger.warning("feed items over the cap ignored", extra={"cap": limit})
            return body[: match.start()]
    return body


def _structural_problem(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if exc is None or type(exc).__name__ in _BENIGN_BOZO:
        return None
    return f"{type(exc).__name__}: {exc}"


def _feed_kind(version: str) -> DiscoverKind:
    return "atom" if version.startswith("atom") else "rss"


def _to_item(entry: Any, base_url: str, kind: DiscoverKind) -> FeedItem | None:
    url = absolute_http_url(_entry_link(entry), base_url)
    if url is None:
        return None
    guid = entry.get("id") or None
    return FeedItem(
        url=url,
        title=_title_text(entry),
        summary=_summary_text(entry),
        guid=clean_text(str(guid)) or None if guid else None,
        published_at=_published(entry, kind),
        updated_at=_entry_date(entry, "updated"),
        kind=kind,
    )


def _published(entry: Any, kind: DiscoverKind) -> datetime | None:
    found = _entry_date(entry, "published") or _entry_date(entry, "created")
    if found is None and kind == "rss":
        # RSS 1.0 / RDF carries its only date as dc:date, which feedparser files as "updated".
        found = _entry_date(entry, "updated")
    return found


def _entry_link(entry: Any) -> str | None:
    link = entry.get("link")
    if link:
        return str(link)
    for candidate in entry.get("links") or []:
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return str(candidate["href"])
    guid = entry.get("id")
    # RSS <guid isPermaLink="true"> (the default) is the article URL when <link> is missing.
    if guid and entry.get("guidislink", False):
        return str(guid)
    return None


def _title_text(entry: Any) -> str | None:
    raw = entry.get("title")
    if not raw:
        return None
    return _plain_text(str(raw))[:_MAX_TITLE] or None


def _summary_text(entry: Any) -> str | None:
    raw = entry.get("summary")
    if not raw:
        contents = entry.get("content") or []
        raw = contents[0].get("value") if contents else None
    if not raw:
        return None
    return _plain_text(str(raw))[:_MAX_SUMMARY] or None


def _plain_text(value: str) -> str:
    """HTML or escaped text → clean text (double-escaped entities included)."""
    if _TAG.search(value):
        value = _html_to_text(value)
    return unescape_text(value)


def _html_to_text(fragment: str) -> str:
    try:
        root = lxml.html.fragment_fromstring(xml_safe(fragment), create_parent="div")
    except (etree.ParserError, ValueError):
        return _TAG.sub(" ", fragment)
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    return " ".join(root.itertext())


def _entry_date(entry: Any, field: str) -> datetime | None:
    """The raw string first (keeps its offset); feedparser's UTC struct as a fallback.

    dict.get, not entry.get: FeedParserDict silently answers "updated" with "published"."""
    raw = dict.get(entry, field)
    parsed = parse_feed_date(str(raw)) if raw else None
    return parsed or from_struct_time(dict.get(entry, f"{field}_parsed"))
