"""Golden tests: article pages → reviewed expected JSON (tests/golden/articles/<name>.json).

Real pages are read from the shared corpus (never copied); synthetic police-portal pages
live in tests/golden/articles/<name>.html and say so in their first comment.
Regenerate with `pytest tests/scrapers/test_golden_articles.py --regen-golden`, then review
every changed field against the page before committing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from scrapers.article import parse_article
from scrapers.dates import VN_TZ
from scrapers.serialize import record_from_dict, record_to_dict

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "articles"
FETCHED = datetime(2026, 3, 7, 12, 0, tzinfo=VN_TZ)


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    corpus_file: str | None = None  # a real page in the shared corpus
    selectors: dict[str, str] = field(default_factory=dict)


CASES = [
    Case(
        "vnexpress_5047363",
        "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html",
        "vnexpress_article_kinh-doanh_5047363.html",
    ),
    Case(
        "dantri_20260307080054340",
        "https://dantri.com.vn/kinh-doanh/gia-vang-giam-van-cao-hon-the-gioi-gan-20-trieu-"
        "dongluong-20260307080054340.htm",
        "dantri_article_kinh-doanh_20260307080054340.html",
    ),
    Case(
        "tuoitre_20260307075519174",
        "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm",
        "tuoitre_article_20260307075519174.html",
    ),
    Case(
        "plo_874982",
        "https://plo.vn/doan-dai-bieu-tphcm-dang-hoa-tuong-niem-cac-anh-hung-liet-si-tai-binh-"
        "duong-ba-ria-vung-tau-cu-post874982.html",
        "plo_article_chinh-tri_post874982.html",
    ),
    # synthetic pages (tests/golden/articles/<name>.html), police press and portals
    Case(
        "police_portal_thanhhoa_seed",
        "https://congan.thanhhoa.gov.vn/tin-tuc/nhan-rong-dien-hinh-tien-tien-trong-phong-trao-"
        "thi-dua-vi-an-ninh-to-quoc-1231.html",
    ),
    Case(
        "cand_old_layout",
        "http://cand.com.vn/Ban-tin-113/Bat-doi-tuong-trom-cap-tai-san-tai-cho-dau-moi-i480123/",
    ),
    Case(
        "cand_current_layout",
        "https://cand.com.vn/Ban-tin-113/triet-pha-duong-day-danh-bac-qua-mang-quy-mo-lon-i717585/",
    ),
    Case(
        "anninhthudo_cms",
        "https://www.anninhthudo.vn/khoi-to-doi-tuong-lua-dao-chiem-doat-tai-san-qua-mang-xa-hoi-"
        "post659326.antd",
    ),
    Case(
        "congan_hcm",
        "https://congan.com.vn/vu-an/phong-chong-ma-tuy/bat-qua-tang-nhom-doi-tuong-van-chuyen-"
        "ma-tuy_177907.html",
    ),
    Case(
        "baothanhhoa_new",
        "https://baothanhhoa.vn/cong-an-xa-hoang-hoa-bat-doi-tuong-trom-cap-xe-may-261234.htm",
    ),
    Case(
        "generic_unknown_layout",
        "https://congan.sonla.gov.vn/canh-bao/canh-giac-voi-thu-doan-gia-danh-cong-an-goi-dien-"
        "lua-dao/",
    ),
]


def _page_bytes(case: Case, corpus_pages: Path) -> bytes:
    if case.corpus_file is not None:
        path = corpus_pages / case.corpus_file
        if not path.exists():
            pytest.fail(f"shared corpus not found: {path}")
        return path.read_bytes()
    return (GOLDEN / f"{case.name}.html").read_bytes()


def _actual(case: Case, corpus_pages: Path) -> dict[str, Any]:
    record = parse_article(
        _page_bytes(case, corpus_pages),
        case.url,
        selectors=case.selectors or None,
        fetched_at=FETCHED,
    )
    return record_to_dict(record)


@pytest.mark.golden
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_article(case: Case, corpus_pages: Path, regen_golden: bool) -> None:
    actual = _actual(case, corpus_pages)
    expected_path = GOLDEN / f"{case.name}.json"
    if regen_golden:
        text = json.dumps(actual, ensure_ascii=False, indent=2) + "\n"
        expected_path.write_text(text, encoding="utf-8")
    assert expected_path.exists(), f"no golden for {case.name}; run with --regen-golden"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    for key in expected:
        assert actual.get(key) == expected[key], f"{case.name}: field {key!r} differs"
    assert set(actual) == set(expected)


@pytest.mark.golden
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_round_trip(case: Case, corpus_pages: Path) -> None:
    actual = _actual(case, corpus_pages)
    assert record_to_dict(record_from_dict(actual)) == actual
