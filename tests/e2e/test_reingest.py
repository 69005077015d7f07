"""Manual re-ingest requests: idempotency under concurrency, URL, source window, reparse."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tests.e2e.helpers import count_rows, feed_source_toml, make_settings, write_source
from tests.fixtures.corpus_site import BASE_TIME, edit_article, populate_news_site
from tests.fixtures.site import FixtureSite
from worker.bootstrap import Runtime, open_runtime
from worker.context import IngestContext
from worker.db.models import Article, ArticleRevision, ReingestRequest
from worker.fetch import Fetcher
from worker.pipeline import run_source
from worker.requests import execute_request, submit_request
from worker.settings import Settings

pytestmark = pytest.mark.db


@pytest.fixture
def site() -> FixtureSite:
    with FixtureSite() as running:
        yield running


def _ingest(settings: Settings, runtime: Runtime, key: str) -> None:
    from worker.sources import load_source

    source = load_source(settings.sources_dir / f"{key}.toml")
    with Fetcher(settings) as fetcher:
        run_source(IngestContext(settings, runtime.sessions, fetcher), source)


def _request(runtime: Runtime, request_id: int) -> ReingestRequest:
    with runtime.sessions() as session:
        row = session.get(ReingestRequest, request_id)
        assert row is not None
        return row


def test_same_key_from_20_concurrent_submitters_runs_once(tmp_path: Path, db_url: str) -> None:
    settings = make_settings(tmp_path, db_url)
    runtime = open_runtime(settings, migrate=True)
    params = {"url": "https://example.vn/a-12345.html", "source": None}

    def submit(_: int) -> tuple[int, bool]:
        return submit_request(runtime.sessions, "url", params, key="backfill-2026-11-27")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(submit, range(20)))
    assert len({request_id for request_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReingestRequest)) == 1
    # Executing it twice (a duplicated message) runs it once: the second caller loses the claim.
    request_id = results[0][0]
    with runtime.sessions() as session:
        session.execute(update(ReingestRequest).values(params={"url": "x", "source": "nope"}))
        session.commit()
    assert execute_request(runtime, request_id) == "failed"  # unknown source: typed error
    assert execute_request(runtime, request_id) == "failed"
    assert _request(runtime, request_id).attempts == 1
    assert "unknown source" in (_request(runtime, request_id).error or "")
    runtime.engine.dispose()


def test_url_reingest_fetches_now(site: FixtureSite, tmp_path: Path, sqlite_url: str) -> None:
    specs = populate_news_site(site, count=3)
    settings = make_settings(tmp_path, sqlite_url)
    write_source(settings, "fx", feed_source_toml(site.url("/tin-tuc/rss.xml")))
    runtime = open_runtime(settings, migrate=True)
    _ingest(settings, runtime, "fx")
    edited = edit_article(site, specs[1], "Cơ quan điều tra đã bổ sung thông tin mới.")
    request_id, created = submit_request(runtime.sessions, "url", {"url": edited.url})
    assert created and execute_request(runtime, request_id) == "done"
    result = _request(runtime, request_id).result
    assert result == {"source": "fx", "url": edited.url, "outcome": "updated"}
    assert count_rows(runtime, ArticleRevision) == 4

    elsewhere, _ = submit_request(
        runtime.sessions, "url", {"url": "https://unknown.vn/a-99999.html"}
    )
    assert execute_request(runtime, elsewhere) == "failed"
    assert "no configured source" in (_request(runtime, elsewhere).error or "")
    runtime.engine.dispose()


def test_source_window_backfill(site: FixtureSite, tmp_path: Path, sqlite_url: str) -> None:
    populate_news_site(site, count=12)
    settings = make_settings(tmp_path, sqlite_url)
    write_source(settings, "fx", feed_source_toml(site.url("/tin-tuc/rss.xml")))
    runtime = open_runtime(settings, migrate=True)
    since = (BASE_TIME - timedelta(minutes=25)).isoformat()
    until = BASE_TIME.isoformat()
    request_id, _ = submit_request(
        runtime.sessions, "source", {"source": "fx", "since": since, "until": until}
    )
    assert execute_request(runtime, request_id) == "done"
    row = _request(runtime, request_id)
    assert row.result is not None
    assert (row.result["discovered"], row.result["fetched"], row.result["created"]) == (12, 3, 3)
    assert (row.progress_done, row.progress_total) == (3, 3)
    assert count_rows(runtime, Article) == 3
    runtime.engine.dispose()


def test_reparse_changes_only_what_the_parser_change_explains(
    site: FixtureSite, tmp_path: Path, db_url: str
) -> None:
    populate_news_site(site, count=6)
    settings = make_settings(tmp_path, db_url)
    write_source(settings, "fx", feed_source_toml(site.url("/tin-tuc/rss.xml")))
    runtime = open_runtime(settings, migrate=True)
    _ingest(settings, runtime, "fx")
    # Pretend three records came from an older parser that kept the outlet marker in the
    # lead and found no authors; the other three are what the current parser makes.
    with runtime.sessions() as session:
        old = list(session.scalars(select(Article).order_by(Article.id).limit(3)))
        for article in old:
            record = dict(article.record)
            record["lead"] = "(PLO)- " + (record["lead"] or "")
            record["authors"] = []
            article.record = record
            article.content_hash = "stale-" + article.content_hash[:20]
            article.parser_version = "0.9.0"
        session.commit()
        old_ids = {a.id for a in old}
    fetches = site.count()
    request_id, _ = submit_request(
        runtime.sessions, "reparse", {"source": "fx", "parser_version_below": "1.0"}
    )
    assert execute_request(runtime, request_id) == "done"
    result = _request(runtime, request_id).result
    assert result is not None
    assert result["examined"] == 3 and result["updated"] == 3
    changed = result["fields_changed"]
    assert changed["lead"] == 3
    assert set(changed) <= {"lead", "authors"}
    assert site.count() == fetches  # no fetching
    with runtime.sessions() as session:
        for article in session.scalars(select(Article)):
            assert article.revision == (2 if article.id in old_ids else 1)
            assert not article.record["lead"].startswith("(PLO)")

    # Everything current: a full reparse changes nothing.
    again, _ = submit_request(runtime.sessions, "reparse", {"source": "fx"})
    assert execute_request(runtime, again) == "done"
    result = _request(runtime, again).result
    assert result is not None and result["examined"] == 6 and result.get("updated", 0) == 0
    assert count_rows(runtime, ArticleRevision) == 9
    runtime.engine.dispose()
