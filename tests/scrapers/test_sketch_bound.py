"""sketch's fast path (keep only the shingle hashes below a bound that about 4k of them
lie under, sort those; all of them when fewer than k distinct do) gives what the plain
definition gives: the k smallest distinct crc32 of the shingles, ascending. Long random
texts over a large vocabulary (bound path) and a tiny one (few distinct shingles:
fallback), texts around the length where the bound starts, several k, unfolded texts;
_below against a plain filter on random values."""

from __future__ import annotations

import heapq
import random
import re
import zlib
from collections.abc import Iterable

import pytest

from scrapers import fingerprint
from scrapers.fingerprint import SHINGLE, sketch
from scrapers.text import fold_key

pytestmark = pytest.mark.unit

_WORD = re.compile(r"\w+")
_SYLLABLES = [
    "cong",
    "an",
    "tinh",
    "thanh",
    "hoa",
    "bat",
    "giu",
    "doi",
    "tuong",
    "ma",
    "tuy",
    "nam",
    "2024",
    "vu",
    "viec",
    "dieu",
    "tra",
]


def _plain(text: str, k: int, *, folded: bool = False) -> tuple[int, ...]:
    words = _WORD.findall(text if folded else fold_key(text))
    if len(words) < SHINGLE:
        hashes = {zlib.crc32(" ".join(words).encode())} if words else set()
    else:
        spans = range(len(words) - SHINGLE + 1)
        hashes = {zlib.crc32(" ".join(words[i : i + SHINGLE]).encode()) for i in spans}
    return tuple(heapq.nsmallest(k, hashes))


def _text(rng: random.Random, words: int, vocabulary: int) -> str:
    if vocabulary > len(_SYLLABLES):
        pool = [f"{rng.choice(_SYLLABLES)}{rng.randrange(vocabulary)}" for _ in range(words)]
    else:
        pool = rng.choices(_SYLLABLES[:vocabulary], k=words)
    return " ".join(pool)


def test_below_is_the_sorted_distinct_values_under_the_bound() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        values = [rng.randrange(1 << rng.choice((3, 10, 32))) for _ in range(rng.randrange(60))]
        bound = rng.choice((0, 1, 1 << 32, rng.randrange(1 << 32), *values[:1]))
        assert fingerprint._below(iter(values), bound) == sorted({v for v in values if v < bound})


def test_long_texts_take_both_paths_and_match_the_plain_sketch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found: list[int] = []
    original = fingerprint._below

    def below(values: Iterable[int], bound: int) -> list[int]:
        kept = original(values, bound)
        found.append(len(kept))
        return kept

    monkeypatch.setattr(fingerprint, "_below", below)
    rng = random.Random(7)
    paths = {"bound": 0, "fallback": 0}
    for _ in range(400):
        k = rng.choice((0, 1, 7, 32, 32, 100))
        words = rng.choice((rng.randrange(8 * k + 6), 8 * k + 4, 8 * k + 5, rng.randrange(3000)))
        text = _text(rng, words, rng.choice((1, 2, 3, 100_000)))
        before = len(found)
        assert sketch(text, k, folded=True) == _plain(text, k, folded=True)
        if len(found) > before:
            paths["bound" if found[-1] >= k else "fallback"] += 1
    assert min(paths.values()) > 30, paths


def test_unfolded_texts() -> None:
    rng = random.Random(9)
    for _ in range(20):
        text = " ".join(rng.choices(["Công", "an", "tỉnh", "Thanh", "Hoá", "“bắt”", "giữ"], k=600))
        text += _text(rng, rng.randrange(1000), 100_000)
        assert sketch(text) == _plain(text, 32)
