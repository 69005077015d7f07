"""Shared plumbing for the rule-based police extractors (pure).

- `prepare(text)`: the display form (NFC, invisibles dropped, lookalikes fixed, whitespace
  kept) and a same-length match key (tone placement normalised, lower case). Regexes run
  on the key; surfaces are sliced from the display form at the same offsets. So "HOÀ",
  "hòa", "hoà" and NFD input all match one cue.
- `table(name)`: a TOML rule file from `scrapers/police/data/`, read once through
  importlib.resources (the only I/O in the package).
- `alternation(terms)`: a regex of cue words folded into a character trie, longest first,
  bounded by non-letters.
- `sentences(prepared)`: sentence spans for context rules (cached; do not mutate).
- The shared one-pass cue scanner lives in `vocab.py`.
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
_ODD_CHARS = re.compile("[" + "".join(map(chr, _TRANSLATE)) + "]")
# An o/u before a toned a/e/y: the only place old-style tone placement can occur; most
# texts have none and skip the NFD round trip of normalize_tone_placement.
_MAYBE_OLD_TONE = re.compile("(?<![qQ])[oOuU][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ](?![^\\W\\d_])")

# A sentence ends at . ! ? … (optionally closed by a quote/bracket) before an upper-case
# start, or at a line break / semicolon-free paragraph boundary.
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)\n*|[.!?…]*[\"”’)]*\s+(?=[\"“‘(]?[^\W\d_]))")


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
    display = text
    if not unicodedata.is_normalized("NFC", display):
        display = unicodedata.normalize("NFC", display)
    if _ODD_CHARS.search(display) is not None:  # str.translate is slow on non-ASCII text
        display = display.translate(_TRANSLATE)
    toned = normalize_tone_placement(display) if _MAYBE_OLD_TONE.search(display) else display
    key = _lower_same_length(toned)
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
    """Regex source matching any term (key form) as whole words; longer terms win.

    The terms are folded into a character trie ("c(?:ông an|ảnh sát)"), so the regex engine
    follows one branch per character instead of trying every term at every word start.
    Spaces in a term match any run of spaces; a term may end in a non-letter (e.g. "%").
    Without `left_bound` a term may follow a digit directly ("80%", "2,7kg").
    """
    trie: dict[str, Any] = {}
    for term in terms:
        if not term.strip():
            continue
        node = trie
        for ch in key_of(term):
            node = node.setdefault(ch, {})
        node[""] = {}
    left = r"\b" if left_bound else ""
    return left + "(?:" + _trie_source(trie) + r")(?![^\W_])"


def _trie_source(node: dict[str, Any]) -> str:
    branches = []
    for ch in sorted(k for k in node if k):
        head = r"\s+" if ch == " " else re.escape(ch)
        branches.append(head + _trie_source(node[ch]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # A term ending here: the longer continuation is tried first (greedy), then this end.
    return f"(?:{body})?" if "" in node else body


def compile_terms(terms: Iterable[str]) -> re.Pattern[str]:
    return re.compile(alternation(terms))


def squash(key: str) -> str:
    """Collapse whitespace in a matched key so it can index a cue dictionary."""
    return " ".join(key.split())


@lru_cache(maxsize=16)
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


_DIGITS = re.compile(r"\d[\d.,/:-]*")


def digit_runs(key: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _DIGITS.finditer(key)]


def anchored_regions(
    key: str, before: int, after: int, anchors: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Merged windows around sorted `anchors` (digit runs by default): a regex that needs
    a number then runs only there instead of over the whole text."""
    if anchors is None:
        anchors = digit_runs(key)
    regions: list[tuple[int, int]] = []
    for start, end in anchors:
        lo, hi = max(0, start - before), min(len(key), end + after)
        if regions and lo <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], hi))
        else:
            regions.append((lo, hi))
    return regions


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
