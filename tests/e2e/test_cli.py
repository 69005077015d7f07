"""The `newsworker` command as users run it: a subprocess with NEWSWORKER_* variables."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.corpus_site import populate_news_site
from tests.fixtures.site import FixtureSite

pytestmark = pytest.mark.db


def run_cli(
    args: list[str], env: dict[str, str], stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "worker.cli", *args],
        check=False,
        env=full_env,
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "config" / "sources").mkdir(parents=True)
    return {
        "NEWSWORKER_DATA_DIR": str(tmp_path / "data"),
        "NEWSWORKER_CONFIG_DIR": str(tmp_path / "config"),
        "NEWSWORKER_ALLOWED_NETWORKS": "127.0.0.1/32",
        "NEWSWORKER_POLITENESS": "false",
        "NEWSWORKER_DATABASE_URL": "",
    }


def _write_source(env: dict[str, str], key: str, feed_url: str) -> None:
    path = Path(env["NEWSWORKER_CONFIG_DIR"]) / "sources" / f"{key}.toml"
    path.write_text(
        f'name = "Báo thử"\noutlet_type = "newspaper"\nmin_delay_seconds = 0\n'
        f'[[discover]]\nkind = "rss"\nurl = "{feed_url}"\n',
        encoding="utf-8",
    )


def test_ingest_export_sources_on_embedded_default(env: dict[str, str]) -> None:
    with FixtureSite() as site:
        specs = populate_news_site(site, count=5)
        _write_source(env, "thu", site.url("/tin-tuc/rss.xml"))
        _write_source(env, "hong", site.url("/fault/500"))
        broken = Path(env["NEWSWORKER_CONFIG_DIR"]) / "sources" / "broken.toml"
        broken.write_text('name = "x"\noutlet_type = "tabloid"\n', encoding="utf-8")

        first = run_cli(["ingest", "--json"], env)
        assert first.returncode == 0, first.stderr
        summaries = {s["source"]: s for s in map(json.loads, first.stdout.splitlines())}
        assert summaries["thu"]["created"] == 5 and summaries["thu"]["ok"] is True
        assert summaries["hong"]["ok"] is False
        assert "broken.toml" in first.stderr and "outlet_type" in first.stderr

        again = run_cli(["ingest", "--json", "--source", "thu"], env)
        summary = json.loads(again.stdout)
        assert (summary["created"], summary["updated"], summary["fetched"]) == (0, 0, 0)

    exported = run_cli(["export", "--format", "jsonl"], env)
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert sorted(r["title"] for r in records) == sorted(s.title for s in specs)
    assert all(r["paragraphs"] and r["source"] == "thu" for r in records)

    as_csv = run_cli(["export", "--format", "csv", "--source", "thu"], env)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == 5 and rows[0]["title"]

    health = run_cli(["sources", "--json"], env)
    lines = [json.loads(line) for line in health.stdout.splitlines()]
    by_key = {r["key"]: r for r in lines if "key" in r}
    assert by_key["hong"]["consecutive_errors"] == 1
    assert by_key["hong"]["last_error_kind"] == "server_error"
    assert by_key["thu"]["consecutive_errors"] == 0
    config_errors = [r for r in lines if "config_error" in r]
    assert [Path(r["path"]).name for r in config_errors] == ["broken.toml"]
    assert "outlet_type" in config_errors[0]["config_error"]
    text = run_cli(["sources"], env)
    assert "config error" in text.stdout and "broken.toml" in text.stdout


def test_source_file_with_huge_numbers_is_reported_and_the_others_run(
    env: dict[str, str],
) -> None:
    """interval_minutes = 9999999999999 and min_delay_seconds = inf once crashed the whole
    ingest with OverflowError; now the file is rejected naming both fields, the good source
    is ingested, and the command completes (exit 0, as a failing source does)."""
    sources = Path(env["NEWSWORKER_CONFIG_DIR"]) / "sources"
    with FixtureSite() as site:
        populate_news_site(site, count=3)
        _write_source(env, "thu", site.url("/tin-tuc/rss.xml"))
        (sources / "huge.toml").write_text(
            'name = "x"\noutlet_type = "newspaper"\ninterval_minutes = 9999999999999\n'
            f'min_delay_seconds = inf\n[[discover]]\nkind = "rss"\n'
            f'url = "{site.url("/tin-tuc/rss.xml")}"\n',
            encoding="utf-8",
        )
        (sources / "nan.toml").write_text(
            'name = "y"\noutlet_type = "newspaper"\nrevisit_hours = nan\n'
            f'[[discover]]\nkind = "rss"\nurl = "{site.url("/tin-tuc/rss.xml")}"\n',
            encoding="utf-8",
        )
        ingest = run_cli(["ingest", "--json"], env)
    assert ingest.returncode == 0, ingest.stderr
    summaries = [json.loads(line) for line in ingest.stdout.splitlines()]
    assert [(s["source"], s["created"], s["ok"]) for s in summaries] == [("thu", 3, True)]
    problems = [line for line in ingest.stderr.splitlines() if line.startswith("newsworker: ")]
    assert len(problems) == 2
    huge = next(p for p in problems if "huge.toml" in p)
    assert "interval_minutes: Input should be less than or equal to 10080" in huge
    assert "min_delay_seconds: Input should be a finite number" in huge
    assert "revisit_hours: Input should be a finite number" in next(
        p for p in problems if "nan.toml" in p
    )
    assert "OverflowError" not in ingest.stderr
    health = run_cli(["sources"], env).stdout
    assert "config error" in health and "huge.toml" in health and "nan.toml" in health


def test_parse_file_stdin_and_batch(
    env: dict[str, str], corpus_pages: Path, tmp_path: Path
) -> None:
    page = corpus_pages / "plo_article_chinh-tri_post874982.html"
    url = "https://plo.vn/doan-dai-bieu-tphcm-dang-hoa-tuong-niem-cac-anh-hung-liet-si-tai-binh-duong-ba-ria-vung-tau-cu-post874982.html"
    one = run_cli(["parse", str(page), "--url", url], env)
    assert one.returncode == 0, one.stderr
    record = json.loads(one.stdout)
    assert record["canonical_url"] == url
    assert record["authors"] == ["THUẬN VĂN", "LÊ ÁNH"]
    assert record["published_at"].endswith("+07:00")

    stdin = run_cli(["parse", "-", "--url", url], env, stdin=page.read_bytes())
    assert json.loads(stdin.stdout) == record

    garbage = tmp_path / "garbage.html"
    garbage.write_bytes(b"\x00\x01 not html")
    batch = tmp_path / "list.jsonl"
    lines = [
        {"path": str(page), "url": url},
        {"path": str(garbage), "url": "https://example.vn/x"},
        {"path": str(tmp_path / "missing.html"), "url": "https://example.vn/y"},
        {"path": str(page), "url": url},
    ]
    batch.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    out = run_cli(["parse", "--batch", str(batch)], env)
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(results) == 4
    assert results[0] == record and results[3] == record
    assert set(results[1]) == {"error"} and set(results[2]) == {"error"}


def test_bad_setting_names_the_variable(env: dict[str, str]) -> None:
    bad = run_cli(["sources"], {**env, "NEWSWORKER_FETCH_TIMEOUT_SECONDS": "soon"})
    assert bad.returncode == 2
    assert "NEWSWORKER_FETCH_TIMEOUT_SECONDS" in bad.stderr


def test_db_upgrade_on_postgresql(env: dict[str, str], pg_url: str) -> None:
    out = run_cli(["db", "upgrade"], {**env, "NEWSWORKER_DATABASE_URL": pg_url})
    assert out.returncode == 0, out.stderr
    from alembic.script import ScriptDirectory

    from worker.db.migrate import MIGRATIONS_DIR, alembic_config

    head = ScriptDirectory.from_config(alembic_config(pg_url)).get_current_head()
    assert MIGRATIONS_DIR.is_dir()
    assert out.stdout.strip() == head


def test_reingest_here_and_requests(env: dict[str, str]) -> None:
    with FixtureSite() as site:
        specs = populate_news_site(site, count=3)
        _write_source(env, "thu", site.url("/tin-tuc/rss.xml"))
        assert run_cli(["ingest", "--json"], env).returncode == 0
        args = ["reingest", "--url", specs[0].url, "--key", "k1", "--here", "--json"]
        first = run_cli(args, env)
        assert first.returncode == 0, first.stderr
        info = json.loads(first.stdout)
        assert info["status"] == "done" and info["result"]["outcome"] == "unchanged"
        again = json.loads(run_cli(args, env).stdout)
        assert again["id"] == info["id"] and again["attempts"] == 1  # same key: ran once

        reparse = run_cli(["reingest", "--reparse", "--source", "thu", "--here", "--json"], env)
        assert json.loads(reparse.stdout)["result"]["examined"] == 3

    listed = run_cli(["requests", "--json"], env)
    assert [json.loads(line)["kind"] for line in listed.stdout.splitlines()] == ["reparse", "url"]
    one = run_cli(["requests", str(info["id"])], env)
    assert one.stdout.startswith(f"#{info['id']} url done 1/1")
    missing = run_cli(["requests", "999"], env)
    assert missing.returncode == 1
