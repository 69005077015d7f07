"""The one text preparation shared by every police extractor (pure).

`prepare(text)` returns a `Prepared`, cached for the last few texts, so the extractors that
run on one article (relevance, genre, persons, units, places, crimes, legal steps, figures,
times, notices, search keys) normalise it once. It holds two same-length pairs:

- `text` / `key` (event extractors): the display form — NFC, invisible characters dropped,
  lookalikes fixed (Ð→Đ, NBSP→space), whitespace kept — and its match key (one tone
  placement, lower case); key[i] corresponds to text[i].
- `clean` / `norm` (persons, units, places, search keys): `scrapers.text.clean_text(text)`
  (whitespace collapsed) and its tone-normalised twin, case kept; norm[i] ↔ clean[i].

`memo` holds results derived from the text (sentence spans, the cue scan, extractor output)
so a second caller gets them for free; values stored there must be immutable or never
mutated by callers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add
from typing import TypeVar, cast

from scrapers.text import fold_key, normalize_tone_placement, tone_key

# Keys of short strings (names, place names) that recur across mentions and articles.
cached_tone_key = lru_cache(maxsize=16384)(tone_key)
cached_fold_key = lru_cache(maxsize=16384)(fold_key)

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u00ad\u200b\u200c\u200d\u2060\u180e"), None)
# Dropped (no text) or mapped to their Vietnamese lookalike; all keep offsets 1:1 except drops.
_LOOKALIKE = {0x00D0: "Đ", 0x00F0: "đ", 0x00A0: " ", 0x202F: " ", 0x2007: " "}
_TRANSLATE: dict[int, str | None] = {**_INVISIBLE, **_LOOKALIKE}
_ODD_CHARS = re.compile("[" + "".join(map(chr, _TRANSLATE)) + "]")
_HAS_INVISIBLE = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")
# Whitespace clean_text would change: anything but a single plain space.
_ODD_SPACE = re.compile(r"[^\S ]|  ")
_TONED = "àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ"
# An o/u before a toned a/e/y ending a syllable: the only place old-style tone placement
# can occur. Most texts have none and skip the NFD round trip of normalize_tone_placement.
_MAYBE_OLD_TONE = re.compile(f"[oOuU][{_TONED}]")
# = r"(?<![qQ])[oOuU][toned](?![^\W\d_])", the lookbehind moved after the first letter so
# the regex engine can skip ahead to an o/u (5x faster on long text).
_OLD_TONE = re.compile(rf"[oOuU](?<![qQ][oOuU])[{_TONED}](?![^\W\d_])")
# Characters that re.IGNORECASE equates with a letter other than their lower case (ı ~ i,
# ſ ~ s, ...): where one occurs, literal pre-checks on the lowered text are not used.
_CASE_TRAPS = re.compile(
    "[\u0131\u017f\u1e9b\ufb05\ufb06\u0345\u03c2\u03d0-\u03d1\u03d5"
    "\u03d6\u03f0\u03f1\u03f5\u1fbe\u212a\u2126\u00b5]"
)


class Prepared:
    """One text in the forms the extractors match on (see the module docstring)."""

    __slots__ = (
        "_breaks", "_clean", "_low", "_norm", "_visible", "key", "memo", "old_tone", "text",
    )  # fmt: skip

    def __init__(self, text: str, key: str, visible: str, old_tone: bool) -> None:
        self.text = text  # NFC display form; surfaces of event records are slices of this
        self.key = key  # tone-normalised, lower-cased; key[i] corresponds to text[i]
        self.old_tone = old_tone  # old-style tone placement occurs (then in `clean` too)
        self.memo: dict[object, object] = {}
        self._visible = visible  # NFC, invisibles dropped (what clean_text collapses)
        self._clean: str | None = None
        self._norm: str | None = None
        self._low: str | None = None
        self._breaks: tuple[int, ...] = ()  # see line_breaks

    @property
    def clean(self) -> str:
        """clean_text(original): NFC, invisibles dropped, whitespace runs → one space."""
        if self._clean is None:
            self._clean_pair()
        assert self._clean is not None
        return self._clean

    @property
    def norm(self) -> str:
        """`clean` with one tone-mark placement, same length (case kept)."""
        if self._norm is None:
            self._clean_pair()
        assert self._norm is not None
        return self._norm

    def low(self) -> str | None:
        """`norm` lower-cased (same length) for literal pre-checks, or None when a literal
        search there could miss what a case-insensitive regex finds in `norm`."""
        if self._low is None:
            low = self.norm.lower()
            ok = len(low) == len(self.norm) and _CASE_TRAPS.search(low) is None
            self._low = low if ok else ""
        return self._low or None

    def _clean_pair(self) -> None:
        visible = self._visible
        if _ODD_SPACE.search(visible) is None:
            clean = visible.strip()
        elif "\n" in visible or "\r" in visible:
            clean, self._breaks = _collapse_lines(visible)
        else:
            clean = " ".join(visible.split())
        norm = clean
        if self.old_tone:
            norm = _OLD_TONE.sub(lambda m: normalize_tone_placement(m.group()), clean)
            if len(norm) != len(clean):  # cannot happen for NFC input; keep offsets consistent
                clean = norm
        self._clean, self._norm = clean, norm


def _collapse_lines(visible: str) -> tuple[str, tuple[int, ...]]:
    """`" ".join(visible.split())` and the offsets in it of the spaces that join two lines
    (split at "\n" and "\r"; a line of whitespace only is no line). Splitting at whitespace
    line by line gives the same words as splitting the whole text."""
    lines = visible.replace("\r", "\n").split("\n")
    collapsed = list(filter(None, map(" ".join, map(str.split, lines))))
    ends = accumulate(map(add, map(len, collapsed[:-1]), repeat(1)), initial=-1)
    next(ends)
    return " ".join(collapsed), tuple(ends)


T = TypeVar("T")


def memoised(prep: Prepared, name: str, compute: Callable[[Prepared], T]) -> T:
    """`compute(prep)`, computed once per prepared text (the result must be immutable)."""
    if name in prep.memo:
        return cast(T, prep.memo[name])
    value = prep.memo[name] = compute(prep)
    return value


def line_breaks(prep: Prepared) -> tuple[int, ...]:
    """Offsets in `prep.clean`/`prep.norm` of the spaces that stand for a line break of the
    original text (title / lead / paragraph boundaries): a person name or a cue never runs
    across one. Sorted; found with `clean` (see `_collapse_lines`)."""
    if prep._norm is None:
        prep._clean_pair()
    return prep._breaks


def cue_starts(prep: Prepared, cues: re.Pattern[str]) -> list[int] | None:
    """Offsets in `prep.norm` where the literal `cues` pattern matches its lowered copy, or
    None when that pre-check is not safe. For `finditer_from`, every offset where the guarded
    regex can match must begin a cue hit: no such offset may lie inside another hit."""
    low = prep.low()
    return None if low is None else [m.start() for m in cues.finditer(low)]


def search_cued(
    prep: Prepared, cues: re.Pattern[str], pattern: re.Pattern[str]
) -> re.Match[str] | None:
    """`pattern.search(prep.norm)` for a case-insensitive `pattern`, tried only where the
    literal `cues` pattern matches the lowered text. Every match of `pattern` must begin
    with a cue hit, and no match may begin inside another cue hit."""
    low = prep.low()
    if low is None:
        return pattern.search(prep.norm)
    for cue in cues.finditer(low):
        found = pattern.match(prep.norm, cue.start())
        if found is not None:
            return found
    return None


class WordCues:
    """Cue words (each beginning with a letter) that can only begin at a word start, for a
    pre-check on the lowered text: `starts(prep)` = offsets in `prep.norm` where one begins
    at 0 or after a non-word character, or None when the pre-check is not safe.

    The cue words of every WordCues are looked for in one scan per text (`_cue_scan`),
    each then keeps the offsets where one of its own words begins."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(words)
        if not all(map(_cue_word_ok, self.words)):
            raise ValueError(f"cue words must be letters (a non-letter may end one): {self.words}")
        _ALL_CUES.append(self)

    def starts(self, prep: Prepared) -> list[int] | None:
        low = prep.low()
        if low is None:
            return None
        found = memoised(prep, f"word_cues:{len(_ALL_CUES)}", _cue_scan)
        return [pos for pos in found if low.startswith(self.words, pos)]


# Every WordCues built (at import time); the scan covers those built before it is made.
_ALL_CUES: list[WordCues] = []


def _cue_word_ok(word: str) -> bool:
    """Letters, maybe ending in a non-letter: the scan consumes a word up to its last
    character (a trailing non-letter is only looked at), so no word start lies inside a
    consumed word and one scan finds the starts of every WordCues."""
    return word[:1].isalpha() and all(ch.isalpha() for ch in word[1:-1])


def _cue_scan(prep: Prepared) -> list[int]:
    """Offsets in the lowered text where a word of any WordCues begins at a word start."""
    low = prep.low()
    assert low is not None
    at_start, after_gap = _cue_pattern(len(_ALL_CUES))
    found = [0] if at_start.match(low) is not None else []
    found.extend(m.end() for m in after_gap.finditer(low))
    return found


@lru_cache(maxsize=4)
def _cue_pattern(count: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The words of the first `count` WordCues in one character trie (the engine follows
    one branch instead of trying every word; which word matches at an offset does not
    matter, only where one begins): the trie at offset 0, and the trie in a lookahead after
    each non-word character (a match ends where its word starts)."""
    trie = _trie_source(_trie(word for cues in _ALL_CUES[:count] for word in cues.words))
    return re.compile(trie), re.compile(rf"\W(?={trie})")


_Trie = dict[str, "_Trie"]


def _trie(words: Iterable[str]) -> _Trie:
    """Words as nested {character: subtree}; a word ends at a "" key. A trailing non-letter
    is only looked at, not consumed (it may precede a word start): it ends in "(?=c)"."""
    root: _Trie = {}
    for word in words:
        node = root
        body, end = (word, "") if word[-1].isalpha() else (word[:-1], f"(?={re.escape(word[-1])})")
        for ch in body:
            node = node.setdefault(re.escape(ch), {})
        node.setdefault(end, {})
    return root


def _trie_source(node: _Trie) -> str:
    if not node or "" in node:
        return ""  # a word ends here: longer ones need not be tried
    branches = [key + _trie_source(child) for key, child in sorted(node.items())]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def first_words(alternatives: Iterable[str]) -> WordCues:
    """WordCues of the lower-cased first words of `alternatives`; a word is cut after its
    first non-letter ("đ/c" → "đ/")."""
    words = set()
    for alt in alternatives:
        word = alt.split(" ")[0].lower()
        cut = next((i for i, ch in enumerate(word) if not ch.isalpha()), None)
        words.add(word if cut is None else word[: cut + 1])
    return WordCues(words)


def finditer_from(
    pattern: re.Pattern[str], text: str, starts: list[int] | None
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, trying only the candidate `starts` (a superset of where a
    match can begin; None: scan everything). Matches must be non-empty."""
    if starts is None:
        yield from pattern.finditer(text)
        return
    end = 0
    for pos in starts:
        if pos < end:
            continue
        m = pattern.match(text, pos)
        if m is not None:
            yield m
            end = m.end()


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


@lru_cache(maxsize=16)
def prepare(text: str) -> Prepared:
    """Prepared form of one text; cached so the extractors share one normalisation."""
    nfc = text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
    display = visible = nfc
    if _ODD_CHARS.search(nfc) is not None:  # str.translate is slow on non-ASCII text
        display = nfc.translate(_TRANSLATE)
        if _HAS_INVISIBLE.search(nfc) is not None:
            visible = nfc.translate(_INVISIBLE)
    # Whitespace and lookalike letters never touch an old-tone syllable or its neighbours,
    # so one look at the display form decides for the clean form too.
    maybe = _MAYBE_OLD_TONE.search(display) is not None
    old_tone = maybe and _OLD_TONE.search(display) is not None
    toned = normalize_tone_placement(display) if old_tone else display
    key = _lower_same_length(toned)
    if len(key) != len(display):  # never expected; keep offsets safe regardless
        key = _lower_same_length(display)
    return Prepared(display, key, visible, old_tone)
