"""Export stage: stored records → JSON lines, CSV or Parquet, streamed (constant memory).

Rows are the public record plus storage fields, the shape `schema/record.schema.json`
describes (its `$id` is RECORD_SCHEMA_ID). Filters are the read API's (worker.query);
rows come oldest id first through a server-side cursor (yield_per), so memory does not
grow with the number of records.

CSV is opened in spreadsheets, so a text cell that a spreadsheet would read as a formula
(first character `= + - @`, tab or carriage return; OWASP "CSV injection") gets a leading
`'`. Only text taken from pages is touched; numbers we write ourselves (id, revision,
story_id, case_id) are not. JSON lines and Parquet keep every value as stored.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy.orm import Session

from worker.db.models import Article
from worker.query import ArticleQuery, filtered_select

RECORD_SCHEMA_ID = "urn:newsworker:schema:record:1.0.0"
FETCH_BATCH = 500
STORAGE_FIELDS = (
    "id", "source", "status", "revision", "content_hash", "parser_version",
    "first_seen_at", "fetched_at", "story_id", "case_id",
)  # fmt: skip
# CSV is the flat spreadsheet view: lists joined with "; ", the body as one `text` cell,
# from the police structure only genre and topic slugs. JSON lines and Parquet are complete.
CSV_FIELDS = (
    "id", "source", "status", "revision", "url", "canonical_url", "title", "lead",
    "published_at", "updated_at", "authors", "section", "tags", "text",
    "first_seen_at", "fetched_at", "story_id", "case_id", "genre", "topics",
)  # fmt: skip


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """`text` as a spreadsheet shows it as text: a formula-starting cell gets a leading '."""
    return "'" + text if text.startswith(FORMULA_START) else text


# The columns an export row needs (not search_text and other index data): plain tuples
# through the cursor, no ORM objects.
EXPORT_COLUMNS = (
    Article.record, Article.id, Article.source_key, Article.status, Article.revision,
    Article.content_hash, Article.parser_version, Article.first_seen_at, Article.fetched_at,
    Article.story_id, Article.case_id,
)  # fmt: skip


def export_row(record: dict[str, Any], *storage: Any) -> dict[str, Any]:
    """One export row: the record's fields, then the storage fields (EXPORT_COLUMNS order)."""
    row = dict(record)
    row.update(zip(STORAGE_FIELDS, storage, strict=True))
    row["first_seen_at"] = row["first_seen_at"].isoformat()
    row["fetched_at"] = row["fetched_at"].isoformat()
    return row


def export_rows(
    session: Session,
    query: ArticleQuery | None = None,
    *,
    changed_since: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Each matching stored article as an export row, oldest id first."""
    dialect = session.get_bind().dialect.name
    stmt = filtered_select(query or ArticleQuery(), dialect).with_only_columns(*EXPORT_COLUMNS)
    if changed_since is not None:
        stmt = stmt.where(Article.updated_at >= changed_since)
    stmt = stmt.order_by(Article.id).execution_options(yield_per=FETCH_BATCH)
    for values in session.execute(stmt):
        yield export_row(*values)


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def csv_value(row: dict[str, Any], name: str) -> str:
    """The CSV cell of one field (also what a CSV round trip compares against)."""
    value = row.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # our own numbers (ids, counts): never a formula, never prefixed
    return csv_safe(_csv_text(row, name))


def _csv_text(row: dict[str, Any], name: str) -> str:
    police = row.get("police") or {}
    if name == "text":
        return "\n\n".join(row.get("paragraphs") or [])
    if name == "genre":
        return str(police.get("genre") or "")
    if name == "topics":
        return "; ".join(str(t.get("topic")) for t in police.get("topics") or [])
    value = row.get(name)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    count = 0
    for row in rows:
        writer.writerow([csv_value(row, name) for name in CSV_FIELDS])
        count += 1
    return count
