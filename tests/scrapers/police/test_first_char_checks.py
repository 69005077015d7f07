"""Patterns that test a cheap first-character set before their look-behinds find what the
same patterns without that set find (the set holds every character a match can begin
with), on random texts."""

from __future__ import annotations

import random
import re

import pytest

from scrapers.police.legal import _rules as legal_rules
from scrapers.police.lexicon import UP
from scrapers.police.person_details import _BIRTH, _RESIDENCE
from scrapers.police.persons import _DETAILED
from scrapers.police.places import _PERSON_BEFORE, _PERSON_WORDS
from scrapers.police.times import _TIME_RE

pytestmark = pytest.mark.unit

_PIECES = (
    "Nguyễn", "Văn", "A", "Trần", "Thị", "Bình", "N.V.A.", "H.", "Giám", "Đại tá", "Công an",
    "Phó", "đối tượng", "bị can", "anh", "ông", "lúc", "khoảng", "vào", "sáng", "chiều",
    "ngày", "hôm", "cùng ngày", "tháng", "năm", "22h", "19/6", "12", "3-4", "2024", "h", "giờ",
    "phút", "xã", "Thạch", "Hạ", "_", "1", "-", "(", ")", ".", ",", ":", "\n", " ", " ", " ",
    "É", "ß", "\U0001d400", "\U0001f600", "Bà", "BÀ", "chị", "Em", "đ/c", "Đồng chí", "cáo",
    "tượng", "HẠI", "Thiếu úy", "thượng tá", "K", "\u212a", "ſ", "ı", "SN", "sinh năm", "S.N.",
    "s.n", "1990", "2001", ": ", "trú tại", "TRÚ Ở", "thường trú", "tạm trú tại", "ngụ",
    "HKTT tại", "nơi ở hiện nay", "quê quán", "Quê ở", "ſinh năm", "ħ",
)  # fmt: skip


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def test_detailed_name_search_equals_the_plain_search() -> None:
    plain = re.compile(_DETAILED.pattern.replace(f"(?=[{UP}])", "", 1))
    assert plain.pattern != _DETAILED.pattern
    for text in _texts(3, 2000):
        for end in range(len(text) + 1):
            lo = max(0, end - 60)
            fast, slow = _DETAILED.search(text, lo, end), plain.search(text, lo, end)
            assert (fast and fast.span("name")) == (slow and slow.span("name")), (text, end)


def test_time_regex_equals_the_lookbehind_first_order() -> None:
    first = "(?=[rstcđknvlh\\d])"
    plain = re.compile(_TIME_RE.pattern.replace(first + "(?<![^\\W_])", "(?<![^\\W_])" + first, 1))
    assert plain.pattern != _TIME_RE.pattern
    for text in _texts(5, 3000):
        key = text.lower()
        fast = [(m.span(), m.groupdict()) for m in _TIME_RE.finditer(key)]
        assert fast == [(m.span(), m.groupdict()) for m in plain.finditer(key)], key


def test_legal_name_regex_equals_the_plain_alternation() -> None:
    name_re = legal_rules().name_re
    head = re.match(r"\(\?=\[[^\]]*\]\)\(\?:", name_re.pattern)
    assert head is not None and name_re.pattern.endswith(")")
    plain = re.compile(name_re.pattern[head.end() : -1])
    for text in _texts(7, 3000):
        assert [m.span() for m in name_re.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], text


def test_person_before_search_equals_the_plain_search() -> None:
    plain = re.compile(rf"(?i:{_PERSON_WORDS})\s*$")
    for text in _texts(9, 2000):
        for end in range(len(text) + 1):
            lo = max(0, end - 14)
            fast, slow = _PERSON_BEFORE.search(text, lo, end), plain.search(text, lo, end)
            assert (fast and fast.span()) == (slow and slow.span()), (text, end)


@pytest.mark.parametrize(
    ("fast", "lookahead"), [(_BIRTH, "(?=s)"), (_RESIDENCE, "(?i:(?=[tnhq]))")]
)
def test_details_searches_equal_the_plain_searches(fast: re.Pattern[str], lookahead: str) -> None:
    assert fast.pattern.startswith(lookahead)
    plain = re.compile(fast.pattern[len(lookahead) :], fast.flags)
    for text in _texts(11, 3000):
        found, expected = fast.search(text), plain.search(text)
        assert (found and found.span()) == (expected and expected.span()), text
