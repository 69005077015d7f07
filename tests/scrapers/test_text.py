"""Text keys: NFC, invisible characters, tone-mark placement, folding."""

from __future__ import annotations

import random
import unicodedata

import pytest

from scrapers.text import (
    clean_text,
    fold_key,
    normalize_tone_placement,
    text_prefix,
    tone_key,
    tone_key_pieces,
)

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


_LONG_ALPHABET = [
    *"aAoOuUqQyYđx1.", *"òóỏõọùúủũụýỳàé", "hoà", "thuỷ", "Quý", "Σ", "ΟΔΟΣ", "İ", " ", "  ",
    "\n", "\t", "\u00a0", "\u2000", "\u2001", "\u3000", "\u200b", "\ufeff", "\u00ad", "\u0301",
    "\u0300", "\u0323", "\u1100", "\u1161", "\x1c", "\u0085",
]  # fmt: skip


def _one_shot_clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for invisible in "\ufeff\u00ad\u200b\u200c\u200d\u2060\u180e":
        text = text.replace(invisible, "")
    return " ".join(text.split())


@pytest.mark.parametrize("seed", range(6))
def test_long_texts_are_cleaned_and_keyed_as_in_one_piece(seed: int) -> None:
    """Texts over 256k characters are cleaned (and tone-keyed) in pieces that end at
    whitespace: the same result as the one-shot definition, whitespace, invisibles,
    combining marks after spaces, old-style tones and final sigma included."""
    rng = random.Random(seed)
    block = "".join(rng.choices(_LONG_ALPHABET, k=rng.choice([3000, 70_000])))
    text = block * (400_000 // len(block) + 1)
    cleaned = _one_shot_clean(text)
    assert clean_text(text) == cleaned
    assert " ".join(tone_key_pieces(text)) == normalize_tone_placement(cleaned).lower()


def test_text_prefix_cuts_at_a_space_near_the_limit() -> None:
    assert text_prefix("ngắn", 10) == ("ngắn", None)
    text = "công an " * 1000  # 8,000 characters
    head, cut = text_prefix(text, 5000)
    assert cut == len(head) and 4000 <= cut <= 5000 and text.startswith(head)
    assert text[cut] == " "  # not inside a word
    assert text_prefix("x" * 3000, 2000) == ("x" * 2000, 2000)  # no space: at the limit
