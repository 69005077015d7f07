"""Shared plumbing for the rule-based police extractors (pure).

- `prepare(text)` (from `prep.py`, the one shared preparation): the display form (NFC,
  invisibles dropped, lookalikes fixed, whitespace kept) and a same-length match key (tone
  placement normalised, lower case). Regexes run on the key; surfaces are sliced from the
  display form at the same offsets. So "HOÀ", "hòa", "hoà" and NFD input all match one cue.
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
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Any, cast

from scrapers.police.prep import Prepared, memoised, prepare

__all__ = ["Prepared", "memoised", "prepare"]  # re-exported: the extractors import them from here

# A sentence ends at . ! ? … (optionally closed by a quote/bracket) before an upper-case
# start, or at a line break / semicolon-free paragraph boundary.
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)\n*|[.!?…]*[\"”’)]*\s+(?=[\"“‘(]?[^\W\d_]))")


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


def sentences(prepared: Prepared) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over the prepared text (memoised on it; do not mutate)."""
    memo = prepared.memo.get("sentences")
    if memo is not None:
        return cast(list[tuple[int, int]], memo)
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(prepared.text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(prepared.text):
        spans.append((start, len(prepared.text)))
    prepared.memo["sentences"] = spans
    return spans


_DIGITS = re.compile(r"\d[\d.,/:-]*")


@lru_cache(maxsize=8)
def digit_runs(key: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every run of digits and number punctuation; cached for the last few
    texts (figures and event times both ask)."""
    return tuple((m.start(), m.end()) for m in _DIGITS.finditer(key))


def anchored_regions(
    key: str, before: int, after: int, anchors: Sequence[tuple[int, int]] | None = None
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
