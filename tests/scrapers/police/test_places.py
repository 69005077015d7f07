"""Unit tests for place mentions and the versioned gazetteer (scrapers.police.places)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from scrapers.police.gazetteer import gazetteer
from scrapers.police.places import extract_places

D2020 = date(2020, 6, 19)
D2024 = date(2024, 5, 1)
D2025 = date(2025, 9, 1)


@pytest.mark.unit
def test_gazetteer_counts() -> None:
    g = gazetteer()
    assert len(g.provinces["legacy"]) == 63
    assert len(g.provinces["2025"]) == 34
    assert len(g.units[("legacy", "district")]) == 696
    assert len(g.units[("legacy", "commune")]) == 10035
    assert len(g.units[("2025", "commune")]) == 3321
    # Codes are reused with another meaning after the merger (§6.3).
    assert g.provinces["legacy"]["15"].short == "Yên Bái"
    assert g.provinces["2025"]["15"].short == "Lào Cai"
    assert g.provinces["legacy"]["15"].codes_2025 == ("15",)
    assert g.provinces["legacy"]["10"].codes_2025 == ("15",)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "as_of", "publisher", "expected"),
    [
        ("Tại xã Hoằng Quỳ, huyện Hoằng Hoá, tỉnh Thanh Hóa", D2020, None,
         ("xã Hoằng Quỳ, huyện Hoằng Hoá, tỉnh Thanh Hóa", "commune", "legacy", "tone",
          "Thanh Hóa", "Thanh Hóa", "Huyện Hoằng Hóa", "Xã Hoằng Quỳ", ("Xã Hoằng Giang",))),
        ("trú tại xã Hoằng Quỳ (huyện Hoằng Hóa cũ), tỉnh Thanh Hóa", D2025, None,
         ("xã Hoằng Quỳ (huyện Hoằng Hóa cũ), tỉnh Thanh Hóa", "commune", "legacy", "exact",
          "Thanh Hóa", "Thanh Hóa", "Huyện Hoằng Hóa", "Xã Hoằng Quỳ", ("Xã Hoằng Giang",))),
        ("xã Hoằng Giang, tỉnh Thanh Hóa", D2025, None,
         ("xã Hoằng Giang, tỉnh Thanh Hóa", "commune", "2025", "exact", "Thanh Hóa",
          "Thanh Hóa", None, "Xã Hoằng Giang", ("Xã Hoằng Giang",))),
        ("Công an huyện Hoằng Hóa", D2020, "Thanh Hóa",
         ("huyện Hoằng Hóa", "district", "legacy", "exact", "Thanh Hóa", "Thanh Hóa",
          "Huyện Hoằng Hóa", None, ())),
        ("phường Hàm Rồng, TP Thanh Hóa", D2020, None,
         ("phường Hàm Rồng, TP Thanh Hóa", "commune", "legacy", "exact", "Thanh Hóa",
          "Thanh Hóa", "Thành phố Thanh Hóa", "Phường Hàm Rồng", ("Phường Hàm Rồng",))),
        ("tại TP Hà Nội", D2024, None,
         ("TP Hà Nội", "province", "legacy", "exact", "Hà Nội", "Hà Nội", None, None, ())),
        ("ở TP.HCM", D2025, None,
         ("TP.HCM", "province", "2025", "alias", "Hồ Chí Minh", "Hồ Chí Minh", None, None, ())),
        ("tỉnh Yên Bái (cũ)", D2025, None,
         ("tỉnh Yên Bái (cũ)", "province", "legacy", "exact", "Yên Bái", "Lào Cai", None, None,
          ())),
        ("tỉnh Bình Dương", D2024, None,
         ("tỉnh Bình Dương", "province", "legacy", "exact", "Bình Dương", "Hồ Chí Minh", None,
          None, ())),
        ("Phường 15, Quận 8, TP Hồ Chí Minh", D2024, None,
         ("Phường 15, Quận 8, TP Hồ Chí Minh", "commune", "legacy", "alias", "Hồ Chí Minh",
          "Hồ Chí Minh", "Quận 8", "Phường 15", ("Phường Phú Định",))),
        ("xã Hoằng Quý, huyện Hoằng Hóa", D2020, None,
         ("xã Hoằng Quý, huyện Hoằng Hóa", "commune", "legacy", "exact", "Thanh Hóa",
          "Thanh Hóa", "Huyện Hoằng Hóa", "Xã Hoằng Quý", ("Xã Hoằng Phú",))),
    ],
)  # fmt: skip
def test_admin_chains(
    text: str, as_of: date, publisher: str | None, expected: tuple[object, ...]
) -> None:
    p = extract_places(text, as_of=as_of, publisher_province=publisher)[0]
    got = (p.surface, p.kind, p.scheme, p.method, p.province, p.province_2025, p.district,
           p.commune, p.communes_2025)  # fmt: skip
    assert got == expected


@pytest.mark.unit
def test_nfd_and_old_tone_placement() -> None:
    text = unicodedata.normalize("NFD", "tại tỉnh Khánh Hoà")
    p = extract_places(text, as_of=D2020, publisher_province=None)[0]
    assert (p.surface, p.province, p.method) == ("tỉnh Khánh Hoà", "Khánh Hòa", "tone")


@pytest.mark.unit
def test_folded_only_when_unique() -> None:
    # "Hoang Quy" folds to both Hoằng Quỳ and Hoằng Quý: left unresolved (§4.2).
    text = "tại xã Hoang Quy, huyện Hoang Hoa"
    found = extract_places(text, as_of=D2020, publisher_province="Thanh Hóa")
    assert all(p.commune is None for p in found)
    assert [(p.district, p.method) for p in found] == [("Huyện Hoằng Hóa", "folded")]


@pytest.mark.unit
def test_seed_sentence_zone_and_bare_province() -> None:
    text = ("lực lượng công an đã triển khai các đề án bảo đảm ANTT Khu Kinh tế Nghi Sơn và "
            "các khách quốc tế đến thăm, làm việc tại Thanh Hóa.")  # fmt: skip
    found = extract_places(text, as_of=D2020, publisher_province="Thanh Hóa")
    zone = found[0]
    assert (zone.surface, zone.kind, zone.province_code, zone.district) == (
        "Khu Kinh tế Nghi Sơn", "economic_zone", "38", "Thị xã Nghi Sơn",
    )  # fmt: skip
    assert any(p.kind == "province" and p.surface == "Thanh Hóa" for p in found)


@pytest.mark.unit
def test_bare_names_need_plausibility() -> None:
    text = "Đại tá Lê Lợi và ông Trần Hưng Đạo dự lễ; Phú Hà là tên một xã."
    found = extract_places(text, as_of=D2020, publisher_province=None)
    assert found == ()


@pytest.mark.unit
def test_implicit_province() -> None:
    found = extract_places(
        "tình hình ANTT trên địa bàn tỉnh ổn định", as_of=D2020, publisher_province="Nghệ An"
    )
    assert [(p.province, p.method) for p in found] == [("Nghệ An", "implicit")]


@pytest.mark.unit
def test_lowercase_words_are_not_places() -> None:
    text = "các vấn đề xã hội, tỉnh ủy và thành phố đều quan tâm"
    assert extract_places(text, as_of=D2020, publisher_province=None) == ()


@pytest.mark.unit
@pytest.mark.parametrize(
    "text", ["tại tỉnh Bình Dương (cũ), rao bán", "tại huyện Bến Cát, tỉnh Bình Dương (cũ)"]
)
def test_former_province_marked_cu(text: str) -> None:
    (place,) = extract_places(text, as_of=D2025, publisher_province="Hồ Chí Minh")
    assert (place.province, place.province_2025) == ("Bình Dương", "Hồ Chí Minh")
    plain = extract_places("tại tỉnh Bình Dương", as_of=D2025, publisher_province=None)
    assert [(p.province, p.province_2025) for p in plain] == [("Hồ Chí Minh", "Hồ Chí Minh")]
