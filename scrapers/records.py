"""Stage contracts shared by discovery, parsing and the worker.

Frozen, slotted dataclasses: discovery yields FeedItem, parsing yields ArticleRecord.
Datetimes are timezone-aware (Asia/Ho_Chi_Minh unless the source says otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

DiscoverKind = Literal["rss", "atom", "html_list", "sitemap", "news_sitemap", "json_api"]


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One article link found by discovery. GUID and dates are hints, never identity."""

    url: str
    title: str | None = None
    summary: str | None = None
    guid: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    kind: DiscoverKind = "rss"


@dataclass(frozen=True, slots=True)
class DiscoveryResult:
    """Items found in one discovery document plus documents it points to."""

    items: tuple[FeedItem, ...]
    next_pages: tuple[str, ...] = ()  # listing pagination or child sitemaps


@dataclass(frozen=True, slots=True)
class Caption:
    text: str
    image_url: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """A parsed article page. Field names are the public record names."""

    url: str
    canonical_url: str
    title: str
    lead: str | None
    paragraphs: tuple[str, ...]
    captions: tuple[Caption, ...] = ()
    authors: tuple[str, ...] = ()
    section: str | None = None
    tags: tuple[str, ...] = ()
    published_at: datetime | None = None
    updated_at: datetime | None = None
    published_raw: str | None = None
    updated_raw: str | None = None
    language: str = "vi"
    # field name -> layer it came from: "selectors" | "cms:<family>" | "jsonld" | "meta" | "generic"
    extraction: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    # Breadcrumb path, top level first; `section` is its first element.
    sections: tuple[str, ...] = ()
    # Source credits printed with the text ("Theo CAND" → "CAND"); never authors.
    credits: tuple[str, ...] = ()
    # Police-affairs structure (scrapers.police.structure), serialized under "police";
    # None until the structuring step has run.
    police: Mapping[str, Any] | None = None
