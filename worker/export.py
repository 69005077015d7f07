"""Export stage: stored records → JSON lines or CSV, streamed (constant memory)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from worker.db.models import Article

CSV_FIELDS = (
    "id", "source", "status", "revision", "url", "canonical_url", "title", "lead",
    "published_at", "updated_at", "authors", "section", "tags", "text",
)  # fmt: skip


def export_rows(
    session: Session, *, since: datetime | None = None, sources: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Each stored article as its public record plus storage fields, oldest first."""
    stmt = select(Article).order_by(Article.id).execution_options(yield_per=500)
    if since is not None:
        stmt = stmt.where(Article.updated_at >= since)
    if sources:
        stmt = stmt.where(Article.source_key.in_(sources))
    for article in session.scalars(stmt):
        row = dict(article.record)
        row.update(
            id=article.id,
            source=article.source_key,
            status=article.status,
            revision=article.revision,
            content_hash=article.content_hash,
            parser_version=article.parser_version,
            first_seen_at=article.first_seen_at.isoformat(),
            fetched_at=article.fetched_at.isoformat(),
        )
        yield row


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _csv_value(row: dict[str, Any], name: str) -> str:
    if name == "text":
        return "\n\n".join(row.get("paragraphs") or [])
    value = row.get(name)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    count = 0
    for row in rows:
        writer.writerow([_csv_value(row, name) for name in CSV_FIELDS])
        count += 1
    return count
