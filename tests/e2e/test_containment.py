"""One bad article costs that article, one bad source that source (issue 14), on the real
pipeline: the loopback site, SQLite and PostgreSQL, `newsworker ingest` as a subprocess.

The poisons raise what no stage expects (not a ScrapeError): InjectedFault at a named
stage (NEWSWORKER_FAULT_AT, worker/crashpoints.py), a database trigger refusing one row,
PostgreSQL refusing an over-long URL. Each must end as one failure row with its stage and
exception class, the rest of the run stored, the run row written; a database error of the
connection class (OperationalError) propagates instead.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import OperationalError

from tests.e2e.helpers import feed_source_toml, ingest_context, make_settings, write_source
from tests.e2e.poisoned_site import POISON, PoisonedFeed, poisoned_feed
from tests.e2e.procs import migrated
from tests.fixtures import discovery_docs
from tests.fixtures.corpus_site import RSS, make_spec, populate_news_site, render
from tests.fixtures.site import FixtureSite
from worker.context import utcnow
from worker.crashpoints import FAULT_ENV
from worker.db.engine import make_session_factory, transaction
from worker.db.models import Article, Failure, IngestRun, RawPage, Source
from worker.pipeline import run_source
from worker.reparse import reparse_articles
from worker.store import record_failure

pytestmark = [pytest.mark.db, pytest.mark.timeout(180)]

GOOD = 6


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as running:
        yield running


def _rows(engine: Engine, model: type) -> list:  # type: ignore[type-arg]
    with engine.connect() as conn:
        return list(conn.execute(select(model)))


def _sqlite_trigger(engine: Engine) -> None:
    """SQLite refuses the poisoned article's row (sqlite3.IntegrityError)."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON articles "
                f"WHEN NEW.url LIKE '%{POISON}%' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END"
            )
        )


def _pg_trigger(engine: Engine, sqlstate: str) -> None:
    """PostgreSQL refuses the poisoned article's row with `sqlstate`."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.url LIKE '%{POISON}%' THEN RAISE EXCEPTION 'poisoned row' "
                f"USING ERRCODE = '{sqlstate}'; END IF; RETURN NEW; END $$"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON articles "
                "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
            )
        )


# --- in process: each stage ------------------------------------------------------------


@pytest.mark.parametrize("stage", ["decode", "parse", "structure", "store"])
def test_unexpected_error_in_each_stage_costs_one_article(
    stage: str,
    site: FixtureSite,
    tmp_path: Path,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    feed = poisoned_feed(site, good=GOOD)
    settings = make_settings(tmp_path, sqlite_url)
    source = write_source(settings, "dau", feed_source_toml(feed.feed_url))
    monkeypatch.setenv(FAULT_ENV, f"{stage}:{POISON}")
    with ingest_context(settings) as (ctx, runtime), caplog.at_level(logging.ERROR):
        summary = run_source(ctx, source)
        engine = runtime.engine
        failures = _rows(engine, Failure)
        stored = {row.url for row in _rows(engine, Article)}
        raw_urls = {row.url for row in _rows(engine, RawPage)}
        runs = _rows(engine, IngestRun)
    assert (summary.created, summary.failed, summary.ok) == (GOOD, 1, True)
    assert stored == {s.url for s in feed.good}
    assert feed.poison.url not in raw_urls  # the store transaction was rolled back whole
    [failure] = failures
    assert (failure.url, failure.stage, failure.kind) == (feed.poison.url, stage, "InjectedFault")
    assert f"injected fault at {stage}" in failure.message
    assert [(r.source_key, r.status) for r in runs] == [("dau", "ok")]
    logged = [r for r in caplog.records if r.getMessage() == "article failed unexpectedly"]
    assert logged and logged[0].exc_info is not None
    assert (logged[0].url, logged[0].stage) == (feed.poison.url, stage)  # type: ignore[attr-defined]


def test_issue_page_is_stored_without_its_control_characters(
    site: FixtureSite, tmp_path: Path, sqlite_url: str
) -> None:
    feed = poisoned_feed(site, good=GOOD)
    settings = make_settings(tmp_path, sqlite_url)
    source = write_source(settings, "dau", feed_source_toml(feed.feed_url))
    with ingest_context(settings) as (ctx, runtime):
        summary = run_source(ctx, source)
        with runtime.sessions() as session:
            article = session.scalars(
                select(Article).where(Article.url == feed.control_page.url)
            ).one()
            failures = list(session.scalars(select(Failure)))
    # No fault injected: the poisoned page is an ordinary article too.
    assert (summary.created, summary.failed) == (GOOD + 1, 0) and not failures
    first = article.record["paragraphs"][0]
    assert first == feed.control_page.paragraphs[0] + "Sau đó"
    assert "\x01" not in json.dumps(article.record, ensure_ascii=False)


@pytest.mark.parametrize("stage", ["discover", "plan"])
def test_unexpected_error_in_discovery_or_plan_fails_that_source_only(
    stage: str, site: FixtureSite, tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate_news_site(site, prefix="/a", count=3)
    populate_news_site(site, prefix="/b", count=3, seed=1)
    settings = make_settings(tmp_path, sqlite_url)
    broken = write_source(settings, "hong", feed_source_toml(site.url("/a/rss.xml")))
    fine = write_source(settings, "tot", feed_source_toml(site.url("/b/rss.xml")))
    subject = "/a/rss.xml" if stage == "discover" else "hong"
    monkeypatch.setenv(FAULT_ENV, f"{stage}:{subject}")
    with ingest_context(settings) as (ctx, runtime):
        failed = run_source(ctx, broken)
        ok = run_source(ctx, fine)
        runs = {r.source_key: r for r in _rows(runtime.engine, IngestRun)}
        health = {r.key: r for r in _rows(runtime.engine, Source)}
        stored = {r.source_key for r in _rows(runtime.engine, Article)}
    assert not failed.ok and failed.created == 0
    assert any("InjectedFault" in e or "injected fault" in e for e in failed.discovery_errors)
    assert ok.ok and ok.created == 3 and stored == {"tot"}
    assert (runs["hong"].status, runs["tot"].status) == ("failed", "ok")
    assert health["hong"].consecutive_errors == 1
    assert health["hong"].last_error_kind == "InjectedFault"
    assert f"injected fault at {stage}" in (health["hong"].last_error or "")
    assert health["tot"].consecutive_errors == 0


# --- PostgreSQL: the database refuses one record ----------------------------------------


def test_postgresql_refusing_one_record_costs_that_record(
    site: FixtureSite, tmp_path: Path, pg_url: str
) -> None:
    """A real DataError from PostgreSQL: an article URL longer than the url columns
    (varchar(2000)); SQLite would store it. The failure row keeps the URL's first 2000
    characters (the row itself must fit)."""
    specs = [make_spec("/tin-tuc", site.base_url, i, 0) for i in range(4)]
    long_path = "/tin-tuc/" + "duong-dan-dai-" * 150 + f"{specs[2].article_id}.html"
    specs[2] = replace(specs[2], path=long_path, url=site.url(long_path))
    for spec in specs:
        site.add(spec.path, render(spec))
    site.add("/tin-tuc/rss.xml", discovery_docs.rss(site, "/tin-tuc", specs), RSS)
    settings = make_settings(tmp_path, pg_url)
    source = write_source(settings, "dai", feed_source_toml(site.url("/tin-tuc/rss.xml")))
    with ingest_context(settings) as (ctx, runtime):
        summary = run_source(ctx, source)
        failures = _rows(runtime.engine, Failure)
        stored = {r.url for r in _rows(runtime.engine, Article)}
        runs = _rows(runtime.engine, IngestRun)
    assert (summary.created, summary.failed, summary.ok) == (3, 1, True)
    assert stored == {s.url for i, s in enumerate(specs) if i != 2}
    [failure] = failures
    assert (failure.stage, failure.kind) == ("store", "DataError")
    assert failure.url == specs[2].url[:2000] and len(specs[2].url) > 2000
    assert "value too long" in failure.message
    assert [r.status for r in runs] == ["ok"]


def test_postgresql_connection_class_error_propagates(
    site: FixtureSite, tmp_path: Path, pg_url: str
) -> None:
    """An OperationalError (SQLSTATE class 57, as when the server shuts down) is not the
    article's fault: it leaves the run, for the Celery task to retry."""
    feed = poisoned_feed(site, good=2)
    _pg_trigger(migrated(pg_url), "57P01")
    settings = make_settings(tmp_path, pg_url)
    source = write_source(settings, "dau", feed_source_toml(feed.feed_url))
    with ingest_context(settings) as (ctx, runtime), pytest.raises(OperationalError):
        run_source(ctx, source)
    assert _rows(runtime.engine, Failure) == []


# --- reparse ---------------------------------------------------------------------------


def test_reparse_contains_each_article(
    site: FixtureSite, tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = poisoned_feed(site, good=3)
    settings = make_settings(tmp_path, sqlite_url)
    source = write_source(settings, "dau", feed_source_toml(feed.feed_url))
    with ingest_context(settings) as (ctx, runtime):
        assert run_source(ctx, source).created == 4
        monkeypatch.setenv(FAULT_ENV, f"structure:{POISON}")
        result = reparse_articles(ctx, {"dau": source}, {}, lambda done, total: None)
        failures = _rows(runtime.engine, Failure)
    assert result["examined"] == 4 and result["failed"] == 1
    [failure] = failures
    assert (failure.url, failure.stage, failure.kind) == (
        feed.poison.url,
        "reparse",
        "InjectedFault",
    )


# --- the CLI: the issue's page; a poisoned first source, a clean second one -------------


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "worker.cli", *args],
        check=False,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=150,
    )


def _cli_env(tmp_path: Path, db_url: str) -> dict[str, str]:
    (tmp_path / "config" / "sources").mkdir(parents=True)
    return {
        "NEWSWORKER_DATA_DIR": str(tmp_path / "data"),
        "NEWSWORKER_CONFIG_DIR": str(tmp_path / "config"),
        "NEWSWORKER_ALLOWED_NETWORKS": "127.0.0.1/32",
        "NEWSWORKER_POLITENESS": "false",
        "NEWSWORKER_DATABASE_URL": db_url,
    }


def _two_sources(site: FixtureSite, env: dict[str, str]) -> PoisonedFeed:
    feed = poisoned_feed(site, prefix="/dau", good=GOOD)
    populate_news_site(site, prefix="/sau", count=4, seed=2)
    sources = Path(env["NEWSWORKER_CONFIG_DIR"]) / "sources"
    (sources / "a_dau.toml").write_text(feed_source_toml(feed.feed_url), encoding="utf-8")
    (sources / "b_sau.toml").write_text(
        feed_source_toml(site.url("/sau/rss.xml")), encoding="utf-8"
    )
    return feed


def test_cli_parse_gives_the_issue_page_s_record(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(
        (
            "<html><body><article><h1>Bắt giữ đối tượng trộm cắp tài sản</h1>"
            "<p>Công an tỉnh Thanh Hóa khởi tố vụ án <script>x</script>\x01tail&#1; và bắt giữ"
            " đối tượng.</p><p>Đối tượng đã khai nhận hành vi trộm cắp tài sản.</p>"
            "</article></body></html>"
        ).encode()
    )
    done = _cli(["parse", str(page), "--url", "https://congan.example.vn/a/1.html"], {})
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads(done.stdout)
    assert (
        record["paragraphs"][0] == "Công an tỉnh Thanh Hóa khởi tố vụ án tail và bắt giữ đối tượng."
    )
    assert "\\u0001" not in done.stdout and "\x01" not in done.stdout


@pytest.mark.parametrize("poison", ["parse_fault", "sqlite_trigger"])
def test_cli_ingest_goes_on_after_a_poisoned_article(
    poison: str, site: FixtureSite, tmp_path: Path, sqlite_url: str
) -> None:
    env = _cli_env(tmp_path, sqlite_url)
    feed = _two_sources(site, env)
    engine = migrated(sqlite_url)
    if poison == "parse_fault":
        env[FAULT_ENV] = f"parse:{POISON}"
        stage, kind = "parse", "InjectedFault"
    else:
        _sqlite_trigger(engine)
        stage, kind = "store", "IntegrityError"
    done = _cli(["ingest", "--json"], env)
    assert done.returncode == 0, done.stderr[-3000:]
    summaries = {s["source"]: s for s in map(json.loads, done.stdout.splitlines())}
    assert list(summaries) == ["a_dau", "b_sau"]
    first, second = summaries["a_dau"], summaries["b_sau"]
    assert (first["created"], first["failed"], first["ok"]) == (GOOD, 1, True)
    assert (second["created"], second["failed"], second["ok"]) == (4, 0, True)
    [failure] = _rows(engine, Failure)
    assert (failure.source_key, failure.url) == ("a_dau", feed.poison.url)
    assert (failure.stage, failure.kind) == (stage, kind)
    assert sorted((r.source_key, r.status) for r in _rows(engine, IngestRun)) == [
        ("a_dau", "ok"),
        ("b_sau", "ok"),
    ]
    assert "article failed unexpectedly" in done.stderr and "Traceback" in done.stderr
    engine.dispose()


def test_cli_ingest_exits_1_when_the_database_fails_as_a_connection(
    site: FixtureSite, tmp_path: Path, pg_url: str
) -> None:
    env = _cli_env(tmp_path, pg_url)
    _two_sources(site, env)
    engine = migrated(pg_url)
    _pg_trigger(engine, "57P01")
    done = _cli(["ingest", "--json"], env)
    assert done.returncode == 1
    assert "newsworker: a_dau: OperationalError" in done.stderr
    assert _rows(engine, Failure) == []
    engine.dispose()


def test_a_failure_row_fits_whatever_the_error_says(migrated_engine: Engine) -> None:
    """The row recording a failure must not fail: an over-long URL and kind are cut to
    their columns and NUL, which PostgreSQL's text refuses, is replaced."""
    sessions = make_session_factory(migrated_engine)
    with transaction(sessions) as session:
        record_failure(
            session, source_key="dau", url="http://x.vn/" + "a" * 3000 + "\x00",
            stage="parse", kind="K" * 60, message="bad \x00 byte", now=utcnow(),
        )  # fmt: skip
    [row] = _rows(migrated_engine, Failure)
    assert (len(row.url), row.kind, row.message) == (2000, "K" * 40, "bad \ufffd byte")
