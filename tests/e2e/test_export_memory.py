"""Exports stream: 100k stored records exported to Parquet and JSON lines with peak RSS
growth bounded (PostgreSQL, server-side cursor). Rows are generated in the database
(INSERT ... SELECT generate_series) from one structured template record."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.e2e.records import ARREST, SCAM, T0
from worker.bootstrap import open_runtime
from worker.db.engine import transaction
from worker.db.models import Source
from worker.settings import Settings

pytestmark = pytest.mark.db
RECORDS = 100_000
MAX_GROWTH_MB = 150
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# The child process: open the runtime, note peak RSS, export everything, note it again.
MEASURE = """
import json, resource, sys
from worker.bootstrap import open_runtime
from worker.commands_export import _write
from worker.export import export_rows
from worker.settings import Settings
import worker.export_parquet
settings = Settings(database_url=sys.argv[1])
runtime = open_runtime(settings)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with runtime.sessions() as session:
    count = _write(sys.argv[2], export_rows(session), sys.argv[3])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"count": count, "before_kb": before, "after_kb": after}))
"""


def _template() -> str:
    from scrapers.police.structure import with_police
    from scrapers.records import ArticleRecord
    from scrapers.serialize import record_to_dict

    paragraphs = (*ARREST, *SCAM) * 2
    url = "https://bao.example.vn/x.html"
    record = ArticleRecord(url=url, canonical_url=url, title="Tin", lead=ARREST[1],
                           paragraphs=paragraphs, published_at=T0)  # fmt: skip
    return json.dumps(record_to_dict(with_police(record)), ensure_ascii=False)


def _fill(url: str) -> None:
    runtime = open_runtime(Settings(database_url=url), migrate=True)
    with transaction(runtime.sessions) as session:
        session.add(Source(key="bulk", name="Bulk", outlet_type="newspaper", consecutive_errors=0))
        session.flush()
        session.execute(text("""
            INSERT INTO articles (identity, source_key, url, canonical_url, title, content_hash,
                revision, status, record, parser_version, first_seen_at, fetched_at,
                checked_at, updated_at, published_at, story_id)
            SELECT 'bulk/' || g, 'bulk', 'https://bao.example.vn/' || g || '.html',
                'https://bao.example.vn/' || g || '.html', 'Tin số ' || g,
                md5(g::text) || md5(g::text),
                1, 'active', jsonb_set(CAST(:record AS jsonb), '{title}', to_jsonb('Tin số ' || g)),
                'bulk', :t0, :t0, :t0, :t0, :t0 + g * interval '1 minute', g
            FROM generate_series(1, :n) AS g
        """), {"record": _template(), "t0": T0, "n": RECORDS})  # fmt: skip
    runtime.engine.dispose()


@pytest.mark.timeout(1800)  # a loaded CI machine: two full exports of 100k records
def test_export_memory_is_flat_on_100k_records(pg_url: str, tmp_path: Path) -> None:
    _fill(pg_url)
    figures: dict[str, dict[str, float]] = {}
    for fmt in ("parquet", "jsonl"):
        out = tmp_path / f"all.{fmt}"
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", MEASURE, pg_url, fmt, str(out)],
                              capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["count"] == RECORDS
        growth_mb = (result["after_kb"] - result["before_kb"]) / 1024
        figures[fmt] = {"baseline_mb": round(result["before_kb"] / 1024, 1),
                        "peak_mb": round(result["after_kb"] / 1024, 1),
                        "growth_mb": round(growth_mb, 1),
                        "file_mb": round(out.stat().st_size / 2**20, 1),
                        "seconds": round(time.monotonic() - started, 1)}  # fmt: skip
        assert growth_mb < MAX_GROWTH_MB, figures
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "export-memory.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))
