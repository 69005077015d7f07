"""Unit tests for parse_article behaviour not covered by the goldens (small inline pages)."""

from __future__ import annotations

from datetime import datetime

import pytest

from scrapers.article import parse_article
from scrapers.dates import VN_TZ
from scrapers.errors import ArticleParseError

URL = "https://example.vn/tin-tuc/bai-viet-123.html"
PARAS = "".join(
    f"<p>Đoạn văn số {i} của bài viết, có đủ chữ để được tính là nội dung chính của trang.</p>"
    for i in range(1, 5)
)


def page(head: str = "", body: str = "") -> str:
    return f"<html lang='vi'><head>{head}</head><body>{body}</body></html>"


@pytest.mark.unit
def test_source_selectors_win_and_are_recorded() -> None:
    html = page(
        "<meta property='og:title' content='Tiêu đề meta'>",
        "<h2 class='t'>Tiêu đề theo bộ chọn</h2><div class='s'>(CAO) Sapo bài.</div>"
        f"<div class='b'>{PARAS}</div><span class='d'>11:10 18/07/2022</span>",
    )
    selectors = {"title": "h2.t", "lead": "div.s", "body": "div.b", "date": "span.d"}
    record = parse_article(html, URL, selectors=selectors)
    assert record.title == "Tiêu đề theo bộ chọn"
    assert record.lead == "Sapo bài."
    assert len(record.paragraphs) == 4
    assert record.published_at == datetime(2022, 7, 18, 11, 10, tzinfo=VN_TZ)
    assert record.extraction["title"] == "selectors"
    assert record.extraction["paragraphs"] == "selectors"
    assert record.extraction["published_at"] == "selectors"


@pytest.mark.unit
def test_bad_selector_falls_through_to_other_layers() -> None:
    html = page("<meta property='og:title' content='Tiêu đề meta'>", f"<div>{PARAS}</div>")
    record = parse_article(html, URL, selectors={"title": "h1[[", "body": "div.missing"})
    assert record.title == "Tiêu đề meta"
    assert record.extraction["title"] == "meta"
    assert record.extraction["paragraphs"] == "generic"


@pytest.mark.unit
def test_no_title_raises() -> None:
    with pytest.raises(ArticleParseError):
        parse_article(page(body=f"<div>{PARAS}</div>"), URL)


@pytest.mark.unit
def test_no_body_raises() -> None:
    with pytest.raises(ArticleParseError):
        parse_article(page("<title>Chỉ có tiêu đề thôi</title>", "<p>ngắn</p>"), URL)


@pytest.mark.unit
def test_empty_document_raises() -> None:
    with pytest.raises(ArticleParseError):
        parse_article(b"   ", URL)


@pytest.mark.unit
def test_bytes_are_decoded_as_utf8() -> None:
    html = page(
        "<meta charset='utf-8'><title>Công an tỉnh Thanh Hóa</title>", f"<div>{PARAS}</div>"
    )
    record = parse_article(html.encode("utf-8"), URL)
    assert record.title == "Công an tỉnh Thanh Hóa"


@pytest.mark.unit
def test_hex_references_and_split_spans() -> None:
    html = page(
        body="<h1>C&#xF4;ng an t&#x1EC9;nh</h1><div class='content'>"
        "<p><span>Côn</span><span>g</span> an x&atilde; v&agrave;o cu&#x1ED9;c kịp thời, "
        "ngăn chặn vụ lừa đảo qua mạng, giúp người dân giữ lại tài sản.</p>" + PARAS + "</div>"
    )
    record = parse_article(html, URL)
    assert record.title == "Công an tỉnh"
    assert record.paragraphs[0].startswith("Công an xã vào cuộc kịp thời")


@pytest.mark.unit
def test_date_split_across_nodes_and_us_title_attribute() -> None:
    # baochinhphu prints "01/03/2026" <svg> "09:51", with a US-order title attribute.
    html = page(
        body="<h1 class='detail-title' data-role='title'>Chính sách mới từ tháng 3</h1>"
        "<div data-role='publishdate' title='3/1/2026 9:51:00 AM'>01/03/2026<svg></svg>09:51</div>"
        f"<div data-role='content'>{PARAS}</div>"
    )
    record = parse_article(html, URL)
    assert record.published_at == datetime(2026, 3, 1, 9, 51, tzinfo=VN_TZ)
    assert record.extraction["published_at"] == "cms:detail"


@pytest.mark.unit
def test_meta_date_beats_visible_date() -> None:
    html = page(
        "<meta property='article:published_time' content='2026-03-07T08:01:53+07:00'>",
        "<h1 class='detail-title' data-role='title'>Tiêu đề bài viết</h1>"
        "<div data-role='publishdate'>07/03/2026 08:01 GMT+7</div>"
        f"<div data-role='content'>{PARAS}</div>",
    )
    record = parse_article(html, URL)
    assert record.published_at == datetime(2026, 3, 7, 8, 1, 53, tzinfo=VN_TZ)
    assert record.published_raw == "2026-03-07T08:01:53+07:00"


@pytest.mark.unit
def test_unparseable_date_is_null_with_warning() -> None:
    html = page(
        "<meta property='article:published_time' content='hôm nào đó'>",
        f"<h1>Tiêu đề bài viết dài</h1><div>{PARAS}</div>",
    )
    record = parse_article(html, URL)
    assert record.published_at is None
    assert any("unparseable date 'hôm nào đó'" in w for w in record.warnings)


@pytest.mark.unit
def test_relative_date_uses_fetch_time() -> None:
    fetched = datetime(2026, 3, 7, 9, 0, tzinfo=VN_TZ)
    html = page(
        body="<h1>Tiêu đề bài viết dài</h1><span class='time-ago'>2 giờ trước</span>"
        f"<div>{PARAS}</div>"
    )
    record = parse_article(html, URL, fetched_at=fetched)
    assert record.published_at == datetime(2026, 3, 7, 7, 0, tzinfo=VN_TZ)


@pytest.mark.unit
def test_canonical_made_absolute_and_share_og_url_ignored() -> None:
    html = page(
        "<link rel='canonical' href='/bai-viet-post874982.html'>"
        "<meta property='og:url' content='https://example.vn/share874982.html'>"
        "<title>Tiêu đề bài viết dài</title>",
        f"<div>{PARAS}</div>",
    )
    record = parse_article(html, URL)
    assert record.canonical_url == "https://example.vn/bai-viet-post874982.html"
    assert record.language == "vi"


@pytest.mark.unit
def test_canonical_defaults_to_url_and_language_from_html() -> None:
    head = "<head><title>A long enough title</title></head>"
    html = f"<html lang='en-US'>{head}<body><div>{PARAS}</div></body></html>"
    record = parse_article(html, URL)
    assert record.canonical_url == URL
    assert record.language == "en"


@pytest.mark.unit
def test_credit_is_not_an_author() -> None:
    html = page(
        "<meta property='og:title' content='Tiêu đề bài viết dài'>",
        f"<div class='content'>{PARAS}<p><em>Theo CAND</em></p></div>",
    )
    record = parse_article(html, URL)
    assert record.authors == ()
    assert record.credits == ("CAND",)
    assert "Theo CAND" not in record.paragraphs
