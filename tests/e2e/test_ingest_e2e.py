"""End to end on SQLite and real PostgreSQL: discover → fetch → parse → dedup → store,
against the loopback fixture site built from the real corpus pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from scrapers.text import fold_key
from tests.e2e.helpers import (
    count_rows,
    feed_source_toml,
    ingest_context,
    make_settings,
    redate_page,
    revisiting_feed_source,
    write_source,
)
from tests.fixtures.corpus_site import edit_article, populate_news_site
from tests.fixtures.site import FixtureSite
from worker.db.models import Article, ArticleRevision, Failure, FeedState
from worker.pipeline import run_source

pytestmark = pytest.mark.db

N = 8


@pytest.fixture
def site() -> FixtureSite:
    with FixtureSite() as running:
        yield running


def test_ingest_reingest_edit_syndicate(site: FixtureSite, tmp_path: Path, db_url: str) -> None:
    specs = populate_news_site(site, count=N)
    settings = make_settings(tmp_path, db_url)
    source = write_source(
        settings,
        "fixture",
        feed_source_toml(site.url("/tin-tuc/rss.xml"), extra="revisit_interval_minutes = 0"),
    )
    with ingest_context(settings) as (ctx, runtime):
        first = run_source(ctx, source)
        assert (first.discovered, first.created, first.failed) == (N, N, 0)
        assert count_rows(runtime, Article) == N
        assert count_rows(runtime, ArticleRevision) == N
        with runtime.sessions() as session:
            titles = set(session.scalars(select(Article.title)))
        assert titles == {s.title for s in specs}

        # Same ingest again: the feed answers 304 and every article 304: nothing new.
        site.reset_counts()
        second = run_source(ctx, source)
        assert (second.created, second.updated, second.failed) == (0, 0, 0)
        assert second.not_modified == N
        assert count_rows(runtime, ArticleRevision) == N

        # An edited article becomes exactly one new revision.
        edited = edit_article(site, specs[3], "Đoạn văn được bổ sung sau khi đăng bài.")
        third = run_source(ctx, source)
        assert (third.created, third.updated) == (0, 1)
        assert count_rows(runtime, ArticleRevision) == N + 1
        with runtime.sessions() as session:
            article = session.scalars(select(Article).where(Article.title == edited.title)).one()
            assert article.revision == 2
            assert "Đoạn văn được bổ sung sau khi đăng bài." in article.record["paragraphs"]


def test_tracking_param_copy_is_the_same_record(
    site: FixtureSite, tmp_path: Path, db_url: str
) -> None:
    specs = populate_news_site(site, count=3)
    settings = make_settings(tmp_path, db_url)
    source = write_source(settings, "fixture", feed_source_toml(site.url("/tin-tuc/rss.xml")))
    copy_url = specs[0].url + "?utm_source=facebook&utm_medium=social&fbclid=IwAR0abc"
    listing = write_source(
        settings,
        "copies",
        feed_source_toml(site.url("/copies.xml")),
    )
    site.add("/copies.xml", _rss([copy_url]), content_type="application/rss+xml")
    with ingest_context(settings) as (ctx, runtime):
        run_source(ctx, source)
        result = run_source(ctx, listing)
        assert result.created == 0
        assert count_rows(runtime, Article) == 3


def test_publish_date_only_churn_is_not_a_change(
    site: FixtureSite, tmp_path: Path, sqlite_url: str
) -> None:
    specs = populate_news_site(site, count=2)
    settings, source = revisiting_feed_source(site.url("/tin-tuc/rss.xml"), tmp_path, sqlite_url)
    with ingest_context(settings) as (ctx, runtime):
        run_source(ctx, source)
        redate_page(site, specs[0].path)
        result = run_source(ctx, source)
        assert result.updated == 0
        assert result.unchanged >= 1
        assert count_rows(runtime, ArticleRevision) == 2


def test_removed_article_is_marked(site: FixtureSite, tmp_path: Path, sqlite_url: str) -> None:
    specs = populate_news_site(site, count=2)
    settings, source = revisiting_feed_source(site.url("/tin-tuc/rss.xml"), tmp_path, sqlite_url)
    with ingest_context(settings) as (ctx, runtime):
        run_source(ctx, source)
        site.remove(specs[1].path)
        result = run_source(ctx, source)
        assert result.removed == 1
        with runtime.sessions() as session:
            statuses = {
                row.url: row.status for row in session.execute(select(Article.url, Article.status))
            }
        assert statuses[specs[1].url] == "removed"
        assert statuses[specs[0].url] == "active"


def test_listing_and_sitemap_discovery_merge(
    site: FixtureSite, tmp_path: Path, sqlite_url: str
) -> None:
    specs = populate_news_site(site, count=30)
    settings = make_settings(tmp_path, sqlite_url)
    body = f"""
name = "Merged"
outlet_type = "police_portal"
min_delay_seconds = 0
max_articles_per_run = 500
[[discover]]
kind = "html_list"
url = "{site.url("/tin-tuc/page/1.html")}"
item_selector = "h3.title a"
next_selector = "a.next"
max_pages = 5
[[discover]]
kind = "sitemap"
url = "{site.url("/tin-tuc/sitemap.xml")}"
max_pages = 5
[[discover]]
kind = "news_sitemap"
url = "{site.url("/tin-tuc/news-sitemap.xml")}"
"""
    source = write_source(settings, "merged", body)
    with ingest_context(settings) as (ctx, runtime):
        result = run_source(ctx, source)
        assert result.discovered == 30
        assert result.created == 30
        with runtime.sessions() as session:
            states = session.scalars(select(FeedState.url)).all()
            assert site.url("/tin-tuc/page/2.html") in states
            assert not session.scalars(select(Failure)).all()
    assert {s.url for s in specs}


def _rss(urls: list[str]) -> str:
    items = "".join(
        f"<item><title>copy {i}</title><link>{u.replace('&', '&amp;')}</link></item>"
        for i, u in enumerate(urls)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>c</title>{items}</channel></rss>'
    )


def test_syndicated_copy_on_another_outlet_joins_the_story(
    site: FixtureSite, tmp_path: Path, db_url: str
) -> None:
    """A near-identical copy under another URL (another outlet's page) stays its own record
    but joins the original's story cluster; a different article starts its own story."""
    specs = populate_news_site(site, count=3)
    page = site.resource(specs[0].path).body().decode("utf-8")
    copy_path = "/khac/ban-sao-99999.html"
    copy = page.replace(specs[0].url, site.url(copy_path)).replace(
        specs[0].paragraphs[-1], specs[0].paragraphs[-1] + " Theo CAND."
    )
    site.add(copy_path, copy, content_type="text/html; charset=utf-8")
    site.add("/khac/rss.xml", _rss([site.url(copy_path)]), content_type="application/rss+xml")
    settings = make_settings(tmp_path, db_url)
    first = write_source(settings, "fixture", feed_source_toml(site.url("/tin-tuc/rss.xml")))
    other = write_source(settings, "other", feed_source_toml(site.url("/khac/rss.xml")))
    with ingest_context(settings) as (ctx, runtime):
        run_source(ctx, first)
        assert run_source(ctx, other).created == 1
        with runtime.sessions() as session:
            rows = {a.url: a for a in session.scalars(select(Article))}
        original, syndicated = rows[specs[0].url], rows[site.url(copy_path)]
        assert syndicated.id != original.id
        assert syndicated.story_id == original.story_id == original.id
        assert rows[specs[1].url].story_id == rows[specs[1].url].id
        assert fold_key(original.title) in (original.search_text or "")
        assert "đ" not in (original.search_text or "x")


def test_backlog_beyond_the_cap_continues_next_run(
    site: FixtureSite, tmp_path: Path, sqlite_url: str
) -> None:
    """max_articles_per_run bounds one run; the rest of the listing is taken by the next
    runs (the listing is read again while the backlog lasts), then re-polls cost nothing."""
    populate_news_site(site, count=25)
    settings = make_settings(tmp_path, sqlite_url)
    source = write_source(
        settings, "capped",
        feed_source_toml(site.url("/tin-tuc/rss.xml"), extra="max_articles_per_run = 10"),
    )  # fmt: skip
    with ingest_context(settings) as (ctx, runtime):
        created = [run_source(ctx, source).created for _ in range(4)]
        assert created == [10, 10, 5, 0]
        assert count_rows(runtime, Article) == 25
        site.reset_counts()
        run_source(ctx, source)
        assert site.count() == 1  # backlog done: one conditional request for the feed
