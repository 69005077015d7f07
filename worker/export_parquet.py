"""Parquet export: export rows → one Parquet file written a row group at a time.

Column types (the same fields as schema/record.schema.json, nothing as a JSON string):
- scalars as strings / int64 / float64 / bool; `published_at`, `updated_at`,
  `first_seen_at`, `fetched_at` as timestamp[us, UTC] (the offset as written is in
  `published_raw` / `updated_raw`);
- `paragraphs`, `authors`, `sections`, `tags`, `credits`, `warnings`: list<string>;
  `captions`: list<struct<text, image_url>>; `extraction`: map<string, string>;
- `police`: a struct whose parts are typed from the structuring dataclasses
  (scrapers.police.model, model_events): persons/units/places/crimes/legal_actions/
  figures/event_times as list<struct>, `wanted`, `scam`, `case` as nullable structs,
  spans as list<int64>; null for records not yet structured.
The file's key-value metadata names the record schema (`newsworker.record_schema`).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from scrapers.police.model import PersonMention, PlaceMention, UnitMention
from scrapers.police.model_events import (
    CaseFeatures,
    CrimeMention,
    EventTime,
    Figure,
    LegalAction,
    ScamWarning,
    WantedNotice,
)
from worker.export import RECORD_SCHEMA_ID

ROW_GROUP_ROWS = 2000
CONVERT_ROWS = 200
TIMESTAMP = pa.timestamp("us", tz="UTC")
TIME_FIELDS = ("published_at", "updated_at", "first_seen_at", "fetched_at")
STRING_LISTS = ("paragraphs", "authors", "sections", "tags", "credits", "warnings")
_SCALARS: dict[Any, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
}


def arrow_type(hint: Any) -> pa.DataType:
    """A structuring dataclass field's type hint → its Arrow type (all fields nullable)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint in _SCALARS:
        return _SCALARS[hint]
    if origin is Literal:
        return pa.string()
    if origin in (types.UnionType, typing.Union):
        (inner,) = [a for a in args if a is not type(None)]
        return arrow_type(inner)
    if origin is tuple:
        return pa.list_(arrow_type(args[0]))
    if dataclasses.is_dataclass(hint):
        return struct_of(hint)
    raise TypeError(f"no Arrow type for {hint!r}")


def struct_of(cls: Any) -> pa.StructType:
    hints = typing.get_type_hints(cls)
    return pa.struct([(f.name, arrow_type(hints[f.name])) for f in dataclasses.fields(cls)])


def police_type() -> pa.StructType:
    listed = {
        "persons": PersonMention, "units": UnitMention, "places": PlaceMention,
        "crimes": CrimeMention, "legal_actions": LegalAction, "figures": Figure,
        "event_times": EventTime,
    }  # fmt: skip
    topic = pa.struct([("topic", pa.string()), ("confidence", pa.float64())])
    return pa.struct(
        [
            ("version", pa.string()),
            ("relevance", pa.float64()),
            ("is_police_affairs", pa.bool_()),
            ("genre", pa.string()),
            ("genre_confidence", pa.float64()),
            ("topics", pa.list_(topic)),
            *((name, pa.list_(struct_of(cls))) for name, cls in listed.items()),
            ("wanted", struct_of(WantedNotice)),
            ("scam", struct_of(ScamWarning)),
            ("case", struct_of(CaseFeatures)),
            ("truncated_at", pa.int64()),  # set only when structuring read a prefix
        ]
    )


def arrow_schema() -> pa.Schema:
    caption = pa.struct([("text", pa.string()), ("image_url", pa.string())])
    text = ("url", "canonical_url", "title", "lead", "section", "published_raw", "updated_raw")
    fields: list[tuple[str, pa.DataType]] = [
        ("id", pa.int64()), ("source", pa.string()), ("status", pa.string()),
        ("revision", pa.int64()), ("content_hash", pa.string()), ("parser_version", pa.string()),
        ("first_seen_at", TIMESTAMP), ("fetched_at", TIMESTAMP),
        ("story_id", pa.int64()), ("case_id", pa.int64()),
        *((name, pa.string()) for name in text),
        *((name, pa.list_(pa.string())) for name in STRING_LISTS),
        ("captions", pa.list_(caption)), ("published_at", TIMESTAMP), ("updated_at", TIMESTAMP),
        ("language", pa.string()), ("extraction", pa.map_(pa.string(), pa.string())),
        ("police", police_type()),
    ]  # fmt: skip
    return pa.schema(fields, metadata={"newsworker.record_schema": RECORD_SCHEMA_ID})


def _to_arrow_row(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for name in TIME_FIELDS:
        value = out.get(name)
        out[name] = datetime.fromisoformat(value) if value else None
    return out


def write_parquet(
    rows: Iterator[dict[str, Any]], out: str | Path | BinaryIO, *, group_rows: int = ROW_GROUP_ROWS
) -> int:
    """Write rows as Parquet (zstd), one row group per `group_rows` rows; returns the count.
    Rows become Arrow batches every CONVERT_ROWS rows, so a row group waits in compact
    columnar memory, never as thousands of Python dicts."""
    schema = arrow_schema()
    count = 0
    pending: list[dict[str, Any]] = []
    batches: list[pa.RecordBatch] = []
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for row in rows:
            pending.append(_to_arrow_row(row))
            count += 1
            if len(pending) >= min(CONVERT_ROWS, group_rows):
                batches.append(pa.RecordBatch.from_pylist(pending, schema=schema))
                pending = []
            if count % group_rows == 0:
                writer.write_table(pa.Table.from_batches(batches, schema=schema))
                batches = []
        if pending:
            batches.append(pa.RecordBatch.from_pylist(pending, schema=schema))
        if batches or count == 0:
            writer.write_table(pa.Table.from_batches(batches, schema=schema))
    return count


def _from_arrow_row(row: dict[str, Any]) -> dict[str, Any]:
    for name in TIME_FIELDS:
        value = row.get(name)
        row[name] = value.isoformat() if value is not None else None
    row["extraction"] = dict(row.get("extraction") or [])
    police = row.get("police")
    if police is None:
        row.pop("police", None)
    elif police.get("truncated_at") is None:
        police.pop("truncated_at", None)
    return row


def read_parquet(path: str | Path, *, batch_rows: int = ROW_GROUP_ROWS) -> Iterator[dict[str, Any]]:
    """Rows back as export-shaped dicts (times as UTC ISO strings), streamed by batch."""
    with pq.ParquetFile(path) as handle:
        for batch in handle.iter_batches(batch_size=batch_rows):
            for row in batch.to_pylist():
                yield _from_arrow_row(row)
