"""Shared plumbing for the rule-based police extractors (pure).

- `prepare(text)`: the display form (NFC, invisibles dropped, lookalikes fixed, whitespace
  kept) and a same-length match key (tone placement normalised, lower case). Regexes run
  on the key; surfaces are sliced from the display form at the same offsets. So "HOÀ",
  "hòa", "hoà" and NFD input all match one cue.
- `table(name)`: a TOML rule file from `scrapers/police/data/`, read once through
  importlib.resources (the only I/O in the package).
- `alternation(terms)`: one compiled-ready regex alternation of cue words, longest first,
  bounded by non-letters, so a whole cue list costs one regex pass over the text.
- `sentences(prepared)`: sentence spans for context rules.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from scrapers.text import normalize_tone_placement

# Dropped (no text) or mapped to their Vietnamese lookalike; all keep offsets 1:1 except drops.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u00ad\u200b\u200c\u200d\u2060\u180e"), None)
_LOOKALIKE = {0x00D0: "Đ", 0x00F0: "đ", 0x00A0: " ", 0x202F: " ", 0x2007: " "}
_TRANSLATE: dict[int, str | None] = {**_INVISIBLE, **_LOOKALIKE}

# A sentence ends at . ! ? … (optionally closed by a quote/bracket) before an upper-case
# start, or at a line break / semicolon-free paragraph boundary.
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)]*\s+(?=[\"“‘(]?[^\W\d_])|\n+")


@dataclass(frozen=True, slots=True)
class Prepared:
    """Display text and its same-length match key."""

    text: str  # NFC display form; surfaces are slices of this
    key: str  # tone-normalised, lower-cased; key[i] corresponds to text[i]


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


@lru_cache(maxsize=16)
def prepare(text: str) -> Prepared:
    """Prepared form of one text; cached so the extractors share one normalisation."""
    display = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    key = _lower_same_length(normalize_tone_placement(display))
    if len(key) != len(display):  # never expected; keep offsets safe regardless
        key = _lower_same_length(display)
    return Prepared(display, key)


def key_of(term: str) -> str:
    """Match key of a cue word from a rule file (same normalisation as `prepare`)."""
    return prepare(" ".join(term.split())).key


@cache
def table(name: str) -> dict[str, Any]:
    """Load `scrapers/police/data/<name>.toml` (read once per process)."""
    data = resources.files("scrapers.police").joinpath("data", f"{name}.toml").read_bytes()
    return tomllib.loads(data.decode("utf-8"))


def alternation(terms: Iterable[str], *, left_bound: bool = True) -> str:
    """Regex source matching any term (key form) as whole words, longest first.

    Spaces in a term match any run of spaces; a term may end in a non-letter (e.g. "%").
    Without `left_bound` a term may follow a digit directly ("80%", "2,7kg").
    """
    keys = sorted({key_of(t) for t in terms if t.strip()}, key=len, reverse=True)
    parts = [r"\s+".join(re.escape(w) for w in k.split(" ")) for k in keys]
    left = r"(?<![^\W_])" if left_bound else ""
    return left + "(?:" + "|".join(parts) + r")(?![^\W_])"


def compile_terms(terms: Iterable[str]) -> re.Pattern[str]:
    return re.compile(alternation(terms))


def squash(key: str) -> str:
    """Collapse whitespace in a matched key so it can index a cue dictionary."""
    return " ".join(key.split())


def sentences(prepared: Prepared) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over the prepared text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(prepared.text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(prepared.text):
        spans.append((start, len(prepared.text)))
    return spans


def sentence_index(spans: list[tuple[int, int]], offset: int) -> int:
    """Index of the sentence holding `offset` (binary search)."""
    lo, hi = 0, len(spans) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if spans[mid][0] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


class WeightedCues:
    """Cue words with (label, weight), matched in one regex pass.

    `score(key, field_weight, cap)` sums weight × field_weight per label, each cue counted
    at most `cap` times (so a long body cannot drown a short title).
    """

    __slots__ = ("_cues", "_pattern")

    def __init__(self, groups: dict[str, dict[str, float]]) -> None:
        self._cues: dict[str, list[tuple[str, float]]] = {}
        for label, cues in groups.items():
            for cue, weight in cues.items():
                self._cues.setdefault(key_of(cue), []).append((label, float(weight)))
        self._pattern = compile_terms(self._cues)

    def score(self, key: str, field_weight: float, cap: int = 1_000_000) -> dict[str, float]:
        counts: dict[str, int] = {}
        for m in self._pattern.finditer(key):
            cue = squash(m.group(0))
            counts[cue] = counts.get(cue, 0) + 1
        out: dict[str, float] = {}
        for cue, count in counts.items():
            for label, weight in self._cues[cue]:
                out[label] = out.get(label, 0.0) + weight * field_weight * min(count, cap)
        return out


def add_scores(total: dict[str, float], more: dict[str, float], factor: float = 1.0) -> None:
    for label, value in more.items():
        total[label] = total.get(label, 0.0) + value * factor
