"""Discovery kinds (pure): the one registry of the kinds of discovery document a source
may list, and the parser that reads each.

The source loader accepts exactly these kinds (worker/sources.py: an unknown kind is an
error naming the file and field) and the discover stage parses every document with its
kind's parser (worker/discover.py).

In: a fetched discovery document (bytes, final URL, content type), the entry's listing
selectors and how many more items the run may keep. Out: DiscoveryResult.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from scrapers.discover_feed import parse_feed
from scrapers.discover_html import parse_listing
from scrapers.discover_json import parse_json_api
from scrapers.discover_sitemap import parse_sitemap
from scrapers.encoding import decode_html
from scrapers.records import DiscoverKind, DiscoveryResult


@dataclass(frozen=True, slots=True)
class Document:
    """One fetched discovery document and what its parser may need besides the bytes."""

    body: bytes
    url: str  # the final URL (after redirects): links resolve against it
    content_type: str | None = None
    room: int = 50_000  # items the run may still keep (sitemaps keep their newest)
    item_selector: str | None = None  # html_list: CSS of article links (None: heuristic)
    next_selector: str | None = None  # html_list: CSS of the "next page" link


DocumentParser = Callable[[Document], DiscoveryResult]


def _feed(doc: Document) -> DiscoveryResult:
    return parse_feed(doc.body, doc.url)


def _sitemap(doc: Document) -> DiscoveryResult:
    return parse_sitemap(doc.body, doc.url, max_items=doc.room)


def _listing(doc: Document) -> DiscoveryResult:
    html = decode_html(doc.body, doc.content_type).text
    return parse_listing(
        html, doc.url, item_selector=doc.item_selector, next_selector=doc.next_selector
    )


def _json_api(doc: Document) -> DiscoveryResult:
    return parse_json_api(doc.body, doc.url)


# Every DiscoverKind (scrapers.records) and its parser; only sitemaps choose which items
# fit `room` (the newest), other results are cut by the caller.
DISCOVER_PARSERS: Mapping[DiscoverKind, DocumentParser] = MappingProxyType(
    {
        "rss": _feed,
        "atom": _feed,
        "html_list": _listing,
        "sitemap": _sitemap,
        "news_sitemap": _sitemap,
        "json_api": _json_api,
    }
)
