"""Discovery stage: an HTML listing (category) page → DiscoveryResult.

In: the decoded page text, its URL, and the source's CSS selectors (links of articles, and
optionally the "next page" link). Out: FeedItems (absolute http(s) URL, fragment dropped,
de-duplicated in page order, title from the link text) and `next_pages`.

Without an item selector a heuristic picks the listing's article links: same site, a path
that looks like an article (numeric id, "-post123", "-i123", "_123.html", ".../slug-123/
index.htm", or a long slug with a headline-like anchor), outside nav/header/footer/aside
and menu-like blocks, never tag/author/category/search pages. At most MAX_LISTING_LINKS
article links are taken from one page, in page order.
"""

from __future__ import annotations

import re
from itertools import islice
from urllib.parse import urlsplit

import lxml.html  # type: ignore[import-untyped, unused-ignore]
from cssselect import SelectorError
from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from scrapers.discover_links import absolute_http_url, merge_items
from scrapers.encoding import xml_safe
from scrapers.errors import FeedError
from scrapers.records import DiscoveryResult, FeedItem
from scrapers.text import clean_text
from scrapers.urls import fold_host

DEFAULT_NEXT_SELECTOR = "a[rel~=next], link[rel~=next], a.next, li.next > a, .pagination a.next"
_MAX_PAGES = 20
# A listing shows tens to hundreds of articles (the corpus listings: under 200 links); a
# hostile page with 200k costs their FeedItems, so only the first ones count.
MAX_LISTING_LINKS = 5_000
_MIN_ID_LINKS = 5  # this many id-style article links: the site uses ids, slugs are topics
_CHROME_TAGS = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript")
_CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(?:menu|nav|navbar|navigation|breadcrumbs?|footer|header|topbar|"
    r"sidebar|social|share|login|copyright)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Article ids: "-5047363.html", "-post874715.html", "-i717585/", "_177907.html",
# "-s14-t34656.html", "-20260307080054340.htm", Nghệ An's ".../slug-1234/index.htm".
_ID_PATH = re.compile(
    r"(?:[-_](?:post|i|t|p|n|a)?\d{4,}|/\d{6,})(?:\.[a-z]{2,5})?/?$|-\d{4,}/index\.html?$",
    re.IGNORECASE,
)
_SLUG_PATH = re.compile(r"/[a-z0-9]+(?:-[a-z0-9]+){4,}(?:\.html?|\.antd|/)?$", re.IGNORECASE)
_NOT_ARTICLE_SEGMENTS = frozenset(
    {
        "tag", "tags", "tac-gia", "author", "authors", "chu-de", "topic", "topics",
        "category", "categories", "danh-muc", "search", "tim-kiem", "su-kien", "event",
        "events", "timeline", "login", "dang-nhap", "dang-ky", "lien-he", "contact",
    }
)  # fmt: skip


def parse_listing(
    html: str, base_url: str, *, item_selector: str | None, next_selector: str | None = None
) -> DiscoveryResult:
    """Article links and pagination of one listing page (see the module docstring)."""
    root = _parse(html)
    next_pages = _next_pages(root, base_url, next_selector or DEFAULT_NEXT_SELECTOR)
    if item_selector:
        pairs = _selected_links(root, item_selector)
    else:
        pairs = _heuristic_links(root, base_url)
    items = (_item(href, title, base_url) for href, title in pairs)
    return DiscoveryResult(items=merge_items(items), next_pages=next_pages)


def _parse(html: str) -> etree._Element:
    if not html or not html.strip():
        raise FeedError("empty listing page")
    try:
        return lxml.html.document_fromstring(xml_safe(html))
    except (etree.ParserError, ValueError) as exc:
        raise FeedError(f"unreadable listing page: {exc}") from exc


def _select(root: etree._Element, selector: str) -> list[etree._Element]:
    try:
        return list(root.cssselect(selector))
    except SelectorError as exc:
        raise FeedError(f"invalid CSS selector {selector!r}: {exc}") from exc


def _link_title(anchor: etree._Element) -> str | None:
    text = clean_text(anchor.text_content())
    return text or clean_text(anchor.get("title") or "") or None


def _selected_links(root: etree._Element, selector: str) -> list[tuple[str, str | None]]:
    """Selected <a> elements, or the links inside selected containers."""
    pairs: list[tuple[str, str | None]] = []
    for element in _select(root, selector):
        anchors = [element] if element.tag == "a" else element.iterfind(".//a[@href]")
        room = MAX_LISTING_LINKS - len(pairs)
        pairs.extend((a.get("href", ""), _link_title(a)) for a in islice(anchors, room))
        if len(pairs) >= MAX_LISTING_LINKS:
            break
    return pairs


def _item(href: str, title: str | None, base_url: str) -> FeedItem | None:
    url = absolute_http_url(href, base_url)
    return None if url is None else FeedItem(url=url, title=title, kind="html_list")


def _next_pages(root: etree._Element, base_url: str, selector: str) -> tuple[str, ...]:
    found: list[str] = []
    for element in _select(root, selector):
        url = absolute_http_url(element.get("href"), base_url)
        if url and url != absolute_http_url(base_url, base_url) and url not in found:
            found.append(url)
    return tuple(found[:_MAX_PAGES])


def _is_chrome(element: etree._Element) -> bool:
    if element.tag in _CHROME_TAGS or element.get("role") in ("navigation", "banner"):
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(_CHROME_CLASS.search(marks))


def _strip_chrome(root: etree._Element) -> None:
    body = root.find("body")
    top = body if body is not None else root
    chrome = [e for e in top.iter(tag=etree.Element) if _is_chrome(e)]  # few: not every element
    for element in chrome:
        if element.getparent() is not None:
            element.drop_tree()


def _path_kind(url: str, site: str, listing: str) -> str | None:
    """ "id" for an article URL with an id, "slug" for a long-slug URL, else None."""
    parts = urlsplit(url)
    if fold_host(parts.hostname or "") != site or url == listing:
        return None
    segments = [s.lower() for s in parts.path.split("/") if s]
    if not segments or any(s in _NOT_ARTICLE_SEGMENTS for s in segments):
        return None
    if _ID_PATH.search(parts.path):
        return "id"
    return "slug" if _SLUG_PATH.search(parts.path) else None


def _heuristic_links(root: etree._Element, base_url: str) -> list[tuple[str, str | None]]:
    """Article-looking same-site links of the page's content, each kept only if at least
    one of its anchors reads like a headline (image links borrow that headline). Long-slug
    URLs count only on sites whose listing shows (almost) no id-style article URLs: where
    ids exist, id-less slugs are topic and event pages."""
    _strip_chrome(root)
    site = fold_host(urlsplit(base_url).hostname or "")
    listing = absolute_http_url(base_url, base_url) or base_url
    found: list[tuple[str, str | None, str]] = []
    for anchor in root.iterfind(".//a[@href]"):
        url = absolute_http_url(anchor.get("href"), base_url)
        kind = _path_kind(url, site, listing) if url else None
        if url and kind:
            found.append((url, _link_title(anchor), kind))
            if len(found) >= MAX_LISTING_LINKS:
                break
    id_urls = {url for url, _, kind in found if kind == "id"}
    allowed = {"id"} if len(id_urls) >= _MIN_ID_LINKS else {"id", "slug"}
    headlined = {u for u, title, kind in found if kind in allowed and _headline(title, kind)}
    return [(u, t if _headline(t, "id") else None) for u, t, _ in found if u in headlined]


def _headline(text: str | None, kind: str) -> bool:
    """Headline-like anchor text; slug-only URLs need a longer one (menus are short)."""
    if text is None or len(text) < 15:
        return False
    return len(text.split()) >= (3 if kind == "id" else 5)
