"""Bounded memory on hostile input (issue 14), end to end against the loopback site: a
10 MB page of real police news is stored whole while structuring and the search text read
its first 200k characters (SQLite and PostgreSQL, whose tsvector holds 1 MB at most); one
source run keeps at most MAX_DISCOVERED_ITEMS discovered items and leaves further
documents unread. Peak RSS per hostile input is measured by bench/hostile.py."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from scrapers.article import parse_article
from scrapers.police.structure import STRUCTURE_MAX_CHARS
from tests.conftest import shared_dir
from tests.e2e.helpers import feed_source_toml, ingest_context, make_settings, write_source
from tests.fixtures.site import FixtureSite
from worker import discover
from worker.db.models import Article
from worker.discover import discover_source
from worker.pipeline import run_source

pytestmark = pytest.mark.db

TEXTS = shared_dir() / "corpus" / "police-texts" / "baomoi-2017.jsonl.gz"
RSS = "application/rss+xml; charset=utf-8"
SITEMAP = "application/xml"


def _police_page(size: int) -> bytes:
    with gzip.open(TEXTS, "rt", encoding="utf-8") as lines:
        texts = [json.loads(line) for line in lines if '"police-cues"' in line]
    paragraphs = [p.strip() for t in texts for p in t["body"].splitlines() if p.strip()]
    parts = [b"<html><head><title>C\xc3\xb4ng an</title></head><body><article>"]
    parts.append("<h1>Công an tỉnh Thanh Hóa bắt giữ nhóm trộm cắp</h1>".encode())
    total, i = 0, 0
    while total < size:
        parts.append(f"<p>{paragraphs[i % len(paragraphs)]}</p>\n".encode())
        total, i = total + len(parts[-1]), i + 1
    return b"".join([*parts, b"</article></body></html>"])


def _feed(site: FixtureSite, url: str) -> str:
    item = f"<item><title>Tin</title><link>{url}</link></item>"
    site.add("/rss.xml", f'<rss version="2.0"><channel><title>t</title>{item}</channel></rss>', RSS)
    return site.url("/rss.xml")


def test_a_10_mb_page_is_stored_whole_and_structured_from_its_prefix(
    tmp_path: Path, db_url: str
) -> None:
    page = _police_page(10_000_000)
    with FixtureSite() as site:
        site.add("/bai-lon.html", page)
        url = site.url("/bai-lon.html")
        settings = make_settings(tmp_path, db_url, fetch_max_bytes=11 * 1024 * 1024)
        source = write_source(settings, "lon", feed_source_toml(_feed(site, url)))
        with ingest_context(settings) as (ctx, runtime):
            summary = run_source(ctx, source)
            assert (summary.created, summary.failed) == (1, 0)
            with runtime.sessions() as session:
                article = session.scalars(select(Article)).one()
                record, search_text = article.record, article.search_text
    parsed = parse_article(page, url)
    assert record["paragraphs"] == list(parsed.paragraphs)  # the whole text is kept
    assert sum(map(len, record["paragraphs"])) > 7_000_000
    read = record["police"]["truncated_at"]
    assert STRUCTURE_MAX_CHARS - 1000 <= read <= STRUCTURE_MAX_CHARS
    assert record["police"]["persons"] and record["police"]["is_police_affairs"]
    assert search_text and STRUCTURE_MAX_CHARS - 1000 <= len(search_text) <= STRUCTURE_MAX_CHARS


def _sitemap(site: FixtureSite, path: str, day: int) -> str:
    urls = "".join(
        f"<url><loc>{site.url(f'/bai-{day}-{n}.html')}</loc><lastmod>2026-03-{day:02d}</lastmod>"
        "</url>"
        for n in range(4)
    )
    site.add(path, f"<urlset>{urls}</urlset>", SITEMAP)
    return site.url(path)


def test_a_run_keeps_at_most_the_item_cap(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discover, "MAX_DISCOVERED_ITEMS", 6)
    with FixtureSite() as site:
        children = "".join(
            f"<sitemap><loc>{_sitemap(site, f'/sitemap-{day}.xml', day)}</loc>"
            f"<lastmod>2026-03-{day:02d}</lastmod></sitemap>"
            for day in (5, 7, 6)
        )
        site.add("/sitemap.xml", f"<sitemapindex>{children}</sitemapindex>", SITEMAP)
        settings = make_settings(tmp_path, sqlite_url)
        toml = feed_source_toml(site.url("/sitemap.xml"), kind="sitemap")
        source = write_source(settings, "ban-do", toml.replace('url = "', 'max_pages = 4\nurl = "'))
        with ingest_context(settings) as (ctx, _):
            found = discover_source(ctx, source)
        assert [i.url.rsplit("/", 1)[1] for i in found.items] == [
            *(f"bai-7-{n}.html" for n in range(4)),  # the newest child whole
            "bai-6-0.html", "bai-6-1.html",  # then what room is left
        ]  # fmt: skip
        assert site.count("/sitemap-5.xml") == 0  # the cap reached: not fetched at all
        assert found.errors == []
