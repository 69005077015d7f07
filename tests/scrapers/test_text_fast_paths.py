"""The fast paths of scrapers.text give what the plain definitions give: clean_text's
invisible-character check, the tone regex with its lookbehind after the first letter, and
strip_diacritics translating word by word (random strings over the characters that matter:
q/o/u before toned vowels, combining marks, invisibles, NBSP, đ, Hangul, İ)."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from scrapers import text

pytestmark = pytest.mark.unit

_ALPHABET = [
    *"qQoOuUaAeEyYđĐx1. ",
    *text._TONED,
    *text._INVISIBLE_CHARS,
    "\u00a0",
    "\u0301",
    "\u0300",
    "\u0344",
    "\uac00",
    "\u0130",
    "\U0001d15e",
]
_PLAIN_TONE = re.compile(rf"(?<![qQ])[oOuU][{text._TONED}](?![\u0300-\u036f])(?![^\W\d_])")


def _samples(count: int = 5000) -> list[str]:
    rng = random.Random(7)
    return ["".join(rng.choices(_ALPHABET, k=rng.randint(0, 14))) for _ in range(count)]


def _plain_bare(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


def test_clean_text_matches_its_definition() -> None:
    invisible = re.compile(f"[{text._INVISIBLE_CHARS}]+")
    for sample in _samples():
        nfc = unicodedata.normalize("NFC", sample)
        assert text.clean_text(sample) == " ".join(invisible.sub("", nfc).split())


def test_tone_placement_matches_the_lookbehind_first_regex() -> None:
    for sample in _samples():
        nfc = unicodedata.normalize("NFC", sample)
        expected = _PLAIN_TONE.sub(lambda m: text._NEW_PLACEMENT[m.group()], nfc)
        assert text.normalize_tone_placement(sample) == expected


def test_strip_diacritics_is_per_character() -> None:
    for sample in [*_samples(), "Công  an tỉnh Thanh Hoá ", "x" * 100 + "ố"]:
        nfc = unicodedata.normalize("NFC", sample)
        assert text.strip_diacritics(sample) == "".join(map(_plain_bare, nfc))
        assert text.strip_diacritics(sample) == "".join(map(_plain_bare, nfc))  # remembered


@pytest.mark.parametrize("char", list(text._INVISIBLE_CHARS))
def test_every_invisible_character_is_looked_for(char: str) -> None:
    assert text.clean_text(f"Công{char} an") == "Công an"
