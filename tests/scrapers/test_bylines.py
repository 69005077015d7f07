"""Unit tests for byline parsing (scrapers.bylines)."""

from __future__ import annotations

import pytest

from scrapers.bylines import looks_like_byline, parse_byline, split_authors


@pytest.mark.unit
@pytest.mark.parametrize(
    ("line", "authors", "credit"),
    [
        ("Hà Thu (tổng hợp)", ("Hà Thu",), None),
        ("THUẬN VĂN - LÊ ÁNH", ("THUẬN VĂN", "LÊ ÁNH"), None),
        ("THUẬN VĂN, LÊ ÁNH", ("THUẬN VĂN", "LÊ ÁNH"), None),
        ("NHẬT XUÂN;NGHI VŨ", ("NHẬT XUÂN", "NGHI VŨ"), None),
        ("THUẬN VĂN - ", ("THUẬN VĂN",), None),
        ("SONG MAI", ("SONG MAI",), None),
        ("Bài và ảnh: Tố Phương", ("Tố Phương",), None),
        ("Bài, ảnh: Minh Anh - Văn Tùng", ("Minh Anh", "Văn Tùng"), None),
        ("Tin, ảnh: Lê Hợi", ("Lê Hợi",), None),
        ("Nhóm PV", ("Nhóm PV",), None),
        ("Theo CAND", (), "CAND"),
        ("Theo TTXVN.", (), "TTXVN"),
        ("Nguồn: Bộ Công an", (), "Bộ Công an"),
        ("Hoàng Lam (Theo TTXVN)", ("Hoàng Lam",), "TTXVN"),
        ("Tố Phương", ("Tố Phương",), None),
        ("H.Y.T.", ("H.Y.T.",), None),
        ("Minh Chiến và Quang Huy", ("Minh Chiến", "Quang Huy"), None),
        ("Sáng 19-6, Công an tỉnh tổ chức hội nghị.", (), None),
        ("vnexpress.net", (), None),
    ],
)
def test_parse_byline(line: str, authors: tuple[str, ...], credit: str | None) -> None:
    parsed = parse_byline(line)
    assert parsed.authors == authors
    assert parsed.credit == credit


@pytest.mark.unit
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tố Phương", True),
        ("Hà Thu (tổng hợp)", True),
        ("THU HÀ", True),
        ("Theo CAND", True),
        ("Bài và ảnh: Tố Phương", True),
        ("Kết luận", False),
        ("Hỗ trợ doanh nghiệp", False),
        ("Vụ án đang được tiếp tục mở rộng điều tra.", False),
        ("Đại diện các cụm ký giao ước thi đua.", False),
    ],
)
def test_looks_like_byline(line: str, expected: bool) -> None:
    assert looks_like_byline(line) is expected


@pytest.mark.unit
def test_split_authors_dedupes_across_nodes() -> None:
    assert split_authors(["NHẬT XUÂN", "NHẬT XUÂN", "NGHI VŨ"]) == ("NHẬT XUÂN", "NGHI VŨ")
