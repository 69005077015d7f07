"""The spelled-out character classes (scrapers/police/classes.py) match what the categories
they stand for match, and the scans built on them find what the category-led scans find,
also on text with characters beyond the BMP (letters, digits, emoji)."""

from __future__ import annotations

import random
import re

import pytest

from scrapers.police.classes import DIGIT, NOT_WORD, NOT_WORD_CHECK
from scrapers.police.persons import _CUED_STARTS
from scrapers.police.place_chains import _MENTION_STARTS
from scrapers.police.prep import WordCues, prepare
from scrapers.police.rules import digit_runs
from scrapers.police.vocab import _scanner, scan
from tests.scrapers.police.test_fast_paths import assert_word_cue_starts

pytestmark = pytest.mark.unit

# Letters, digits and symbols beyond the BMP: 𝐀 (letter), 𝟕 (decimal digit), 𐒠 (Osmanya
# digit), 😀 and 🚨 (symbols), 𝔡 (letter).
_BEYOND = ("\U0001d400", "\U0001d7d5", "\U000104a0", "\U0001f600", "\U0001f6a8", "\U0001d521")


def test_classes_match_every_code_point_as_their_categories() -> None:
    not_word = re.compile(NOT_WORD + NOT_WORD_CHECK)
    digit = re.compile(DIGIT)
    for code in range(0x110000):
        ch = chr(code)
        assert (not_word.fullmatch(ch) is None) == (re.fullmatch(r"\W", ch) is None), hex(code)
        assert (digit.fullmatch(ch) is None) == (re.fullmatch(r"\d", ch) is None), hex(code)


_VOCAB_TEXT = (
    "công an", "tội phạm", "ma túy", "bắt giữ", "lừa đảo", "khởi tố", "truy nã", "an ninh",
    "tàng trữ", "đánh bạc", "x", "1", "_", "-", "(", "“", ".", ",", "\n", " ", "  ", " ",
    *_BEYOND,
)  # fmt: skip


def test_vocabulary_scan_equals_the_category_scan() -> None:
    scanner = _scanner()
    trie = scanner.at_start.pattern[len("(?=(") : -len("))")]
    plain_re = re.compile(r"\W(?=(" + trie + "))")
    rng = random.Random(5)
    for _ in range(2000):
        prep = prepare("".join(rng.choice(_VOCAB_TEXT) for _ in range(rng.randint(1, 40))))
        first = scanner.at_start.match(prep.key)
        plain = [(0, first.group(1))] if first is not None else []
        plain.extend((m.end(), m.group(1)) for m in plain_re.finditer(prep.key))
        assert list(scan(prep)) == [(at, " ".join(hit.split())) for at, hit in plain], prep.key


_CUE_TEXT = (
    "đại tá", "bị can", "bà", "đ/c", "đ/", "ông", "em", "anh", "tỉnh", "thị xã", "tp.", "xã",
    "quận", "a", "_", "1", "-", "(", ".", "\n", " ", " ", *_BEYOND,
)  # fmt: skip


@pytest.mark.parametrize("cues", [_CUED_STARTS, _MENTION_STARTS])
def test_word_cue_starts_beyond_the_bmp(cues: WordCues) -> None:
    assert_word_cue_starts(cues, _CUE_TEXT, seed=13, rounds=2000, longest=30)


_DIGIT_TEXT = ("1", "12", "2,7", "1.500", "19/6", "12:30", "3-4", "٣", "x", " ", "a1", *_BEYOND)


def test_digit_runs_equal_the_category_scan() -> None:
    rng = random.Random(17)
    for _ in range(2000):
        key = "".join(rng.choice(_DIGIT_TEXT) for _ in range(rng.randint(1, 30)))
        plain = tuple(m.span() for m in re.finditer(r"\d[\d.,/:-]*", key))
        assert digit_runs(key) == plain, key
