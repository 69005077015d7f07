# ruff: noqa: E501
from __future__ import annotations

import os
import re
from pathlib import Path

import lxml.html
import pytest

from scrapers import discover_html
from scrapers.discover_html import parse_listing
from scrapers.discover_links import absolute_http_url
from scrapers.errors import FeedError

pytestmark = pytest.mark.unit

_SHARED = os.environ.get("NEWSWORKER_SHARED_DIR")  # same rule as tests/conftest.py
PAGES = (
    (Path(_SHARED) if _SHARED else Path(__file__).resolve().parents[3] / "shared")
    / "corpus"
    / "pages"
)
ARTICLE_URL = re.compile(r"-\d{5,}\.html?$")

# (file, page URL from PROVENANCE.tsv, the site's own listing selector, count range)
LISTINGS = [
    (
        "vnexpress_listing_kinh-doanh.html",
        "https://vnexpress.net/kinh-doanh",
        "article.item-news h3.title-news a",
        (45, 60),
    ),
    (
        "dantri_listing_kinh-doanh.html",
        "https://dantri.com.vn/kinh-doanh.htm",
        "article.article-item h3 a",
        (35, 55),
    ),
    (
        "tuoitre_listing_kinh-doanh.html",
        "https://tuoitre.vn/kinh-doanh.htm",
        "div.box-category-item a.box-category-link-title",
        (10, 25),
    ),
    (
        "baochinhphu_listing_chinh-sach-moi.html",
        "https://baochinhphu.vn/chinh-sach-va-cuoc-song/chinh-sach-moi.htm",
        "div.box-category-item a.box-category-link-title, div.box-stream-item a.box-stream-link-title",
        (20, 40),
    ),
]


def _page(name: str) -> str:
    path = PAGES / name
    if not path.exists():
        pytest.fail(f"corpus page missing: {path}")
    return path.read_text(encoding="utf-8")


def _chrome_links(html: str, base: str) -> set[str]:
    doc = lxml.html.fromstring(html)
    anchors = doc.xpath("//nav//a[@href] | //header//a[@href] | //footer//a[@href]")
    return {u for a in anchors if (u := absolute_http_url(a.get("href"), base))}


@pytest.mark.parametrize(("name", "base", "selector", "bounds"), LISTINGS)
def test_heuristic_finds_main_listing_on_real_pages(
    name: str, base: str, selector: str, bounds: tuple[int, int]
) -> None:
    html = _page(name)
    found = parse_listing(html, base, item_selector=None)
    urls = [i.url for i in found.items]
    low, high = bounds
    assert low <= len(urls) <= high
    assert len(set(urls)) == len(urls)
    assert all(ARTICLE_URL.search(u) for u in urls), [u for u in urls if not ARTICLE_URL.search(u)]
    assert all(i.title and len(i.title.split()) >= 3 for i in found.items)
    assert all(i.kind == "html_list" for i in found.items)
    assert not set(urls) & _chrome_links(html, base)
    # the site's own main-listing links are found (dantri's sidebar block aside)
    main = [i.url for i in parse_listing(html, base, item_selector=selector).items]
    missing = [u for u in main if u not in set(urls)]
    assert len(missing) <= 5, missing


def test_vnexpress_known_items_titles_and_next_page() -> None:
    html = _page("vnexpress_listing_kinh-doanh.html")
    result = parse_listing(html, "https://vnexpress.net/kinh-doanh", item_selector=None)
    titles = {i.url: i.title for i in result.items}
    assert (
        titles["https://vnexpress.net/gia-vang-the-gioi-tang-manh-dau-tho-vuot-90-usd-5047621.html"]
        == "Giá vàng thế giới tăng mạnh, dầu thô vượt 90 USD"
    )
    assert "https://vnexpress.net/vn-index-mat-hon-40-diem-5047451.html" in titles
    assert "https://vnexpress.net/kinh-doanh/quoc-te" not in titles
    assert "https://vnexpress.net/bat-dong-san" not in titles
    assert result.next_pages == ("https://vnexpress.net/kinh-doanh-p2",)


def test_dantri_known_items_no_topic_pages() -> None:
    html = _page("dantri_listing_kinh-doanh.html")
    result = parse_listing(html, "https://dantri.com.vn/kinh-doanh.htm", item_selector=None)
    urls = [i.url for i in result.items]
    assert urls[0] == (
        "https://dantri.com.vn/kinh-doanh/"
        "gia-vang-giam-van-cao-hon-the-gioi-gan-20-trieu-dongluong-20260307080054340.htm"
    )
    assert "https://dantri.com.vn/kinh-doanh/toan-canh-kinh-te-tu-nhan.htm" not in urls
    assert "https://dantri.com.vn/kinh-doanh/tin-buoc-cung-viet-nam.htm" not in urls
    assert result.next_pages == ("https://dantri.com.vn/kinh-doanh/trang-2.htm",)


def test_tuoitre_and_baochinhphu_known_items() -> None:
    tuoitre = parse_listing(
        _page("tuoitre_listing_kinh-doanh.html"), "https://tuoitre.vn/kinh-doanh.htm",
        item_selector=None,
    )  # fmt: skip
    urls = {i.url for i in tuoitre.items}
    assert (
        "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm"
        in urls
    )
    assert "https://tuoitre.vn/kinh-te-tu-nhan-e1921.htm" not in urls  # event page
    gov = parse_listing(
        _page("baochinhphu_listing_chinh-sach-moi.html"),
        "https://baochinhphu.vn/chinh-sach-va-cuoc-song/chinh-sach-moi.htm",
        item_selector=None,
    )
    titles = {i.url: i.title for i in gov.items}
    assert (
        titles["https://baochinhphu.vn/quy-dinh-quy-tac-ung-xu-cua-nha-giao-102260204143437364.htm"]
        == "Quy định quy tắc ứng xử của nhà giáo"
    )


def test_selector_mode_on_real_page_and_container_selector() -> None:
    html = _page("vnexpress_listing_kinh-doanh.html")
    by_link = parse_listing(
        html, "https://vnexpress.net/kinh-doanh", item_selector="article.item-news h3.title-news a"
    )
    assert len(by_link.items) == 47
    by_box = parse_listing(
        html, "https://vnexpress.net/kinh-doanh", item_selector="article.item-news"
    )
    assert [i.url for i in by_box.items][: len(by_link.items)] == [i.url for i in by_link.items]
    assert all(i.title for i in by_box.items)  # image link first, title filled from headline


SYNTHETIC = """<html><body>
<nav><a href="/phap-luat/an-ninh-trat-tu/vu-an-moi-nhat-ca-nuoc-hom-nay-123456.html">
Vụ án mới nhất cả nước hôm nay trong menu</a></nav>
<div class="main-menu"><a href="/tin-moi-1234567.html">Tin mới nhất trong khối menu chính</a></div>
<div class="list">
 <div class="item"><a href="/Ban-tin-113/bat-giu-doi-tuong-cuop-tai-san-i717585/"><img src="x.jpg"></a>
  <h3><a href="/Ban-tin-113/bat-giu-doi-tuong-cuop-tai-san-i717585/#comments">
   Bắt giữ đối tượng cướp tài sản</a></h3></div>
 <div class="item"><h3><a href="https://m.example.vn/vu-an/ma-tuy/triet-pha-duong-day_177907.html">
  Triệt phá đường dây ma túy xuyên tỉnh</a></h3></div>
 <div class="item"><h3><a href="https://other.vn/bai-khac-1234567.html">Bài của trang khác hẳn</a></h3></div>
 <div class="item"><h3><a href="/tag/ma-tuy-12345.html">Ma túy tổng hợp mới nhất</a></h3></div>
 <div class="item"><h3><a href="javascript:void(0)">Không phải liên kết bài viết</a></h3></div>
 <div class="item"><h3><a href="/phap-luat/80.antd">Pháp luật</a></h3></div>
</div>
<footer><a href="/gioi-thieu-ve-chung-toi-toa-soan-9999999.html">Giới thiệu về chúng tôi tòa soạn</a></footer>
<div class="paging"><a class="next" href="?page=2">Sau</a></div>
</body></html>"""


def test_heuristic_rules_on_synthetic_listing() -> None:
    result = parse_listing(SYNTHETIC, "https://www.example.vn/Ban-tin-113/", item_selector=None)
    assert [(i.url, i.title) for i in result.items] == [
        (
            "https://www.example.vn/Ban-tin-113/bat-giu-doi-tuong-cuop-tai-san-i717585/",
            "Bắt giữ đối tượng cướp tài sản",
        ),
        (
            "https://m.example.vn/vu-an/ma-tuy/triet-pha-duong-day_177907.html",
            "Triệt phá đường dây ma túy xuyên tỉnh",
        ),
    ]
    assert result.next_pages == ("https://www.example.vn/Ban-tin-113/?page=2",)


def test_slug_only_site_uses_long_headlines() -> None:
    html = """<html><body><div id="content">
    <h2 class="entry-title"><a href="/chong-dien-bien-hoa-binh/canh-giac-voi-luan-dieu-xuyen-tac/">
    Cảnh giác với luận điệu xuyên tạc trên mạng xã hội</a></h2>
    <a href="/chong-dien-bien-hoa-binh/canh-giac-voi-luan-dieu-xuyen-tac/">Đọc tiếp…</a>
    <a href="/chong-dien-bien-hoa-binh/">Chống diễn biến hòa bình</a>
    </div></body></html>"""
    result = parse_listing(
        html, "https://congan.sonla.gov.vn/chong-dien-bien-hoa-binh/", item_selector=None
    )
    assert [(i.url, i.title) for i in result.items] == [
        (
            "https://congan.sonla.gov.vn/chong-dien-bien-hoa-binh/canh-giac-voi-luan-dieu-xuyen-tac/",
            "Cảnh giác với luận điệu xuyên tạc trên mạng xã hội",
        )
    ]


def test_selector_links_resolved_deduplicated_and_custom_next() -> None:
    html = """<html><body><ul>
    <li><a class="t" href="a-1.html#top">A</a></li><li><a class="t" href="a-1.html">A again</a></li>
    <li><a class="t" href="mailto:x@y.vn">mail</a></li><li><a class="t" href="//cdn.example.vn/b-2.html">B</a></li>
    <li><a class="t" href="  ">blank</a></li></ul>
    <div class="pg"><a href="/list?p=2">2</a><a href="/list?p=3">3</a><a href="/list?p=2">2</a></div>
    </body></html>"""
    result = parse_listing(
        html, "https://example.vn/list/", item_selector="a.t", next_selector=".pg a"
    )
    assert [(i.url, i.title) for i in result.items] == [
        ("https://example.vn/list/a-1.html", "A"),
        ("https://cdn.example.vn/b-2.html", "B"),
    ]
    assert result.next_pages == ("https://example.vn/list?p=2", "https://example.vn/list?p=3")


def test_empty_page_and_bad_selector_raise() -> None:
    with pytest.raises(FeedError):
        parse_listing("  ", "https://example.vn/", item_selector=None)
    with pytest.raises(FeedError, match="invalid CSS selector"):
        parse_listing("<p>x</p>", "https://example.vn/", item_selector="a[")


def test_a_page_gives_at_most_max_listing_links(monkeypatch: pytest.MonkeyPatch) -> None:
    name, url, selector, _ = LISTINGS[0]
    html = (PAGES / name).read_text(encoding="utf-8")
    by_selector = [i.url for i in parse_listing(html, url, item_selector=selector).items]
    by_heuristic = [i.url for i in parse_listing(html, url, item_selector=None).items]
    assert len(by_selector) > 5 and len(by_heuristic) > 5
    monkeypatch.setattr(discover_html, "MAX_LISTING_LINKS", 5)
    capped = [i.url for i in parse_listing(html, url, item_selector=selector).items]
    assert capped == by_selector[: len(capped)] and 0 < len(capped) <= 5  # the first, in order
    capped = [i.url for i in parse_listing(html, url, item_selector=None).items]
    assert 0 < len(capped) <= 5
    assert capped == [u for u in by_heuristic if u in capped]  # in page order
