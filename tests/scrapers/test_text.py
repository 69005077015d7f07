"""Text keys: NFC, invisible characters, tone-mark placement, folding."""

from __future__ import annotations

import unicodedata

import pytest

from scrapers.text import clean_text, fold_key, normalize_tone_placement, tone_key

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"), ("Thanh Hoá", "Thanh Hóa"), ("thuỷ", "thủy"), ("Uỷ ban", "Ủy ban"),
        ("khoẻ", "khỏe"), ("hoạ sĩ", "họa sĩ"), ("Thuỵ", "Thụy"), ("Toà án", "Tòa án"),
        # already new-style, or not an open oa/oe/uy syllable: unchanged
        ("hòa", "hòa"), ("hoàng", "hoàng"), ("quý", "quý"), ("quỳnh", "quỳnh"),
        ("khuya", "khuya"), ("thuế", "thuế"),
        # a second mark on the vowel (circumflex, breve) is not old-style placement
        ("Huệ", "Huệ"), ("Thuận", "Thuận"),
        ("Nguyễn Thị Huệ, Thanh Hoá", "Nguyễn Thị Huệ, Thanh Hóa"),
        ("thuật hoà", "thuật hòa"),
    ],
)  # fmt: skip
def test_tone_placement(old: str, new: str) -> None:
    assert normalize_tone_placement(old) == new
    assert normalize_tone_placement(unicodedata.normalize("NFD", old)) == new


def test_clean_text_removes_invisible_and_folds_whitespace() -> None:
    raw = "\ufeff(PLO)-\u00a0Sáng\u200b 19-6,\u2003Công\u00adan \n\t tỉnh "
    assert clean_text(raw) == "(PLO)- Sáng 19-6, Côngan tỉnh"
    assert clean_text(unicodedata.normalize("NFD", "Hoằng Hóa")) == "Hoằng Hóa"


def test_keys_match_across_spellings() -> None:
    assert tone_key("Công an tỉnh Thanh Hoá") == tone_key("CÔNG AN TỈNH THANH HÓA")
    assert fold_key("Công an tỉnh Thanh Hoá") == "cong an tinh thanh hoa"
    assert fold_key("Đại tá") == "dai ta"
