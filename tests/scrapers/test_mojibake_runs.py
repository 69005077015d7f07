"""scrapers.encoding.mojibake_runs: the sequence regex tried only at its hint gives the
matches of _MOJIBAKE_SEQ.finditer (same spans, same order) on random texts mixing lead and
continuation characters, real UTF-8-read-as-Latin-1 runs, ASCII, Vietnamese and characters
beyond Latin-1; mojibake_score counts the same runs as its plain definition, and
repair_mojibake gives what re.sub of the repairable runs gives."""

from __future__ import annotations

import random
import re

import pytest

from scrapers.encoding import (
    _MOJIBAKE_SEQ,
    MOJIBAKE_MIN_SEQUENCES,
    _repair_sequence,
    mojibake_runs,
    mojibake_score,
    repair_mojibake,
)

_CHARS = (
    "a",
    " ",
    "\u00c2",
    "\u00c3",
    "\u00df",
    "\u00e0",
    "\u00e1",
    "\u00ef",
    "\u00f0",
    "\u00f4",
    "\u00f5",
    "\u00c1",
    "\u0080",
    "\u0099",
    "\u00a9",
    "\u00bf",
    "\u00c0",
    "ế",
    "\u2019",
    "\U0001f600",
)
_RUNS = tuple("Lao Động Công an ế © — 😀".encode().decode("latin-1").split(" "))


def _text(rng: random.Random) -> str:
    parts = [
        rng.choice(_RUNS) if rng.random() < 0.2 else "".join(rng.choices(_CHARS, k=3))
        for _ in range(rng.randint(0, 40))
    ]
    return "".join(parts)


@pytest.mark.parametrize("seed", range(400))
def test_runs_are_the_finditer_matches(seed: int) -> None:
    text = _text(random.Random(seed))
    expected = [m.span() for m in _MOJIBAKE_SEQ.finditer(text)]
    assert [m.span() for m in mojibake_runs(text)] == expected
    plain = sum(1 for m in _MOJIBAKE_SEQ.finditer(text) if _repair_sequence(m.group()) is not None)
    assert mojibake_score(text) == plain


@pytest.mark.parametrize("seed", range(200))
def test_repair_is_the_sub_of_repairable_runs(seed: int) -> None:
    """repair_mojibake rebuilds the text from mojibake_runs: the same text as the plain
    definition (re.sub of every repairable run, when at least MOJIBAKE_MIN_SEQUENCES)."""
    rng = random.Random(seed)
    text = "".join(_text(rng) for _ in range(1 if seed % 4 else 300))

    def fix(match: re.Match[str]) -> str:
        return _repair_sequence(match.group()) or match.group()

    plain = _MOJIBAKE_SEQ.sub(fix, text) if mojibake_score(text) >= MOJIBAKE_MIN_SEQUENCES else text
    assert repair_mojibake(text) == (plain, plain != text)
