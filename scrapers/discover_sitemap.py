"""Discovery stage: XML sitemaps → DiscoveryResult.

In: the sitemap body (plain or gzip-compressed, detected by magic bytes) and its URL.
Out: for a <sitemapindex>, the child sitemaps as `next_pages` (newest <lastmod> first,
taxonomy sitemaps such as categories/topics/tags left out); for a <urlset>, one FeedItem
per <loc> with <lastmod> as updated_at, and for Google News sitemaps news:title as title
and news:publication_date as published_at. Malformed or non-sitemap bodies → FeedError.

lxml runs with entity resolution, network access and huge trees disabled, after the
DOCTYPE subset / <!ENTITY> stripping shared with the feed parser.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from scrapers.discover_links import absolute_http_url, merge_items, unescape_text
from scrapers.errors import FeedError
from scrapers.feeddates import parse_feed_date
from scrapers.records import DiscoverKind, DiscoveryResult, FeedItem
from scrapers.text import clean_text
from scrapers.xmlsafety import GZIP_MAGIC, gunzip_capped, looks_like_html, strip_dtd

logger = logging.getLogger(__name__)

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file
_TAXONOMY = re.compile(r"(?:categor|topic|tag|author|tac-gia|chu-de|video)[^/]*\.xml", re.I)
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def parse_sitemap(body: bytes, base_url: str) -> DiscoveryResult:
    """Parse a sitemap index, urlset or Google News sitemap (see the module docstring)."""
    root = _parse_xml(_inflate(body))
    name = etree.QName(root).localname
    if name == "sitemapindex":
        return DiscoveryResult(items=(), next_pages=_children(root, base_url))
    if name == "urlset":
        return DiscoveryResult(items=merge_items(_url_items(root, base_url)))
    raise FeedError(f"not a sitemap: root element <{name}>")


def _inflate(body: bytes) -> bytes:
    if not body.startswith(GZIP_MAGIC):
        return body
    try:
        return gunzip_capped(body, MAX_SITEMAP_BYTES)
    except ValueError as exc:
        raise FeedError(f"sitemap: {exc}") from exc


def _parse_xml(body: bytes) -> etree._Element:
    if not body.strip():
        raise FeedError("empty sitemap body")
    if looks_like_html(body):
        raise FeedError("HTML served as a sitemap")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, recover=False
    )
    try:
        root = etree.fromstring(strip_dtd(body), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"malformed sitemap XML: {exc}") from exc
    if root is None:
        raise FeedError("malformed sitemap XML: no root element")
    return root


def _local_children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _text(element: etree._Element, name: str) -> str | None:
    found = _local_children(element, name)
    text = clean_text(found[0].text or "") if found else ""
    return text or None


def _children(root: etree._Element, base_url: str) -> tuple[str, ...]:
    dated: list[tuple[datetime, str]] = []
    undated: list[str] = []
    seen: set[str] = set()
    for node in _local_children(root, "sitemap"):
        url = absolute_http_url(_text(node, "loc"), base_url)
        if url is None or url in seen or _TAXONOMY.search(url):
            continue
        seen.add(url)
        when = parse_feed_date(_text(node, "lastmod"))
        if when is None:
            undated.append(url)
        else:
            dated.append((when, url))
    dated.sort(key=lambda pair: pair[0], reverse=True)  # stable: ties keep file order
    return tuple([url for _, url in dated] + undated)


def _url_items(root: etree._Element, base_url: str) -> list[FeedItem | None]:
    nodes = _local_children(root, "url")
    is_news = any(c.tag == f"{{{_NEWS_NS}}}news" for n in nodes for c in n)
    kind: DiscoverKind = "news_sitemap" if is_news else "sitemap"
    return [_url_item(node, base_url, kind) for node in nodes]


def _url_item(node: etree._Element, base_url: str, kind: DiscoverKind) -> FeedItem | None:
    url = absolute_http_url(_text(node, "loc"), base_url)
    if url is None:
        return None
    news = node.find(f"{{{_NEWS_NS}}}news")
    title = published = None
    if news is not None:
        raw_title = _text(news, "title")
        title = unescape_text(raw_title) if raw_title else None
        published = parse_feed_date(_text(news, "publication_date"))
    return FeedItem(
        url=url,
        title=title,
        published_at=published,
        updated_at=parse_feed_date(_text(node, "lastmod")),
        kind=kind,
    )
