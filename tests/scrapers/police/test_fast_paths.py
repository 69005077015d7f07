"""Fast paths of the police extractors give what their plain definitions give, on random
texts built from the pieces the patterns care about."""

from __future__ import annotations

import random

import pytest

from scrapers.police.figures import _rules, figure_matches
from scrapers.police.prep import prepare
from scrapers.police.rules import anchored_regions

pytestmark = pytest.mark.unit

_PIECES = (
    "hơn", "trên", "lên tới", "chưa  đến", "khoảng", "ước tính", "xấp xỉ", "tối\nđa", "gần",
    "kg", "tỷ", "triệu", "đồng", "viên", "ma túy", "trở lên", "người", "vụ", "%", "tháng",
    "Điều", "điều", "năm", "SN", "Km", "loại", "heroin", "bị can", "a", "xhơn", "hơnx",
    "1", "12", "2,7", "1.500", "2.000.000", "19/6", "12:30", "2015-2020", "0693.187.200",
    "3-4", "5:6", "7.", ",8", "/9", "1 tỷ 200", "٣", "_", ".", ",", "(", ")", "-", ":", "/",
    "\n", "\t", "  ", " ", " ", " ", " ",
)  # fmt: skip


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 60)))


def test_figure_matches_equal_the_windowed_scan() -> None:
    rng = random.Random(7)
    rules = _rules()
    for _ in range(3000):
        key = prepare(_random_text(rng)).key
        plain = [
            m.span()
            for lo, hi in anchored_regions(key, 16, 64)
            for m in rules.figure_re.finditer(key, lo, hi)
        ]
        assert [m.span() for m in figure_matches(key, rules)] == plain, key
