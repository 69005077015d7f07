"""The Parquet column layout and schema/record.schema.json describe the same fields, at
every level of the police structure (a field added on one side only fails here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from worker.export import CSV_FIELDS, RECORD_SCHEMA_ID, STORAGE_FIELDS
from worker.export_parquet import arrow_schema

pytestmark = pytest.mark.unit
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "schema" / "record.schema.json").read_text("utf-8")
)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return _resolve(SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]])
    for option in node.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(option)
    return node


def _json_shape(node: dict[str, Any]) -> Any:
    node = _resolve(node)
    if "properties" in node:
        return {k: _json_shape(v) for k, v in node["properties"].items()}
    if node.get("type") == "array":
        return [_json_shape(node["items"])]
    return "scalar"


def _arrow_shape(kind: pa.DataType) -> Any:
    if pa.types.is_struct(kind):
        return {
            kind.field(i).name: _arrow_shape(kind.field(i).type) for i in range(kind.num_fields)
        }
    if pa.types.is_list(kind):
        return [_arrow_shape(kind.value_type)]
    return "scalar"


def test_parquet_columns_match_the_record_schema() -> None:
    expected = _json_shape(SCHEMA["$defs"]["record"])
    expected.update({name: "scalar" for name in STORAGE_FIELDS})
    expected["extraction"] = "scalar"  # object of strings ↔ map<string, string>
    schema = arrow_schema()
    got = {f.name: _arrow_shape(f.type) for f in schema}
    assert got == expected
    assert schema.metadata[b"newsworker.record_schema"].decode() == RECORD_SCHEMA_ID
    assert SCHEMA["$id"] == RECORD_SCHEMA_ID
    assert set(SCHEMA["required"]) == set(STORAGE_FIELDS)
    assert set(CSV_FIELDS) - {"text", "genre", "topics"} <= set(got)
