"""shingle_hashes' fast path (words found as bytes by a translate table and split, each
5-word shingle joined and hashed with crc32) gives what the plain definition gives: crc32
of each shingle's words joined with spaces, the words being the runs of \\w. Random texts
over ASCII, folded and unfolded Vietnamese, the punctuation handled as bytes, other
non-ASCII word and non-word characters, lone surrogates; short texts; real article texts."""

from __future__ import annotations

import json
import random
import re
import string
import zlib
from pathlib import Path

import pytest

from scrapers import fingerprint
from scrapers.fingerprint import SHINGLE, shingle_hashes, sketch
from scrapers.text import fold_key

pytestmark = pytest.mark.unit

_WORD = re.compile(r"\w+")
_GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "articles"
_ALPHABET = [
    *string.ascii_letters[:8],
    *string.digits[:3],
    *" _.,;:-()\"'?!/\t\n\x00\x7f",
    *"“”‘’…–—«»",
    *"đôếạỳ",
    "\u00a0",
    "\u0301",
    "é",
    "\u4e00",
    "²",
    "\U0001d7d8",
    "\u2003",
    "\ud800",
    "\u241e",
]


def _plain(text: str, size: int = SHINGLE, *, folded: bool = False) -> set[int]:
    words = _WORD.findall(text if folded else fold_key(text))
    if len(words) < size:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {
        zlib.crc32(" ".join(words[i : i + size]).encode()) for i in range(len(words) - size + 1)
    }


def _random_texts(count: int) -> list[str]:
    rng = random.Random(11)
    texts = []
    for _ in range(count):
        weights = [rng.random() for _ in _ALPHABET]
        texts.append("".join(rng.choices(_ALPHABET, weights, k=rng.randint(0, 80))))
    return texts


def _article_texts() -> list[str]:
    texts = []
    for path in sorted(_GOLDEN.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        parts = [record.get("title") or "", record.get("lead") or ""]
        texts.append("\n".join(parts + list(record.get("paragraphs") or [])))
    return texts


def test_ascii_bytes_split_on_the_regex_word_characters() -> None:
    for code in range(128):
        is_word = _WORD.fullmatch(chr(code)) is not None
        assert fingerprint._NOT_WORD[code] == (code if is_word else 0x20)
    for mark in fingerprint._PUNCTUATION:
        assert _WORD.search(mark.decode()) is None


@pytest.mark.parametrize("size", [1, 2, 3, SHINGLE, 7])
def test_random_texts_hash_as_the_plain_definition(size: int) -> None:
    for text in _random_texts(3000):
        assert shingle_hashes(text, size, folded=True) == _plain(text, size, folded=True)


def test_unfolded_and_short_texts() -> None:
    texts = [*_random_texts(300), "", " ", "Công", "Công an tỉnh", "a b c d", "a b c d e"]
    for text in texts:
        if "\ud800" not in text:  # fold_key does not take lone surrogates
            assert shingle_hashes(text) == _plain(text)
    for count in range(12):
        text = " ".join(f"từ{i} “x”" for i in range(count))
        assert shingle_hashes(text) == _plain(text)


def test_article_texts() -> None:
    texts = _article_texts()
    assert texts
    for text in texts:
        folded = fold_key(text)
        assert shingle_hashes(folded, folded=True) == _plain(folded, folded=True)
        assert sketch(folded, folded=True) == tuple(sorted(_plain(folded, folded=True))[:32])


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        shingle_hashes("a b c", 0)
