"""Police structure through the pipeline: stored on the record, queryable facets, and the
same case reported by two outlets linked into one case cluster (synthetic pages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.e2e.helpers import feed_source_toml, ingest_context, make_settings, write_source
from tests.fixtures.site import FixtureSite
from worker.db.models import Article, ArticleFacet
from worker.pipeline import run_source

pytestmark = pytest.mark.db

# SYNTHETIC: two reports of one drug case (arrest by the provincial portal, prosecution
# by a newspaper), and one unrelated ceremony report.
ARREST = [
    "Ngày 12-3, Phòng Cảnh sát điều tra tội phạm về ma túy (PC04) Công an tỉnh Thanh Hóa "
    "bắt quả tang Nguyễn Văn Hùng (SN 1990, trú tại xã Hoằng Quang, huyện Hoằng Hóa) đang "
    "mua bán trái phép chất ma túy, thu giữ hơn 2,7 kg heroin.",
    "Đại tá Trần Phú Hà, Giám đốc Công an tỉnh, đã chỉ đạo mở rộng điều tra.",
]
CHARGE = [
    "Cơ quan CSĐT Công an tỉnh Thanh Hóa vừa khởi tố bị can Nguyễn Văn Hùng (SN 1990) về tội "
    "“Mua bán trái phép chất ma túy” sau khi thu giữ 2,7 kg heroin hôm 12-3.",
    "Vụ án đang được tiếp tục điều tra, mở rộng.",
]
CEREMONY = [
    "Sáng 19-6, Công an tỉnh tổ chức hội nghị điển hình tiên tiến trong phong trào thi đua "
    "“Vì an ninh Tổ quốc”, khen thưởng 75 tập thể, cá nhân.",
]


def _page(url: str, title: str, paragraphs: list[str], published: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html lang="vi"><head><title>{title}</title><link rel="canonical" href="{url}">'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def _serve(site: FixtureSite, prefix: str, pages: list[tuple[str, str, list[str], str]]) -> None:
    items = ""
    for slug, title, paragraphs, published in pages:
        url = site.url(f"{prefix}/{slug}.html")
        site.add(f"{prefix}/{slug}.html", _page(url, title, paragraphs, published),
                 content_type="text/html; charset=utf-8")  # fmt: skip
        items += f"<item><title>{title}</title><link>{url}</link></item>"
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )
    site.add(f"{prefix}/rss.xml", feed, content_type="application/rss+xml")


def test_case_linked_across_outlets_and_facets_stored(tmp_path: Path, db_url: str) -> None:
    with FixtureSite() as site:
        _serve(site, "/portal", [
            ("bat-qua-tang-10001", "Bắt quả tang đối tượng mua bán ma túy", ARREST,
             "2026-03-12T15:00:00+07:00"),
            ("hoi-nghi-10002", "Hội nghị điển hình tiên tiến", CEREMONY,
             "2026-06-19T10:30:00+07:00"),
        ])  # fmt: skip
        _serve(site, "/bao", [
            ("khoi-to-20001", "Khởi tố đối tượng mua bán 2,7 kg heroin", CHARGE,
             "2026-03-20T09:00:00+07:00"),
        ])  # fmt: skip
        settings = make_settings(tmp_path, db_url)
        portal = write_source(
            settings, "portal",
            feed_source_toml(site.url("/portal/rss.xml")).replace(
                'outlet_type = "newspaper"', 'outlet_type = "police_portal"'),
        )  # fmt: skip
        paper = write_source(settings, "bao", feed_source_toml(site.url("/bao/rss.xml")))
        with ingest_context(settings) as (ctx, runtime):
            assert run_source(ctx, portal).created == 2
            assert run_source(ctx, paper).created == 1
            with runtime.sessions() as session:
                rows = {a.url.rsplit("/", 1)[-1]: a for a in session.scalars(select(Article))}
                arrest, charge = rows["bat-qua-tang-10001.html"], rows["khoi-to-20001.html"]
                ceremony = rows["hoi-nghi-10002.html"]
                facets = {
                    (f.facet, f.value)
                    for f in session.scalars(
                        select(ArticleFacet).where(ArticleFacet.article_id == arrest.id)
                    )
                }
    police = arrest.record["police"]
    suspect = next(p for p in police["persons"] if p["name"] == "Nguyễn Văn Hùng")
    assert suspect["birth_year"] == 1990 and suspect["role"] in ("suspect", "accused")
    official = next(p for p in police["persons"] if p["rank"] == "Đại tá")
    assert official["name"] == "Trần Phú Hà"
    assert any(c["article"] == "251" for c in police["crimes"])
    assert ("crime_article", "251") in facets and ("person", "nguyen van hung") in facets
    assert any(f == "province" for f, _ in facets)
    assert arrest.is_police_affairs is True
    assert charge.case_id == arrest.case_id == arrest.id
    assert ceremony.case_id != arrest.case_id
    assert ceremony.genre == "event_report"
