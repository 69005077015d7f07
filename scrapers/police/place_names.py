"""Place-name matches that are not places (pure; used by places.py).

In: the cleaned, tone-normalised text (`Prepared.norm`) and where a place match starts.
Out: whether the match is part of another proper name — a business, paper, school, road or
time zone written before it ("công ty Thủy điện Tuyên Quang", "báo Pháp Luật TP.HCM",
"Đoàn luật sư Hà Nội", "xa lộ Hà Nội", vocabulary in data/places.toml), a photo or source
credit ("Ảnh: Công an TP.HCM") — or the byline closing the article ("... kết thúc điều
tra. Thái Bình", "Theo Thái Bình (VNN)"), where a reporter's name can equal a province's;
and whether a bare name is an item of a list of communes or districts ("các xã Tam Quang,
Hòa Bình", "một số xã, thị trấn như Hòa Bình, Tam Quang"), not a province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from scrapers.police.lexicon import CAP_RUN, UP
from scrapers.police.rules import key_of, table

# A name ends at these (a comma separates a name from the place that locates it).
_CUT = re.compile(r"[,;()\"“”‘’!?]|\.\s")
_END = re.compile(r"[.!?…]")
_SOURCE = re.compile(r"\s*\([^()]{1,40}\)\s*\.?\s*$")  # "(VNN)" closing a byline
_BYLINE_MAX = 60
_CAPITAL = re.compile(rf"[{UP}\d]")
_UNIT = r"(?:xã|phường|thị trấn|huyện|quận|thị xã)"
# A list of lower units: "các xã A, B", "xã, thị trấn như A, B", "các phường: A, B và C".
_UNIT_LIST = re.compile(
    rf"(?:(?:các|những|một số|nhiều) (?i:{_UNIT})(?:, (?i:{_UNIT}))*(?: (?:như|gồm|là))?:?"
    rf"|(?i:{_UNIT})(?:, (?i:{_UNIT}))*(?: (?:như|gồm|là)|:))"
    rf" (?:{CAP_RUN}(?:, | và ))*$"
)
_LIST_JOINS = (", ", " và ", " như ", " gồm ", " là ", ": ")
_PLURAL = ("các ", "những ", "một số ", "nhiều ")
_WINDOW = 120


@dataclass(frozen=True)
class _Vocab:
    head_words: tuple[str, ...]
    heads: frozenset[tuple[str, ...]]
    not_heads: frozenset[tuple[str, ...]]
    inner: frozenset[str]
    breaks: frozenset[str]
    max_inner: int
    longest: int


@cache
def _vocab() -> _Vocab:
    data = table("places")

    def words(name: str) -> frozenset[tuple[str, ...]]:
        return frozenset(tuple(key_of(w).split()) for w in data[name])

    heads = words("heads")
    return _Vocab(
        tuple(" ".join(h) for h in heads),
        heads,
        words("not_heads"),
        frozenset(key_of(w) for w in data["inner"]),
        frozenset(key_of(w) for w in data["breaks"]),
        int(data["max_inner"]),
        max(map(len, heads)),
    )


def _head_at(low: list[str], end: int, v: _Vocab) -> bool:
    """A head word (not part of a compound such as "thông báo") ends at low[end - 1]."""
    for size in range(v.longest, 0, -1):
        if end >= size and tuple(low[end - size : end]) in v.heads:
            return end < 2 or tuple(low[end - 2 : end]) not in v.not_heads
    return False


def _name_word(tokens: list[str], low: list[str], at: int, v: _Vocab) -> bool:
    """tokens[at] may sit inside a proper name between its head and the place."""
    word = low[at]
    if word in v.breaks:
        return False
    if _CAPITAL.match(tokens[at]) or word in v.inner:
        return True
    return at > 0 and _CAPITAL.match(tokens[at - 1]) is not None  # "Sư phạm", "Công an"


def in_proper_name(norm: str, start: int) -> bool:
    """The place match at `start` ends another proper name (heads in data/places.toml)."""
    window = norm[max(0, start - _WINDOW) : start]
    v = _vocab()
    lowered = window.lower()
    if not any(word in lowered for word in v.head_words):
        return False  # no head shortly before (a substring pre-check)
    cuts = [m.end() for m in _CUT.finditer(window)]
    tokens = window[cuts[-1] if cuts else 0 :].split()
    if not tokens:
        return False
    low = [t.lower() for t in tokens]
    end = len(tokens)
    for _ in range(v.max_inner + 1):
        if _head_at(low, end, v):
            return True
        if end == 0 or not _name_word(tokens, low, end - 1, v):
            return False
        end -= 1
    return False


def in_byline(norm: str, start: int, end: int) -> bool:
    """The place match is in the closing byline: after the last sentence, a short run of
    capitalised words (a leading "Theo" and a source in brackets allowed)."""
    tail_end = len(norm.rstrip(" ."))
    if tail_end - end > _BYLINE_MAX or _END.search(norm, end, tail_end) is not None:
        return False
    last = max(
        (m.end() for m in _END.finditer(norm, max(0, start - _BYLINE_MAX), start)), default=-1
    )
    if last < 0:
        return False
    tail = _SOURCE.sub("", norm[last:]).strip(" .")
    if not tail or len(tail) > _BYLINE_MAX:
        return False
    words = [w for w in re.split(r"[\s\-–]+", tail) if w]
    if words and words[0].lower() == "theo":
        words = words[1:]
    return bool(words) and all(_CAPITAL.match(w) for w in words)


def in_unit_list(norm: str, start: int) -> bool:
    """The name at `start` is an item of a list of communes or districts."""
    if not norm.endswith(_LIST_JOINS, 0, start):
        return False
    return _UNIT_LIST.search(norm, max(0, start - _WINDOW), start) is not None


def after_plural(norm: str, start: int) -> bool:
    """'các' / 'những' / 'một số' / 'nhiều' right before `start` ("các xã A, B")."""
    return norm[max(0, start - 8) : start].lower().endswith(_PLURAL)
