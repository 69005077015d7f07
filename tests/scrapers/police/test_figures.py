"""Figures: Vietnamese number style, scales, qualifiers, subjects, and false positives."""

from __future__ import annotations

import unicodedata

import pytest

from scrapers.police.figures import extract_figures, parse_number
from tests.scrapers.police.seed import seed_parts

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thu giữ hơn 2,7 kg heroin.", [(2.7, "kg", ">", "heroin")]),
        ("thu 1.500 viên ma túy tổng hợp", [(1500.0, "viên", "=", "ma túy tổng hợp")]),
        ("chiếm đoạt 1,2 tỷ đồng", [(1.2e9, "VND", "=", None)]),
        ("thiệt hại khoảng 1 tỷ 200 triệu đồng", [(1.2e9, "VND", "~", None)]),
        ("thiệt hại 6,5 tỉ.", [(6.5e9, "VND", "=", None)]),
        ("phạt 2.000.000 đồng", [(2e6, "VND", "=", None)]),
        ("đạt 80% trở lên", [(80.0, "%", ">=", None)]),
        ("khởi tố 175 vụ, 385 bị can", [(175.0, "vụ", "=", None), (385.0, "bị can", "=", None)]),
        ("75 tập thể, cá nhân điển hình", [(75.0, "tập thể, cá nhân", "=", None)]),
        ("gần 3 tấn pháo nổ", [(3.0, "tấn", "~", "pháo nổ")]),
        ("dưới 10 người", [(10.0, "người", "<", None)]),
        ("HƠN 2,7KG HEROIN", [(2.7, "kg", ">", "heroin")]),
        (unicodedata.normalize("NFD", "hơn 2,7 kg ma túy đá"), [(2.7, "kg", ">", "ma túy đá")]),
        ("2.5 kg cần sa", [(2.5, "kg", "=", "cần sa")]),
    ],
)
def test_figures(text: str, expected: list[tuple[float, str, str, str | None]]) -> None:
    got = [(f.value, f.unit, f.qualifier, f.subject) for f in extract_figures(text)]
    assert got == expected


@pytest.mark.parametrize(
    "text",
    [
        "liên hệ số điện thoại 0693.187.200 hoặc 113",
        "Quyết định số 12/2020/QĐ-UBND ngày 19/6/2020",
        "Nghị quyết 202/2025/QH15, Thông tư 11/2025/TT-BCA",
        "giai đoạn 2015-2020",
        "Nguyễn Văn A (SN 1990) bị xử lý theo Điều 174, khoản 2 Bộ luật Hình sự",
        "sinh năm 1982, trú tại thôn 3",
        "Km 12/3 QL1A",
        "Khoảng 22h30 ngày 15/6",
        "năm 2020",
    ],
)
def test_not_figures(text: str) -> None:
    assert extract_figures(text) == ()


def test_surface_includes_qualifier() -> None:
    (figure,) = extract_figures("thu giữ hơn 2,7 kg heroin")
    assert figure.surface == "hơn 2,7 kg heroin"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1.500", 1500.0), ("2,7", 2.7), ("2.000.000", 2e6), ("2.5", 2.5), ("1.234,5", 1234.5)],
)
def test_parse_number(raw: str, value: float) -> None:
    assert parse_number(raw) == value


def test_seed_figures() -> None:
    _, _, body = seed_parts()
    got = {(f.value, f.unit, f.qualifier) for f in extract_figures(body)}
    assert (80.0, "%", ">=") in got
    assert (96.0, "%", ">=") in got
    assert (75.0, "tập thể, cá nhân", "=") in got
    assert not any(f.value in (2015.0, 2020.0, 2025.0) for f in extract_figures(body))


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("đã điều 6 xe chữa cháy đến hiện trường", 6.0, "xe"),
        ("tước giấy phép lái xe 24 tháng", 24.0, "tháng"),
        ("tuyên phạt bị cáo 12 năm tù", 12.0, "năm tù"),
        ("rao bán 40 lô đất nền", 40.0, "lô"),
        ("chiếm đoạt tiền của 61 khách hàng", 61.0, "khách hàng"),
        ("chở 3.000 bao thuốc lá", 3000.0, "bao"),
        ("đăng tải 126 bài viết", 126.0, "bài viết"),
        ("ở mức 0,3 miligam/1 lít khí thở", 0.3, "mg/l khí thở"),
    ],
)
def test_dispatch_verb_and_added_units(text: str, value: float, unit: str) -> None:
    assert [(f.value, f.unit) for f in extract_figures(text)] == [(value, unit)]


@pytest.mark.parametrize(
    "text",
    ["theo Điều 6 xe", "sáng 19 tháng 6", "ngày 19 tháng 6 năm 2020", "6 tháng đầu năm 2021"],
)
def test_article_and_dates_still_not_figures(text: str) -> None:
    assert extract_figures(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "Sản lượng khai thác đạt 1,5 triệu thùng dầu mỗi ngày.",
        "Đoạn clip thu hút hơn 2 triệu lượt xem.",
        "Tổng đài đã gửi 3 triệu tin nhắn cảnh báo.",
    ],
)
def test_a_scaled_count_of_other_things_is_no_money(text: str) -> None:
    assert [f.unit for f in extract_figures(text)] == []


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("đã chiếm đoạt 1,5 triệu đô của nạn nhân", 1.5e6, "USD"),
        ("gây thiệt hại 1,2 tỷ, con số chưa dừng lại", 1.2e9, "VND"),
    ],
)
def test_scaled_money_without_or_with_a_dollar_unit(text: str, value: float, unit: str) -> None:
    assert [(f.value, f.unit) for f in extract_figures(text)] == [(value, unit)]
