"""Unit tests for police unit mentions (scrapers.police.units)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from scrapers.police.units import extract_units

D2020 = date(2020, 6, 19)
D2025 = date(2025, 9, 1)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "published", "publisher", "expected"),
    [
        ("Sáng 19-6, Công an tỉnh tổ chức hội nghị.", D2020, "Thanh Hóa",
         ("Công an tỉnh", "Công an tỉnh Thanh Hóa", "province", None, "Thanh Hóa", True, True)),
        ("Công an tỉnh Thanh Hoá vừa triệt phá đường dây.", D2020, "Nghệ An",
         ("Công an tỉnh Thanh Hoá", "Công an tỉnh Thanh Hóa", "province", None, "Thanh Hóa",
          False, True)),
        ("Công an TP Hà Nội cho biết.", D2025, None,
         ("Công an TP Hà Nội", "Công an thành phố Hà Nội", "province", None, "Hà Nội", False,
          True)),
        ("Cơ quan CSĐT Công an huyện Hoằng Hóa đã khởi tố vụ án.", D2020, "Thanh Hóa",
         ("Cơ quan CSĐT Công an huyện Hoằng Hóa",
          "Cơ quan Cảnh sát điều tra Công an huyện Hoằng Hóa", "district", None, "Thanh Hóa",
          False, True)),
        ("Trước đây Công an huyện Hoằng Hóa đã xử lý.", D2025, "Thanh Hóa",
         ("Công an huyện Hoằng Hóa", "Công an huyện Hoằng Hóa", "district", None, "Thanh Hóa",
          False, False)),
        ("Công an phường Hàm Rồng tiếp nhận tin báo.", D2025, "Thanh Hóa",
         ("Công an phường Hàm Rồng", "Công an phường Hàm Rồng", "commune", None, "Thanh Hóa",
          False, True)),
        ("Phòng Cảnh sát hình sự (PC02) phối hợp điều tra.", D2020, "Sơn La",
         ("Phòng Cảnh sát hình sự (PC02)", "Phòng Cảnh sát hình sự", "province", "PC02",
          "Sơn La", True, True)),
        ("Phòng CSGT Công an tỉnh Nghệ An ra quân.", D2020, None,
         ("Phòng CSGT", "Phòng Cảnh sát giao thông", "province", "PC08", "Nghệ An", False, True)),
        ("Lực lượng PC04 đã bắt quả tang.", D2020, "Khánh Hòa",
         ("PC04", "Phòng Cảnh sát điều tra tội phạm về ma túy", "province", "PC04", "Khánh Hòa",
          True, True)),
        ("Cục Cảnh sát hình sự (C02) Bộ Công an chỉ đạo.", D2025, None,
         ("Cục Cảnh sát hình sự (C02)", "Cục Cảnh sát hình sự", "ministry", "C02", None, False,
          True)),
    ],
)  # fmt: skip
def test_units(
    text: str, published: date, publisher: str | None, expected: tuple[object, ...]
) -> None:
    u = extract_units(text, published=published, publisher_province=publisher)[0]
    got = (u.surface, u.canonical_name, u.level, u.code, u.province, u.implicit, u.valid)
    assert got == expected


@pytest.mark.unit
def test_ministry_and_dedupe() -> None:
    text = "Bộ Công an khen thưởng Công an tỉnh. Công an tỉnh đã báo cáo Bộ Công an."
    units = extract_units(text, published=D2020, publisher_province="Thanh Hóa")
    assert [(u.canonical_name, u.level) for u in units] == [
        ("Bộ Công an", "ministry"),
        ("Công an tỉnh Thanh Hóa", "province"),
    ]


@pytest.mark.unit
def test_implicit_without_publisher_is_unresolved_but_flagged() -> None:
    u = extract_units("công an tỉnh đã vào cuộc.", published=D2020, publisher_province=None)[0]
    assert (u.canonical_name, u.province, u.implicit) == ("công an tỉnh", None, True)


@pytest.mark.unit
def test_nfd_and_lowercase() -> None:
    text = unicodedata.normalize("NFD", "phối hợp với công an tỉnh Khánh Hoà")
    u = extract_units(text, published=D2020, publisher_province=None)[0]
    assert (u.canonical_name, u.province_code) == ("Công an tỉnh Khánh Hòa", "56")


@pytest.mark.unit
def test_post_merger_province() -> None:
    u = extract_units("Công an tỉnh Lào Cai", published=D2025, publisher_province=None)[0]
    assert (u.canonical_name, u.province_code) == ("Công an tỉnh Lào Cai", "15")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Cơ quan An ninh điều tra Công an tỉnh Đắk Lắk khởi tố bị can.",
         "Cơ quan An ninh điều tra Công an tỉnh Đắk Lắk"),
        ("Cơ quan ANĐT Công an tỉnh Đắk Lắk khởi tố bị can.",
         "Cơ quan An ninh điều tra Công an tỉnh Đắk Lắk"),
        ("Cơ quan CSĐT Công an tỉnh Đắk Lắk khởi tố bị can.",
         "Cơ quan Cảnh sát điều tra Công an tỉnh Đắk Lắk"),
    ],
)  # fmt: skip
def test_security_investigation_agency_keeps_its_name(text: str, canonical: str) -> None:
    units = extract_units(text, published=D2020, publisher_province=None)
    assert [u.canonical_name for u in units] == [canonical]


@pytest.mark.unit
def test_implicit_unit_is_the_one_province_named_without_publisher() -> None:
    text = "Sáng 19/8, Công an tỉnh Quảng Ninh tổ chức lễ. Bộ trao huân chương cho Công an tỉnh."
    units = extract_units(text, published=D2020, publisher_province=None)
    implicit = [u for u in units if u.implicit]
    # The implicit mention resolves to the named province (one unit after dedupe).
    assert [u.canonical_name for u in units] == ["Công an tỉnh Quảng Ninh"]
    assert implicit == []
    two = "Công an tỉnh Quảng Ninh và Công an tỉnh Nghệ An. Trao cho Công an tỉnh."
    units = extract_units(two, published=D2020, publisher_province=None)
    assert [u.canonical_name for u in units if u.implicit] == ["Công an tỉnh"]
    alone = extract_units("Trao cho Công an tỉnh.", published=D2020, publisher_province=None)
    assert [(u.canonical_name, u.province) for u in alone] == [("Công an tỉnh", None)]
