"""Every discovery kind reads its documents through the registry (scrapers.discover_kinds):
the document's bytes, final URL, room and listing selectors reach the parser of that kind,
and a document of another kind is not read as this one."""

from __future__ import annotations

import json

import pytest

from scrapers.discover_kinds import DISCOVER_PARSERS, Document
from scrapers.errors import ScrapeError

pytestmark = pytest.mark.unit

SITE = "https://congan.example.vn"
RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    b"<item><title>A</title><link>https://congan.example.vn/a.html</link></item>"
    b"</channel></rss>"
)
ATOM = (
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
    b'<entry><title>A</title><link href="https://congan.example.vn/a.html"/><id>a</id></entry>'
    b"</feed>"
)
SITEMAP = (
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    + b"".join(
        b"<url><loc>https://congan.example.vn/%d.html</loc><lastmod>2026-03-0%dT08:00:00+07:00"
        b"</lastmod></url>" % (i, i)
        for i in range(1, 4)
    )
    + b"</urlset>"
)
LISTING = (
    "<html><body><div class='news'><h3 class='t'><a href='/tin-tuc/bat-giu-1.html'>Bắt giữ "
    "đối tượng trộm cắp tài sản</a></h3></div><div class='side'><h3><a "
    "href='/tin-tuc/khac-2.html'>Tin khác cùng chuyên mục hôm nay</a></h3></div>"
    "<a class='sau' href='/tin-tuc?page=2'>»</a></body></html>"
).encode()
JSON_API = json.dumps({"ListData": [{"Id": 7, "Url": "bat-giu", "Name": "Bắt giữ"}]}).encode()


@pytest.mark.parametrize(
    ("kind", "body", "urls"),
    [
        ("rss", RSS, [f"{SITE}/a.html"]),
        ("atom", ATOM, [f"{SITE}/a.html"]),
        ("sitemap", SITEMAP, [f"{SITE}/3.html", f"{SITE}/2.html"]),  # room 2: the newest
        ("news_sitemap", SITEMAP, [f"{SITE}/3.html", f"{SITE}/2.html"]),
        ("json_api", JSON_API, [f"{SITE}/tin-tuc/bat-giu-7"]),
    ],
)
def test_each_kind_reads_its_documents(kind: str, body: bytes, urls: list[str]) -> None:
    result = DISCOVER_PARSERS[kind](Document(body, f"{SITE}/doc", "application/xml", room=2))  # type: ignore[index]
    assert sorted(i.url for i in result.items) == sorted(urls)


def test_listings_get_the_entry_selectors() -> None:
    heuristic = DISCOVER_PARSERS["html_list"](Document(LISTING, f"{SITE}/tin-tuc", "text/html"))
    doc = Document(
        LISTING, f"{SITE}/tin-tuc", "text/html", item_selector="h3.t a", next_selector="a.sau"
    )
    result = DISCOVER_PARSERS["html_list"](doc)
    assert [(i.url, i.title) for i in result.items] == [
        (f"{SITE}/tin-tuc/bat-giu-1.html", "Bắt giữ đối tượng trộm cắp tài sản")
    ]
    assert not heuristic.items and not heuristic.next_pages  # without the selectors: nothing
    assert list(result.next_pages) == [f"{SITE}/tin-tuc?page=2"]


def test_a_feed_is_not_read_as_json() -> None:
    with pytest.raises(ScrapeError):
        DISCOVER_PARSERS["json_api"](Document(RSS, f"{SITE}/doc"))
