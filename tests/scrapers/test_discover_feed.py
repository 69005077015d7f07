from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from scrapers import discover_feed
from scrapers.discover_feed import parse_feed
from scrapers.errors import FeedError
from scrapers.xmlsafety import strip_dtd

from .feed_samples import (
    ATOM,
    RDF,
    RSS091,
    VIETNAMNET_RSS,
    VNEXPRESS_RSS,
    billion_laughs,
    quadratic_blowup,
)

pytestmark = pytest.mark.unit

VN = timezone(timedelta(hours=7))
FEED_URL = "https://vnexpress.net/rss/phap-luat.rss"


def test_vnexpress_rss_with_invalid_br_and_enclosure() -> None:
    result = parse_feed(VNEXPRESS_RSS, FEED_URL)
    assert [i.url for i in result.items] == [
        "https://vnexpress.net/bat-nhom-lua-dao-chiem-doat-50-ty-dong-qua-mang-4847001.html",
        "https://vnexpress.net/cuu-giam-doc-so-linh-8-nam-tu-4846990.html",
    ]
    first = result.items[0]
    assert first.title == "Bắt nhóm lừa đảo chiếm đoạt 50 tỷ đồng qua mạng"
    assert first.summary is not None
    assert first.summary.startswith("Công an TP HCM bắt 12 người")
    assert "<" not in first.summary and "</br>" not in first.summary
    assert first.guid == first.url
    assert first.published_at == datetime(2025, 2, 6, 20, 30, 48, tzinfo=VN)
    assert first.published_at is not None and first.published_at.utcoffset() == timedelta(hours=7)
    assert first.updated_at is None  # RSS has no update date; not aliased from pubDate
    assert first.kind == "rss"
    assert result.next_pages == ()


def test_duplicate_links_are_merged_fragment_ignored() -> None:
    result = parse_feed(VNEXPRESS_RSS, FEED_URL)
    second = result.items[1]
    assert second.summary is not None and second.summary.startswith("TAND tỉnh")
    assert second.guid == "https://vnexpress.net/cuu-giam-doc-so-linh-8-nam-tu-4846990.html"


def test_vietnamnet_cdata_spaces_and_double_escaped_apostrophes() -> None:
    result = parse_feed(VIETNAMNET_RSS, "https://vietnamnet.vn/rss/tin-moi-nhat.rss")
    assert [i.title for i in result.items] == [
        "Được 'Đất Bắc' cứu giúp, cụ bà vượt nạn",
        "Tai nạn ở xã An Thạnh, TP Cần Thơ",
    ]
    assert result.items[0].summary == 'Cảnh sát "TP Đồng Nai" đã hỗ trợ.'
    # feed order is kept even though items are not in date order
    assert result.items[0].published_at == datetime(2026, 3, 7, 18, 34, tzinfo=VN)


def test_atom_relative_links_html_titles_and_naive_dates() -> None:
    result = parse_feed(ATOM, "https://example.vn/feeds/atom.xml")
    assert len(result.items) == 2  # javascript: link dropped
    first, second = result.items
    assert first.url == "https://example.vn/tin-tuc/khoi-to-vu-buon-lau-1234"
    assert first.title == "Khởi tố vụ buôn lậu"
    assert first.summary == "Tóm tắt"
    assert first.guid == "tag:example.vn,2026:1234"
    assert first.kind == "atom"
    assert first.published_at == datetime(2026, 3, 7, 8, 1, 53, tzinfo=VN)
    assert first.updated_at == datetime(2026, 3, 7, 9, 0, tzinfo=VN)
    assert second.updated_at is not None
    assert second.updated_at.utcoffset() == timedelta(hours=7)  # naive → Asia/Ho_Chi_Minh
    assert second.updated_at.astimezone(UTC) == datetime(2026, 1, 19, 1, 50, tzinfo=UTC)


def test_rdf_and_rss091() -> None:
    rdf = parse_feed(RDF, "https://example.vn/rss")
    assert rdf.items[0].url == "https://example.vn/bai-viet-5551.html"
    assert rdf.items[0].published_at == datetime(2026, 3, 7, 8, 7, tzinfo=VN)
    old = parse_feed(RSS091, "http://old.example.vn/rss.xml")
    assert old.items[0].title == "Café news"
    assert old.items[0].summary == "Old & plain"


def test_billion_laughs_is_not_expanded() -> None:
    body = billion_laughs(levels=10)
    started = time.monotonic()
    with pytest.raises(FeedError, match="entity expansion refused"):
        parse_feed(body, "https://example.vn/rss")
    assert time.monotonic() - started < 10.0  # hang guard, not a timing claim


def test_quadratic_blowup_is_not_expanded() -> None:
    body = quadratic_blowup(entity_size=200_000, refs=20_000)  # would expand to 4 GB
    started = time.monotonic()
    with pytest.raises(FeedError, match="entity expansion refused"):
        parse_feed(body, "https://example.vn/rss")
    assert time.monotonic() - started < 10.0  # hang guard, not a timing claim


def test_strip_dtd_removes_subset_entities_and_keeps_the_rest() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "x.dtd" [\n'
        b'<!ENTITY % p "<!ENTITY q \']>\'>">\n<!-- ]> -->\n<!ENTITY a "x]>y">\n]>\n'
        b"<!ENTITY stray 'z'>\n<rss><channel/></rss>"
    )
    cleaned = strip_dtd(body)
    assert b"ENTITY" not in cleaned
    assert b'<!DOCTYPE rss SYSTEM "x.dtd" >' in cleaned
    assert cleaned.endswith(b"<rss><channel/></rss>")


def test_utf16_feed_with_entities_is_stripped() -> None:
    text = (
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [<!ENTITY a "AAAA">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>Tin &a;</title>'
        "<link>https://example.vn/tin-10003.html</link></item></channel></rss>"
    )
    result = parse_feed(text.encode("utf-16"), "https://example.vn/rss")
    assert result.items[0].url == "https://example.vn/tin-10003.html"
    assert "AAAA" not in (result.items[0].title or "")


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>",
        b"\xef\xbb\xbf\n<!-- cached -->\n<html lang='vi'><body><rss></rss></body></html>",
        b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    ],
)
def test_html_served_as_feed(body: bytes) -> None:
    with pytest.raises(FeedError, match="HTML served as a feed"):
        parse_feed(body, FEED_URL)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        bytes(range(256)) * 4,
        b'{"items": []}',
        b"just some text, not xml",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>cut',
    ],
)
def test_garbage_and_itemless_truncation_raise(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body, FEED_URL)


def test_truncated_feed_keeps_recovered_items() -> None:
    cut = VNEXPRESS_RSS[: VNEXPRESS_RSS.index(b"<title>C\xe1\xbb\xb1u") + 20]
    result = parse_feed(cut, FEED_URL)
    assert result.items[0].url.endswith("-4847001.html")
    assert result.items[0].title == "Bắt nhóm lừa đảo chiếm đoạt 50 tỷ đồng qua mạng"


def test_valid_empty_feed_is_empty_result() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    assert parse_feed(body, FEED_URL).items == ()


def test_non_http_and_missing_links_dropped_guid_permalink_used() -> None:
    body = (
        b'<rss version="2.0"><channel><title>x</title>'
        b"<item><title>a</title><link>mailto:a@example.vn</link></item>"
        b"<item><title>b</title><link>ftp://example.vn/x</link></item>"
        b"<item><title>c</title><guid>https://example.vn/c-10004.html</guid></item>"
        b'<item><title>d</title><guid isPermaLink="false">id-5</guid></item>'
        b"<item><title>e</title><link>  /e-10005.html  </link></item>"
        b"</channel></rss>"
    )
    result = parse_feed(body, "https://example.vn/rss/home.rss")
    assert [i.url for i in result.items] == [
        "https://example.vn/c-10004.html",
        "https://example.vn/e-10005.html",
    ]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_feed_of_200k_items_keeps_its_first_max_feed_items(kind: str) -> None:
    """A ~10 MB feed of 200k items (issue 14) is cut before item MAX_FEED_ITEMS + 1:
    the first ones, in order, at the cost of MAX_FEED_ITEMS items."""
    if kind == "rss":
        items = b"".join(
            b"<item><link>https://x.vn/a-%d.html</link></item>" % i for i in range(200_000)
        )
        body = b'<rss version="2.0"><channel><title>x</title>' + items + b"</channel></rss>"
    else:
        items = b"".join(
            b'<entry><link href="https://x.vn/a-%d.html"/></entry>' % i for i in range(200_000)
        )
        body = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>' + items + b"</feed>"
    result = parse_feed(body, "https://x.vn/rss.xml")
    expected = [f"https://x.vn/a-{i}.html" for i in range(discover_feed.MAX_FEED_ITEMS)]
    assert [item.url for item in result.items] == expected
