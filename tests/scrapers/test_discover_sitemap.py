# ruff: noqa: E501
from __future__ import annotations

import gzip
import random
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scrapers import discover_sitemap
from scrapers.discover_sitemap import parse_sitemap
from scrapers.errors import FeedError

from .feed_samples import billion_laughs

pytestmark = pytest.mark.unit

VN = timezone(timedelta(hours=7))
BASE = "https://anninhthudo.vn/sitemap.xml"

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://anninhthudo.vn/sitemaps/categories.xml</loc></sitemap>
  <sitemap><loc>https://anninhthudo.vn/sitemaps/topics.xml</loc></sitemap>
  <sitemap><loc>https://anninhthudo.vn/sitemaps/2026-02.xml</loc><lastmod>2026-02-28T23:00:00+07:00</lastmod></sitemap>
  <sitemap><loc>/sitemaps/2026-03.xml</loc><lastmod>2026-03-07T08:00:00+07:00</lastmod></sitemap>
  <sitemap><loc>https://anninhthudo.vn/sitemaps/news.xml</loc></sitemap>
  <sitemap><loc>https://anninhthudo.vn/sitemaps/2026-03.xml</loc></sitemap>
</sitemapindex>
"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>https://anninhthudo.vn/bat-doi-tuong-trom-cap-post659326.antd</loc>
       <lastmod>2026-03-07T08:07:18+07:00</lastmod><changefreq>hourly</changefreq>
       <image:image><image:loc>https://anninhthudo.vn/a.jpg</image:loc></image:image></url>
  <url><loc> https://anninhthudo.vn/khoi-to-vu-an-post659327.antd </loc><lastmod>2026-03-07</lastmod></url>
  <url><loc>https://anninhthudo.vn/bat-doi-tuong-trom-cap-post659326.antd#x</loc></url>
  <url><loc>ftp://anninhthudo.vn/x</loc></url>
  <url><lastmod>2026-03-07</lastmod></url>
</urlset>
"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://plo.vn/bat-giu-nghi-pham-post874982.html</loc>
    <news:news>
      <news:publication><news:name>Pháp Luật TP.HCM</news:name><news:language>vi</news:language></news:publication>
      <news:publication_date>2025-10-09T17:55:47+0700</news:publication_date>
      <news:title><![CDATA[ Bắt giữ nghi phạm &quot;cướp&quot; tiệm vàng ]]></news:title>
    </news:news>
    <lastmod>2025-10-09T18:10:00+07:00</lastmod>
  </url>
  <url>
    <loc>https://plo.vn/khong-offset-post874983.html</loc>
    <news:news><news:publication_date>2025-10-09 17:00</news:publication_date>
    <news:title>Không offset</news:title></news:news>
  </url>
</urlset>
""".encode()


def test_sitemap_index_children_newest_first_taxonomy_dropped() -> None:
    result = parse_sitemap(INDEX, BASE)
    assert result.items == ()
    assert result.next_pages == (
        "https://anninhthudo.vn/sitemaps/2026-03.xml",
        "https://anninhthudo.vn/sitemaps/2026-02.xml",
        "https://anninhthudo.vn/sitemaps/news.xml",
    )


def test_urlset_locs_and_lastmod() -> None:
    result = parse_sitemap(URLSET, BASE)
    assert [(i.url, i.updated_at, i.kind) for i in result.items] == [
        (
            "https://anninhthudo.vn/bat-doi-tuong-trom-cap-post659326.antd",
            datetime(2026, 3, 7, 8, 7, 18, tzinfo=VN),
            "sitemap",
        ),
        (
            "https://anninhthudo.vn/khoi-to-vu-an-post659327.antd",
            datetime(2026, 3, 7, tzinfo=VN),
            "sitemap",
        ),
    ]
    assert result.items[0].title is None and result.items[0].published_at is None


def test_google_news_sitemap() -> None:
    result = parse_sitemap(NEWS, "https://plo.vn/sitemaps/news.xml")
    first, second = result.items
    assert first.kind == "news_sitemap"
    assert first.title == 'Bắt giữ nghi phạm "cướp" tiệm vàng'
    assert first.published_at == datetime(2025, 10, 9, 17, 55, 47, tzinfo=VN)
    assert first.updated_at == datetime(2025, 10, 9, 18, 10, tzinfo=VN)
    assert second.published_at is not None
    assert second.published_at.astimezone(UTC) == datetime(2025, 10, 9, 10, 0, tzinfo=UTC)


def test_gzip_sitemap_and_gzip_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    result = parse_sitemap(gzip.compress(URLSET), BASE + ".gz")
    assert len(result.items) == 2
    monkeypatch.setattr(discover_sitemap, "MAX_SITEMAP_BYTES", 10_000)
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    with pytest.raises(FeedError, match="inflates past"):
        parse_sitemap(bomb, BASE)
    with pytest.raises(FeedError, match="corrupt gzip"):
        parse_sitemap(b"\x1f\x8b" + b"\x00" * 30, BASE)


def test_entities_are_never_expanded() -> None:
    bomb = billion_laughs().replace(b"<rss", b"<!-- -->\n<rss")
    body = bomb.split(b"<rss")[0] + (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://example.vn/a-10001.html</loc><lastmod>&lol9;</lastmod></url></urlset>"
    )
    started = time.monotonic()
    with pytest.raises(FeedError, match="malformed"):  # undefined entity, not an expansion
        parse_sitemap(body, BASE)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"<html><body>Not found</body></html>", "HTML"),
        (b'<?xml version="1.0"?><urlset><url><loc>https://x.vn/a', "malformed"),
        (b"\x00\xff garbage \xfe", "malformed"),
        (b'<rss version="2.0"><channel/></rss>', "not a sitemap"),
    ],
)
def test_bad_bodies_raise(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_sitemap(body, BASE)


def _urlset(entries: list[tuple[str, str | None]]) -> bytes:
    urls = "".join(
        f"<url><loc>{url}</loc>" + (f"<lastmod>{day}</lastmod>" if day else "") + "</url>"
        for url, day in entries
    )
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def test_urlset_over_the_cap_keeps_the_newest_first() -> None:
    rng = random.Random(5)
    entries = [
        (f"https://x.vn/a-{i}.html", rng.choice([None, f"2026-03-{rng.randint(1, 28):02d}"]))
        for i in range(300)
    ]
    body = _urlset(entries)
    whole = parse_sitemap(body, BASE)  # within the cap: every entry, in document order
    assert [item.url for item in whole.items] == [url for url, _ in entries]
    kept = parse_sitemap(body, BASE, max_items=40)
    # Newest first; equal dates and undated entries in document order, undated last.
    order = sorted(range(300), key=lambda i: (entries[i][1] is not None, entries[i][1] or "", -i))
    assert [item.url for item in kept.items] == [entries[i][0] for i in reversed(order[-40:])]


def test_sitemap_index_keeps_its_newest_children(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discover_sitemap, "MAX_INDEX_CHILDREN", 2)
    children = "".join(
        f"<sitemap><loc>https://x.vn/sitemap-{day}.xml</loc><lastmod>2026-03-{day}</lastmod>"
        "</sitemap>"
        for day in ("05", "07", "01", "06")
    )
    body = f"<sitemapindex>{children}</sitemapindex>".encode()
    assert parse_sitemap(body, BASE).next_pages == (
        "https://x.vn/sitemap-07.xml",
        "https://x.vn/sitemap-06.xml",
    )


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} in /proc/self/status")


def test_850k_url_gzipped_sitemap_parses_in_bounded_memory() -> None:
    """The sitemap of issue 14 (850k URLs, ~2.4 MB gzipped, 47 MB inflated) took an ingest
    process to 805 MB when parsed as one tree; streamed, the parse grows the peak RSS of
    this process by tens of MB and keeps the newest MAX_SITEMAP_ITEMS entries."""
    parts = [b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    parts += (
        f"<url><loc>http://127.0.0.1:8080/t/{i}</loc>"
        f"{f'<lastmod>2025-{1 + i % 12:02d}-{1 + i % 28:02d}</lastmod>' if i % 10 == 0 else ''}"
        "</url>".encode()
        for i in range(850_000)
    )
    body = gzip.compress(b"".join(parts) + b"</urlset>", compresslevel=1)
    del parts
    Path("/proc/self/clear_refs").write_text("5")  # the peak RSS restarts from the current
    before = _rss_mb("VmRSS")
    result = parse_sitemap(body, BASE)
    growth = _rss_mb("VmHWM") - before
    assert growth < 100, f"parsing grew the peak RSS by {growth:.0f} MB"
    assert len(result.items) == discover_sitemap.MAX_SITEMAP_ITEMS
    dates = [item.updated_at for item in result.items]
    assert None not in dates and dates == sorted(dates, reverse=True)  # 85k dated entries
    month, day = max((1 + i % 12, 1 + i % 28) for i in range(0, 850_000, 10))
    assert dates[0] == datetime(2025, month, day, tzinfo=VN)
