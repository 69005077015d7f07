"""Page dates for the parse stage (pure): published/updated from the most reliable markup.

In:  a Page (tree, metadata, profiles, fetch time).
Out: DateField per date — the ParsedDate or None, the raw string as found, the layer.

Order for published: article:published_time → JSON-LD datePublished → other machine meta
(pubdate, itemprop datePublished, DC dates) → selectors → CMS visible date → <time datetime>
→ a date-looking node near the title. Updated: article:modified_time → JSON-LD dateModified
→ other meta → selectors. A raw string that does not parse gives None and a warning; the
raw text is kept either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrapers.dates import ParsedDate, parse_vn_datetime
from scrapers.dom import Element, attr_text, element_text, select_first
from scrapers.fields import Page, layer_name
from scrapers.layers.metadata import jsonld_text

_PUBLISHED_META = ("article:published_time", "og:article:published_time")
_PUBLISHED_OTHER = ("pubdate", "datepublished", "publishdate", "dc.date.issued", "date")
_UPDATED_META = ("article:modified_time", "og:updated_time", "og:article:modified_time")
_UPDATED_OTHER = ("lastmod", "datemodified", "last-modified", "dc.date.modified")
_DATE_CLASS = re.compile(r"(?:date|time|publish|posted|ngay|thoigian|timepost|datetime)", re.I)
_DATE_SHAPE = re.compile(
    r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|\d{1,2}\s+tháng\s+\d{1,2}"
    r"|\d+\s*(?:giây|phút|giờ|tiếng|ngày|tuần|'|’)\s*trước|vừa xong|hôm qua",
    re.I,
)
_DATE_ATTRS = ("datetime", "content", "data-time-published", "data-date")


@dataclass(frozen=True, slots=True)
class DateField:
    parsed: ParsedDate | None
    raw: str | None
    layer: str


_NONE = DateField(None, None, "none")


def resolve_published(page: Page) -> DateField:
    for candidate in _meta_candidates(page, _PUBLISHED_META, "datePublished", _PUBLISHED_OTHER):
        if candidate.parsed is not None:
            return candidate
        _warn(page, "published_at", candidate)
    for profile in page.profiles:
        found = _from_nodes(page, select_first(page.root, profile.date), layer_name(profile))
        if found is not None:
            return found
    return _generic_published(page)


def resolve_updated(page: Page) -> DateField:
    for candidate in _meta_candidates(page, _UPDATED_META, "dateModified", _UPDATED_OTHER):
        if candidate.parsed is not None:
            return candidate
        _warn(page, "updated_at", candidate)
    for profile in page.profiles:
        if profile.name != "selectors":
            continue
        found = _from_nodes(page, select_first(page.root, profile.updated), layer_name(profile))
        if found is not None:
            return found
    return _NONE


def _meta_candidates(
    page: Page, meta_names: tuple[str, ...], jsonld_key: str, other: tuple[str, ...]
) -> list[DateField]:
    found: list[DateField] = []
    og = page.meta.first(*meta_names)
    if og:
        found.append(DateField(_parse(page, og), og, "meta"))
    ld = jsonld_text(page.meta.article.get(jsonld_key))
    if ld:
        found.append(DateField(_parse(page, ld), ld, "jsonld"))
    rest = page.meta.first(*other)
    if rest:
        found.append(DateField(_parse(page, rest), rest, "meta"))
    return found


def _parse(page: Page, raw: str) -> ParsedDate | None:
    whole = parse_vn_datetime(raw, now=page.fetched_at, reference=page.fetched_at)
    if whole is not None:
        return whole
    for piece in re.split(r"\s*[|\n]\s*|\s{2,}", raw):
        if piece and piece != raw:
            parsed = parse_vn_datetime(piece, now=page.fetched_at)
            if parsed is not None and parsed.precision != "day":
                return parsed
    return _date_then_time(page, raw)


def _date_then_time(page: Page, raw: str) -> ParsedDate | None:
    """Strip trailing words after the last clock time or date ("… | Lượt xem: 120")."""
    m = re.search(r"^.*?(?:\d{1,2}:\d{2}(?::\d{2})?|\d{1,2}/\d{1,2}/\d{4})", raw)
    if m is None or m.group(0) == raw:
        return None
    return parse_vn_datetime(m.group(0), now=page.fetched_at)


def _from_nodes(page: Page, nodes: list[Element], layer: str) -> DateField | None:
    for node in nodes[:3]:
        for name in _DATE_ATTRS:
            value = attr_text(node, name)
            parsed = _parse(page, value) if value else None
            if parsed is not None:
                return DateField(parsed, value, layer)
        text = element_text(node, sep=" ")
        if text:
            parsed = _parse(page, text)
            field = DateField(parsed, text, layer)
            if parsed is not None:
                return field
            _warn(page, "published_at", field)
    return None


def _generic_published(page: Page) -> DateField:
    """A date-looking node, the one nearest after the title (sidebars list other dates)."""
    times = [t for t in page.root.iter("time") if t.get("datetime")]
    found = _from_nodes(page, times[:1], "generic")
    if found is not None:
        return found
    title_at = 0
    best: tuple[tuple[int, int, int], DateField] | None = None
    for index, el in enumerate(page.root.iter()):
        if el.tag == "h1" and not title_at:
            title_at = index
        candidate = _date_node(page, el)
        if candidate is None:
            continue
        before = 1 if index < title_at or not title_at else 0
        coarse = 1 if candidate.parsed is None or candidate.parsed.precision == "day" else 0
        rank = (before, coarse, abs(index - title_at))
        if best is None or rank < best[0]:
            best = (rank, candidate)
    return best[1] if best is not None else _NONE


def _date_node(page: Page, el: Element) -> DateField | None:
    if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "body", "html"):
        return None
    tokens = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not _DATE_CLASS.search(tokens):
        return None
    text = element_text(el, sep=" ")
    if not 5 <= len(text) <= 80 or not _DATE_SHAPE.search(text):
        return None
    parsed = _parse(page, text)
    return DateField(parsed, text, "generic") if parsed is not None else None


def _warn(page: Page, name: str, found: DateField) -> None:
    message = f"{name}: unparseable date {found.raw!r} ({found.layer})"
    if found.raw and message not in page.warnings:
        page.warnings.append(message)
