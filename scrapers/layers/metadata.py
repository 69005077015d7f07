"""Metadata layer of the parse stage (pure): JSON-LD, OpenGraph, article:* and other <meta>.

In:  the page tree and its URL.
Out: PageMeta — the article object from JSON-LD (NewsArticle and kin), breadcrumbs, and
     the <meta> values by lower-cased name/property/itemprop, each text cleaned and
     entity-decoded (tuoitre's JSON-LD carries "NH&#7852;T XUÂN" and double escapes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from scrapers.dom import Element, absolute, unescape_twice
from scrapers.text import clean_text

_ARTICLE_TYPES = frozenset(
    {"newsarticle", "article", "reportagenews", "blogposting", "analysisnewsarticle",
     "opinionnewsarticle", "backgroundnewsarticle", "report", "webpage"}
)  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(slots=True)
class PageMeta:
    """What the page says about itself in markup meant for machines."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    article: dict[str, Any] = field(default_factory=dict)
    breadcrumbs: list[str] = field(default_factory=list)
    canonical: str | None = None
    language: str | None = None

    def first(self, *names: str) -> str | None:
        for name in names:
            for value in self.meta.get(name, []):
                if value:
                    return value
        return None


def read_metadata(root: Element, url: str) -> PageMeta:
    page = PageMeta()
    for el in root.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop")
        value = el.get("content")
        if value is None:
            value = el.get("value")
        if key and value is not None:
            text = _meta_text(value) if len(value) <= _MEMO_CHARS else _clean_meta(value)
            page.meta.setdefault(key.strip().lower(), []).append(text)
    for obj in _jsonld_objects(root):
        _absorb_jsonld(page, obj)
    page.canonical = _canonical(root, url)
    page.language = _language(root, page)
    return page


def _clean_meta(value: str) -> str:
    """A <meta> value entity-decoded and cleaned."""
    return clean_text(unescape_twice(value))


# Most of a site's <meta> tags (viewport, app ids, robots, site name, publisher) repeat on
# each of its pages: values up to 1,000 characters are remembered.
_MEMO_CHARS = 1000
_meta_text = lru_cache(maxsize=2048)(_clean_meta)


def _jsonld_objects(root: Element) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = _loads(script.text or "")
        yield from _walk(data)


def _loads(text: str) -> Any:
    text = _CONTROL.sub(" ", text.strip())
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        return None


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: lists, @graph and nested lists flattened."""
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk(data["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).lower() for v in values if v}


def _absorb_jsonld(page: PageMeta, obj: dict[str, Any]) -> None:
    types = _types(obj)
    if "breadcrumblist" in types and not page.breadcrumbs:
        page.breadcrumbs = _breadcrumb_names(obj.get("itemListElement"))
    elif types & _ARTICLE_TYPES:
        # A NewsArticle beats a WebPage; the first of each kind wins.
        current = _types(page.article) if page.article else set()
        if not page.article or (current == {"webpage"} and types != {"webpage"}):
            page.article = obj


def _breadcrumb_names(items: Any) -> list[str]:
    names: list[tuple[int, str]] = []
    flat = list(_walk(items)) if items is not None else []
    for index, item in enumerate(flat):
        inner = item.get("item")
        name = item.get("name") or (inner.get("name") if isinstance(inner, dict) else None)
        position = item.get("position", index + 1)
        if isinstance(name, str) and clean_text(name):
            order = position if isinstance(position, int) else index + 1
            names.append((order, clean_text(unescape_twice(name))))
    names.sort(key=lambda pair: pair[0])
    return [name for _, name in names]


def _canonical(root: Element, url: str) -> str | None:
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels:
            return absolute(link.get("href"), url)
    return None


def _language(root: Element, page: PageMeta) -> str | None:
    raw = root.get("lang") or root.get("xml:lang") or page.first("content-language", "language")
    if not raw:
        return None
    primary = raw.strip().replace("_", "-").split("-")[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def jsonld_text(value: Any) -> str | None:
    """A JSON-LD string value, entity-decoded and cleaned; None for non-strings."""
    if isinstance(value, str):
        cleaned = clean_text(unescape_twice(value))
        return cleaned or None
    return None


def jsonld_people(value: Any) -> list[str]:
    """Names of Person authors (Organizations are not authors)."""
    people: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            people.append(clean_text(unescape_twice(item)))
        elif isinstance(item, dict) and "organization" not in _types(item):
            name = jsonld_text(item.get("name"))
            if name:
                people.append(name)
    return [p for p in people if p]
