"""Record serialization for the parse stage's output (pure).

In:  ArticleRecord (or the dict form of one).
Out: a JSON-ready dict with the public field names shared by `newsworker parse`, exports
     and the API: url, canonical_url, title, lead, paragraphs, captions [{text, image_url}],
     authors, section, sections, tags, credits, published_at / updated_at (ISO 8601 with
     offset, or null), published_raw, updated_raw, language, extraction, warnings.
record_from_dict(record_to_dict(r)) == r.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapers.records import ArticleRecord, Caption


def record_to_dict(record: ArticleRecord) -> dict[str, Any]:
    data = _fields(record)
    if record.police is not None:
        data["police"] = dict(record.police)
    return data


def _fields(record: ArticleRecord) -> dict[str, Any]:
    return {
        "url": record.url,
        "canonical_url": record.canonical_url,
        "title": record.title,
        "lead": record.lead,
        "paragraphs": list(record.paragraphs),
        "captions": [{"text": c.text, "image_url": c.image_url} for c in record.captions],
        "authors": list(record.authors),
        "section": record.section,
        "sections": list(record.sections),
        "tags": list(record.tags),
        "credits": list(record.credits),
        "published_at": _iso(record.published_at),
        "updated_at": _iso(record.updated_at),
        "published_raw": record.published_raw,
        "updated_raw": record.updated_raw,
        "language": record.language,
        "extraction": dict(record.extraction),
        "warnings": list(record.warnings),
    }


def record_from_dict(data: dict[str, Any]) -> ArticleRecord:
    """Inverse of record_to_dict; missing optional keys take the record defaults."""
    return ArticleRecord(
        url=data["url"],
        canonical_url=data.get("canonical_url") or data["url"],
        title=data["title"],
        lead=data.get("lead"),
        paragraphs=tuple(data.get("paragraphs") or ()),
        captions=tuple(
            Caption(text=c["text"], image_url=c.get("image_url"))
            for c in data.get("captions") or ()
        ),
        authors=tuple(data.get("authors") or ()),
        section=data.get("section"),
        sections=tuple(data.get("sections") or ()),
        tags=tuple(data.get("tags") or ()),
        credits=tuple(data.get("credits") or ()),
        published_at=_from_iso(data.get("published_at")),
        updated_at=_from_iso(data.get("updated_at")),
        published_raw=data.get("published_raw"),
        updated_raw=data.get("updated_raw"),
        language=data.get("language") or "vi",
        extraction=dict(data.get("extraction") or {}),
        warnings=tuple(data.get("warnings") or ()),
        police=data.get("police"),
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
