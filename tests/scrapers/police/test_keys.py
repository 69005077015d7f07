"""Unit tests for search keys (scrapers.police.keys)."""

from __future__ import annotations

import unicodedata

import pytest

from scrapers.police.keys import search_keys
from scrapers.text import fold_key, tone_key


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "tone", "fold"),
    [
        ("Công an tỉnh Thanh Hoá", "công an tỉnh thanh hóa", "cong an tinh thanh hoa"),
        ("Công an tỉnh Thanh Hóa", "công an tỉnh thanh hóa", "cong an tinh thanh hoa"),
        ("ĐẠI UÝ  Đặng\u00a0Văn Đức", "đại úy đặng văn đức", "dai uy dang van duc"),
        ("“Vì an ninh Tổ quốc” – giai đoạn…", '"vì an ninh tổ quốc" - giai đoạn...',
         '"vi an ninh to quoc" - giai doan...'),
        ("Quý, Quỳnh, hoàn, thuở", "quý, quỳnh, hoàn, thuở", "quy, quynh, hoan, thuo"),
    ],
)  # fmt: skip
def test_search_keys(text: str, tone: str, fold: str) -> None:
    assert search_keys(text) == (tone, fold)
    assert search_keys(unicodedata.normalize("NFD", text)) == (tone, fold)


@pytest.mark.unit
def test_query_matches_both_spellings() -> None:
    _, folded = search_keys("Công an tỉnh Thanh Hoá")
    assert "thanh hoa" in folded
    assert search_keys("cong an tinh thanh hoa")[1] == folded


@pytest.mark.unit
def test_agrees_with_scrapers_text() -> None:
    text = "Đại tá Trần Phú Hà, Giám đốc Công an tỉnh Khánh Hoà, thuỷ lợi"
    assert search_keys(text) == (tone_key(text), fold_key(text))
