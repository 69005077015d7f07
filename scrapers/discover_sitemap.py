"""Discovery stage: XML sitemaps → DiscoveryResult.

In: the sitemap body (plain or gzip-compressed, detected by magic bytes) and its URL.
Out: for a <sitemapindex>, the child sitemaps as `next_pages` (newest <lastmod> first,
taxonomy sitemaps such as categories/topics/tags left out); for a <urlset>, one FeedItem
per <loc> with <lastmod> as updated_at, and for Google News sitemaps news:title as title
and news:publication_date as published_at, in document order. Malformed or non-sitemap
bodies → FeedError.

Bounded on hostile input: the body is read as a stream (scrapers/xmlstream.py: inflated
at most MAX_SITEMAP_BYTES, entity declarations stripped, no entity expansion, no network,
each entry dropped from the tree once read). A urlset keeps at most `max_items` entries
(default MAX_SITEMAP_ITEMS, the sitemaps.org limit for one file, so a valid sitemap is read
whole); past it, the newest by <lastmod> (or news:publication_date), newest first, undated
ones last in document order. An index keeps its MAX_INDEX_CHILDREN newest children.
"""

from __future__ import annotations

import heapq
import logging
import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Generic, TypeVar

from scrapers.discover_links import absolute_http_url, merge_items, unescape_text
from scrapers.errors import FeedError
from scrapers.feeddates import parse_feed_date
from scrapers.records import DiscoverKind, DiscoveryResult, FeedItem
from scrapers.text import clean_text
from scrapers.xmlstream import XmlStream, open_xml

logger = logging.getLogger(__name__)

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file
MAX_SITEMAP_ITEMS = 50_000  # the sitemaps.org limit of URLs in one file
MAX_INDEX_CHILDREN = 1_000  # a source follows at most 100 (DiscoverEntry.max_pages)
_TAXONOMY = re.compile(r"(?:categor|topic|tag|author|tac-gia|chu-de|video)[^/]*\.xml", re.I)
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}news"

T = TypeVar("T")
_Key = tuple[bool, datetime | None, int]  # (dated, date, -position): larger is kept


def parse_sitemap(
    body: bytes, base_url: str, *, max_items: int = MAX_SITEMAP_ITEMS
) -> DiscoveryResult:
    """Parse a sitemap index, urlset or Google News sitemap (see the module docstring)."""
    stream = open_xml(body, MAX_SITEMAP_BYTES, "sitemap")
    if stream.root_name == "sitemapindex":
        return DiscoveryResult(items=(), next_pages=_children(stream, base_url))
    if stream.root_name == "urlset":
        return DiscoveryResult(items=_url_items(stream, base_url, max_items))
    raise FeedError(f"not a sitemap: root element <{stream.root_name}>")


class _Newest(Generic[T]):
    """The values offered, up to `limit`; past it, the `limit` newest (dated before undated,
    the earlier in the document first on a tie)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.offered = 0
        self.dropped = 0
        self._heap: list[tuple[_Key, T]] = []

    def wants(self, when: datetime | None) -> _Key | None:
        """The key to `add` the next value with, or None when it would be dropped at once."""
        self.offered += 1
        key = (when is not None, when, -self.offered)
        if len(self._heap) < self.limit or key > self._heap[0][0]:
            return key
        self.dropped += 1
        return None

    def add(self, key: _Key, value: T) -> None:
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, (key, value))
        else:
            heapq.heapreplace(self._heap, (key, value))
            self.dropped += 1

    def in_document_order(self) -> list[tuple[_Key, T]]:
        return sorted(self._heap, key=lambda kv: -kv[0][2])

    def newest_first(self) -> list[tuple[_Key, T]]:
        return sorted(self._heap, key=lambda kv: kv[0], reverse=True)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _EntryReader:
    """lxml parser target: each child of the root named `name` (any namespace) is passed
    to `emit` as {key: text}. Keys: the local name of each child of the entry ("loc",
    "lastmod"), _NEWS for a Google News <news:news> child and "news/" + the local name of
    its children. A text is the element's own text before its first child (lxml's
    `.text`); the first occurrence of a key wins."""

    def __init__(self, name: str, emit: Callable[[dict[str, str]], None]) -> None:
        self._name, self._emit = name, emit
        self._depth = 0
        self._entry: dict[str, str] | None = None
        self._in_news = False
        self._reading = 0  # depth of the element whose text _parts gathers (0: none)
        self._key = ""
        self._parts: list[str] = []

    def start(self, tag: str, attrib: object) -> None:
        self._depth += 1
        self._seal()  # the parent's own text ends where its first child starts
        depth = self._depth
        if depth == 2:
            self._entry = {} if _local(tag) == self._name else None
        elif self._entry is None or depth > 4 or (depth == 4 and not self._in_news):
            return
        elif depth == 3:
            self._in_news = tag == _NEWS
            self._read(depth, _NEWS if self._in_news else _local(tag))
        else:
            self._read(depth, "news/" + _local(tag))

    def _read(self, depth: int, key: str) -> None:
        self._reading, self._key, self._parts = depth, key, []

    def _seal(self) -> None:
        if self._reading and self._entry is not None:
            self._entry.setdefault(self._key, "".join(self._parts))
        self._reading = 0

    def data(self, text: str) -> None:
        if self._reading == self._depth:
            self._parts.append(text)

    def end(self, tag: str) -> None:
        if self._reading == self._depth:
            self._seal()
        if self._depth == 2 and self._entry is not None:
            self._emit(self._entry)
            self._entry = None
        self._depth -= 1

    def close(self) -> None:
        return None


def _text(entry: dict[str, str], key: str) -> str | None:
    return clean_text(entry.get(key, "")) or None


@lru_cache(maxsize=4096)  # sitemap dates repeat (a day's articles share a day or an hour)
def _date(raw: str | None) -> datetime | None:
    return None if raw is None else parse_feed_date(clean_text(raw))


def _children(stream: XmlStream, base_url: str) -> tuple[str, ...]:
    kept: _Newest[str] = _Newest(MAX_INDEX_CHILDREN)

    def take(entry: dict[str, str]) -> None:
        url = absolute_http_url(_text(entry, "loc"), base_url)
        if url is None or _TAXONOMY.search(url):
            return
        key = kept.wants(_date(entry.get("lastmod")))
        if key is not None:
            kept.add(key, url)

    stream.parse(_EntryReader("sitemap", take))
    _log_dropped(kept, base_url, "child sitemaps")
    first: dict[str, _Key] = {}  # a child listed twice counts once, with its first date
    for key, url in kept.in_document_order():
        first.setdefault(url, key)
    return tuple(url for url, _ in sorted(first.items(), key=lambda kv: kv[1], reverse=True))


_Entry = tuple[dict[str, str], datetime | None, datetime | None]  # (entry, updated, published)


def _url_items(stream: XmlStream, base_url: str, max_items: int) -> tuple[FeedItem, ...]:
    """The FeedItems of a urlset (see the module docstring). Entries past the cap are
    weighed by date alone; only the kept ones become FeedItems."""
    kept: _Newest[_Entry] = _Newest(max_items)
    news = [False]  # any entry with a <news:news>: every item is a news_sitemap one

    def take(entry: dict[str, str]) -> None:
        is_news = _NEWS in entry
        news[0] = news[0] or is_news
        published = _date(entry.get("news/publication_date")) if is_news else None
        updated = _date(entry.get("lastmod"))
        key = kept.wants(updated or published)
        if key is not None:
            kept.add(key, (entry, updated, published))

    stream.parse(_EntryReader("url", take))
    _log_dropped(kept, base_url, "urls")
    entries = kept.newest_first() if kept.dropped else kept.in_document_order()
    kind: DiscoverKind = "news_sitemap" if news[0] else "sitemap"
    return merge_items(_url_item(*entry, base_url, kind) for _, entry in entries)


def _url_item(
    entry: dict[str, str],
    updated: datetime | None,
    published: datetime | None,
    base_url: str,
    kind: DiscoverKind,
) -> FeedItem | None:
    url = absolute_http_url(_text(entry, "loc"), base_url)
    if url is None:
        return None
    raw_title = _text(entry, "news/title") if _NEWS in entry else None
    return FeedItem(
        url=url,
        title=unescape_text(raw_title) if raw_title else None,
        published_at=published,
        updated_at=updated,
        kind=kind,
    )


def _log_dropped(kept: _Newest[T], base_url: str, what: str) -> None:
    if kept.dropped:
        logger.warning(
            "sitemap entries over the cap dropped",
            extra={"url": base_url, "what": what, "entries": kept.offered, "kept": kept.limit},
        )
