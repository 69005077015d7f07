"""Every fault path of the loopback site, through the whole pipeline: a clear typed error
recorded on the source (or on the article's failure row), nothing stored from it, memory
bounded, and the rest of the run completes."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.e2e.helpers import count_rows, ingest_context, make_settings, write_source
from tests.fixtures.corpus_site import populate_news_site
from tests.fixtures.fault_routes import gzip_bomb
from tests.fixtures.site import FixtureSite
from worker.db.models import Article, Failure, Source
from worker.pipeline import run_source

pytestmark = pytest.mark.db

FEED_FAULTS = {
    "/fault/500": "server_error",
    "/fault/429": "rate_limited",
    "/fault/garbage.xml": "FeedError",
    "/fault/billion-laughs.xml": "FeedError",
    "/fault/html-as-feed.xml": "FeedError",
    "/fault/redirect-loop": "redirects",
    "/fault/redirect-private": "blocked_address",
    "/fault/gzip-bomb": "too_large",
    "/fault/endless": "too_large",
    "/fault/slow-drip": "timeout",
    "/fault/reset": "connect",
    "/fault/short-body": "connect",
    "/fault/huge-header": "bad_response",
    "/fault/bad-location": "bad_response",
    "/nowhere.xml": "client_error",
}


@pytest.fixture(scope="module")
def site() -> FixtureSite:
    gzip_bomb()  # built once up front, so its first request is not slowed by building it
    with FixtureSite() as running:
        populate_news_site(running, count=4)
        yield running


def _source(settings, key: str, urls: list[str]):  # type: ignore[no-untyped-def]
    entries = "".join(f'\n[[discover]]\nkind = "rss"\nurl = "{u}"\n' for u in urls)
    body = f'name = "{key}"\noutlet_type = "newspaper"\nmin_delay_seconds = 0\n{entries}'
    return write_source(settings, key, body)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("fault", sorted(FEED_FAULTS))
def test_feed_fault_is_recorded_and_run_continues(
    fault: str, site: FixtureSite, tmp_path: Path, sqlite_url: str
) -> None:
    settings = make_settings(tmp_path, sqlite_url, fetch_timeout_seconds=2.0)
    bad = _source(settings, "bad", [site.url(fault)])
    mixed = _source(settings, "mixed", [site.url(fault), site.url("/tin-tuc/rss.xml")])
    before = _maxrss_mb()
    with ingest_context(settings) as (ctx, runtime):
        bad_run = run_source(ctx, bad)
        assert not bad_run.ok and bad_run.created == 0
        mixed_run = run_source(ctx, mixed)
        assert mixed_run.ok and mixed_run.created == 4
        with runtime.sessions() as session:
            row = session.get(Source, "bad")
            assert row is not None
            assert row.consecutive_errors == 1
            assert row.last_error_kind == FEED_FAULTS[fault]
            assert fault in (row.last_error or "")
            assert session.get(Source, "mixed").consecutive_errors == 0  # type: ignore[union-attr]
            sources = set(session.scalars(select(Article.source_key)))
        assert sources == {"mixed"}
        assert count_rows(runtime, Article) == 4
    assert _maxrss_mb() - before < 200


ARTICLE_FAULTS = ["/fault/gzip-bomb", "/fault/500", "/fault/endless", "/fault/garbage.xml"]


def test_bad_articles_cost_only_themselves(
    site: FixtureSite, tmp_path: Path, sqlite_url: str
) -> None:
    good = [site.url(p) for p in ("/tin-tuc/rss.xml",)]
    links = "".join(
        f"<item><title>bad {i}</title><link>{site.url(p)}</link></item>"
        for i, p in enumerate(ARTICLE_FAULTS)
    )
    site.add(
        "/bad-items.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{links}</channel></rss>',
        content_type="application/rss+xml",
    )
    settings = make_settings(tmp_path, sqlite_url, fetch_timeout_seconds=2.0)
    source = _source(settings, "partly", [site.url("/bad-items.xml"), *good])
    with ingest_context(settings) as (ctx, runtime):
        result = run_source(ctx, source)
        assert result.ok
        assert (result.created, result.failed) == (4, len(ARTICLE_FAULTS))
        with runtime.sessions() as session:
            failures = {f.url: f.kind for f in session.scalars(select(Failure))}
    assert {site.url(p) for p in ARTICLE_FAULTS} <= set(failures)
    assert failures[site.url("/fault/gzip-bomb")] == "too_large"
    assert failures[site.url("/fault/500")] == "server_error"
