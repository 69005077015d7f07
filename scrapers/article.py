"""Article parsing stage entry point (pure): HTML + URL → ArticleRecord.

In:  the page (str already decoded, or bytes: decoded by scrapers.encoding when present,
     else UTF-8), its URL, optionally the source's CSS selectors (keys documented in
     scrapers.layers.cms) and the fetch time (base for relative dates and year inference).
Out: ArticleRecord with each field taken from the best layer — selectors → CMS family →
     JSON-LD → OpenGraph/meta → generic — and the layer recorded in `extraction`.
Raises ArticleParseError when the page has no title or no body text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from scrapers.body import BodyResult
from scrapers.dom import load_tree
from scrapers.errors import ArticleParseError
from scrapers.fields import (
    Page,
    resolve_authors,
    resolve_body,
    resolve_lead,
    resolve_section,
    resolve_tags,
    resolve_title,
)
from scrapers.layers.cms import Profile, detect_family, profile_from_selectors
from scrapers.layers.metadata import read_metadata
from scrapers.leads import strip_outlet_marker
from scrapers.pagedates import DateField, resolve_published, resolve_updated
from scrapers.records import ArticleRecord
from scrapers.text import fold_key
from scrapers.version import PARSER_VERSION

__all__ = ["PARSER_VERSION", "parse_article"]


def parse_article(
    html: str | bytes,
    url: str,
    *,
    selectors: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
) -> ArticleRecord:
    """Parse one article page; see the module docstring for the layer order."""
    root = load_tree(html)
    page = Page(root=root, url=url, meta=read_metadata(root, url), profiles=[])
    page.fetched_at = fetched_at
    page.profiles = _profiles(page, selectors)
    extraction: dict[str, str] = {}

    title, extraction["title"] = resolve_title(page)
    if not title:
        raise ArticleParseError(f"no title: {url}")
    lead, extraction["lead"] = resolve_lead(page)
    body, extraction["paragraphs"] = resolve_body(page, exclude=(title, lead or ""))
    if body is None or not body.paragraphs:
        raise ArticleParseError(f"no body text: {url}")
    paragraphs, lead = _settle_lead(body, lead, extraction)
    extraction["captions"] = extraction["paragraphs"] if body.captions else "none"
    return ArticleRecord(
        url=url,
        canonical_url=page.meta.canonical or url,
        title=title,
        lead=lead,
        paragraphs=paragraphs,
        captions=body.captions,
        language=page.meta.language or "vi",
        credits=(body.byline.credit,) if body.byline and body.byline.credit else (),
        **_described_fields(page, body, extraction),
        extraction={k: v for k, v in extraction.items() if v != "none"},
        warnings=tuple(page.warnings),
    )


def _described_fields(page: Page, body: BodyResult, extraction: dict[str, str]) -> dict[str, Any]:
    """Authors, section, tags and dates, each with its layer recorded in `extraction`."""
    authors, extraction["authors"] = resolve_authors(page, body)
    sections, extraction["section"] = resolve_section(page)
    tags, extraction["tags"] = resolve_tags(page)
    published = resolve_published(page)
    updated = resolve_updated(page)
    extraction["published_at"], extraction["updated_at"] = published.layer, updated.layer
    _check_dates(page, published, updated)
    return {
        "authors": authors,
        "section": sections[0] if sections else None,
        "sections": sections,
        "tags": tags,
        "published_at": published.parsed.value if published.parsed else None,
        "updated_at": updated.parsed.value if updated.parsed else None,
        "published_raw": published.raw,
        "updated_raw": updated.raw,
    }


def _profiles(page: Page, selectors: Mapping[str, str] | None) -> list[Profile]:
    profiles: list[Profile] = []
    if selectors:
        profiles.append(profile_from_selectors(selectors))
    family = detect_family(page.root)
    if family is not None:
        profiles.append(family)
    return profiles


def _settle_lead(
    body: BodyResult, lead: str | None, extraction: dict[str, str]
) -> tuple[tuple[str, ...], str | None]:
    """When a meta description only repeats the first paragraph, that paragraph is the lead;
    an intro printed above the generic container is the lead rather than a description."""
    paragraphs = body.paragraphs
    if body.intro is not None and extraction["lead"] in ("meta", "jsonld", "none"):
        extraction["lead"] = extraction["paragraphs"]
        return paragraphs, strip_outlet_marker(body.intro)
    if lead is None and body.lead_candidate is not None:
        extraction["lead"] = extraction["paragraphs"]
        return paragraphs[1:], strip_outlet_marker(body.lead_candidate)
    if lead is None or extraction["lead"] not in ("meta", "jsonld"):
        return paragraphs, lead
    if extraction["paragraphs"] == "generic":
        return paragraphs, lead  # a description repeating the text: the text stays whole
    first = fold_key(paragraphs[0]) if paragraphs else ""
    key = fold_key(lead).rstrip(". ")
    if key and first.startswith(key.rstrip(".")) and len(paragraphs) > 1:
        return paragraphs[1:], paragraphs[0]
    return paragraphs, lead


def _check_dates(page: Page, published: DateField, updated: DateField) -> None:
    if published.parsed is None and published.raw is None:
        page.warnings.append("published_at: no date found")
    if published.parsed is None or page.fetched_at is None:
        return
    fetched = page.fetched_at
    if fetched.tzinfo is None:
        fetched = fetched.replace(tzinfo=published.parsed.value.tzinfo)
    if published.parsed.value - fetched > timedelta(days=1):
        page.warnings.append("published_at: later than fetch time")
    if updated.parsed is not None and updated.parsed.value < published.parsed.value:
        page.warnings.append("updated_at: earlier than published_at")
