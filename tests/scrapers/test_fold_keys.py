"""scrapers.text.FoldKeys answers `fold_key(text) in {fold_key(t) for t in texts}` without
folding text whose word count rules it out; the facts that rest on are checked over every
code point, and the answers against the plain membership test on random strings (spaces of
all kinds, invisibles, combining marks, toned vowels, đ, İ)."""

from __future__ import annotations

import random
import sys
import unicodedata

import pytest

from scrapers import text

pytestmark = pytest.mark.unit

_ALPHABET = [
    *"qQoOuUaAeEđĐx1. ",
    " ",
    " ",
    *text._TONED[:6],
    *text._INVISIBLE_CHARS,
    "\u00a0",
    "\u2000",
    "\u3000",
    "\t",
    "\n",
    "\u0301",
    "\u0344",
    "\u0130",
    "\u2126",
]


def _samples(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choices(_ALPHABET, k=rng.randint(0, 12))) for _ in range(count)]


def test_code_points_keep_spaces_through_folding() -> None:
    """NFC/NFD map whitespace to exactly one whitespace character and make none (nor an
    invisible character) from anything else; lower-casing and bare letters make no space."""
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if unicodedata.category(ch) in ("Cs", "Co", "Cn"):
            continue  # surrogates, private use, unassigned: no mappings
        space = ch.isspace()
        for form in (unicodedata.normalize("NFD", ch), unicodedata.normalize("NFC", ch)):
            assert any(c.isspace() for c in form) == space, hex(code)
            assert not space or len(form) == 1, hex(code)
            assert ch in text._INVISIBLE_CHARS or not text._has_invisible(form), hex(code)
        assert ch == " " or " " not in ch.lower(), hex(code)
        assert ch == " " or " " not in _plain_bare(ch), hex(code)


def _plain_bare(ch: str) -> str:
    """text._BARE's entry for one character (computed here: the table fills lazily)."""
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


@pytest.mark.parametrize("seed", range(6))
def test_fold_keys_hold_what_fold_key_membership_holds(seed: int) -> None:
    rng = random.Random(seed)
    texts = _samples(rng, 3000)
    for _ in range(300):
        keys_of = rng.sample(texts, rng.randint(0, 3))
        keys = text.FoldKeys(keys_of)
        plain = {text.fold_key(t) for t in keys_of}
        variants = [f" {t.replace(' ', chr(0xA0) + ' ').upper()}\t" for t in keys_of]
        for sample in rng.sample(texts, 40) + keys_of + variants:
            expected = text.fold_key(sample) in plain
            assert keys.holds(sample) == expected, (keys_of, sample)
            assert keys.holds(sample, len(sample.split())) == expected, (keys_of, sample)


def test_fold_keys_match_across_spacing_and_tones() -> None:
    keys = text.FoldKeys(["Công an  tỉnh Thanh Hoá", ""])
    assert keys.holds("cong an tinh thanh hoa")
    assert keys.holds("CÔNG\u00a0AN tỉnh thanh hóa ")
    assert keys.holds("   ")
    assert keys.holds("\u200b")  # folds to "", as the empty text does
    assert not keys.holds("cong an tinh thanh")
    assert not text.FoldKeys([]).holds("")
