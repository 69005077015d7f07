"""clean_text returns a text that is already single-spaced as it is; the test that decides so
(printable, no space at an end, no two in a row) agrees with " ".join(text.split()) on every
code point and on random strings over all kinds of whitespace."""

from __future__ import annotations

import random
import re
import sys
import unicodedata

import pytest

from scrapers import text

pytestmark = pytest.mark.unit

_ALPHABET = [
    *"aZ1.đ ",
    " ",
    " ",
    *text._INVISIBLE_CHARS,
    *"\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000",
    "\x7f",
    "\u0301",
    "\u1ec7",
    "\u2126",
]


def test_whitespace_other_than_space_is_not_printable() -> None:
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if ch.isspace() and ch != " ":
            assert not ch.isprintable(), hex(code)


def test_single_spaced_means_unchanged_by_split_and_join() -> None:
    rng = random.Random(11)
    for _ in range(20000):
        sample = "".join(rng.choices(_ALPHABET, k=rng.randint(0, 10)))
        if text._single_spaced(sample):
            assert " ".join(sample.split()) == sample, repr(sample)


def test_clean_text_matches_its_definition_on_all_whitespace() -> None:
    invisible = re.compile(f"[{text._INVISIBLE_CHARS}]+")
    rng = random.Random(5)
    for _ in range(20000):
        sample = "".join(rng.choices(_ALPHABET, k=rng.randint(0, 10)))
        nfc = unicodedata.normalize("NFC", sample)
        assert text.clean_text(sample) == " ".join(invisible.sub("", nfc).split()), repr(sample)
