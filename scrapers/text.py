"""Text normalization shared by parsing, dedup and search keys (pure).

clean_text:     what we store — NFC, invisible characters removed, whitespace collapsed.
tone_key:       matching form — clean_text + one tone-mark placement (hoà→hòa, thuỷ→thủy) + lower.
fold_key:       recall form — tone_key without diacritics, đ→d. Never an identity on its own.
text_prefix:    the bounded part of a huge text that per-character analyses read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

# Characters that carry no text: BOM/ZWNBSP, soft hyphen, zero-width space/joiners, word joiner.
_INVISIBLE_CHARS = "\ufeff\u00ad\u200b\u200c\u200d\u2060\u180e"
# A regex removes them much faster than str.translate walks a long Vietnamese text; and
# looking for each one with `in` (a memchr-like scan) is faster still than the regex's
# character-by-character charset test, so the regex only runs where one occurs.
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE_CHARS}]+")


def _has_invisible(text: str) -> bool:
    """Some character of _INVISIBLE_CHARS occurs in `text` (spelled out: seven `in` tests
    cost a fifth of any(map(text.__contains__, ...)) on short strings)."""
    return (
        "\ufeff" in text
        or "\u00ad" in text
        or "\u200b" in text
        or "\u200c" in text
        or "\u200d" in text
        or "\u2060" in text
        or "\u180e" in text
    )


def clean_text(text: str) -> str:
    """NFC, invisible characters dropped, runs of whitespace (NBSP included) to one space."""
    if len(text) > _LONG_TEXT_CHARS:
        return " ".join(_clean_pieces(text))
    text = unicodedata.normalize("NFC", text)
    if _has_invisible(text):
        text = _INVISIBLE_RE.sub("", text)
    if _single_spaced(text):
        return text
    # str.split() splits on all Unicode whitespace (NBSP, U+2000-U+200A, U+3000, ...).
    return " ".join(text.split())


# A text longer than this (a hostile page's one paragraph of megabytes) is cleaned piece
# by piece: split() would make an object of every word at once (~60 bytes each).
_LONG_TEXT_CHARS = 1 << 18
_PIECE_CHARS = 1 << 16
_WHITESPACE = re.compile(r"\s")  # str patterns: the characters str.isspace() and split() know


def _clean_pieces(text: str) -> Iterator[str]:
    """The non-empty clean_text of consecutive pieces of `text` of about _PIECE_CHARS,
    each ending where whitespace begins: joined with one space they are clean_text(text).
    No word is cut; NFC never composes or reorders across a whitespace character (a
    starter that is no composition's part); invisible characters are not whitespace."""
    start = 0
    while start < len(text):
        found = _WHITESPACE.search(text, start + _PIECE_CHARS)
        end = found.start() if found is not None else len(text)
        piece = unicodedata.normalize("NFC", text[start:end])
        if _has_invisible(piece):
            piece = _INVISIBLE_RE.sub("", piece)
        piece = " ".join(piece.split())
        if piece:
            yield piece
        start = end


def _single_spaced(text: str) -> bool:
    """`text` is its own " ".join(text.split()): printable (every whitespace character but
    U+0020 is not: NBSP and U+2000-U+200A are separators, tab and newline controls), no
    space at either end, no two in a row. A C scan each, where split and join make an
    object per word."""
    return (
        text.isprintable()
        and "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
    )


# Old-style placement: tone on the second vowel of an open "oa", "oe", "uy" syllable
# ("qu" is a consonant cluster: quý stays). The vowel must carry only the tone (Huệ, Thuận
# stay) and end the syllable (no letter or mark after it: hoàng stays). Matched on NFC
# text; each match is rewritten from a table of the 2-letter pairs (no NFD round trip).
# = r"(?<![qQ])[oOuU][toned]…", the lookbehind moved after the first letter so that the
# regex engine skips ahead to an o/u instead of trying the lookbehind at every position.
_TONED = "àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ"
_OLD_TONE_NFC = re.compile(rf"[oOuU](?<![qQ][oOuU])[{_TONED}](?![\u0300-\u036f])(?![^\W\d_])")


def _moved_pair(pair: str) -> str:
    decomposed = unicodedata.normalize("NFD", pair[1])  # vowel, tone
    return unicodedata.normalize("NFC", pair[0] + decomposed[1]) + decomposed[0]


_NEW_PLACEMENT = {f + t: _moved_pair(f + t) for f in "oOuU" for t in _TONED}


def normalize_tone_placement(text: str) -> str:
    """Move old-style tone marks to the new placement: hoà→hòa, Thuỵ→Thụy, khoẻ→khỏe."""
    text = unicodedata.normalize("NFC", text)
    return _OLD_TONE_NFC.sub(lambda m: _NEW_PLACEMENT[m.group()], text)


# Keys of short strings are remembered: a parse asks for the keys of the same lines several
# times (filters, lead checks, dedup). Whole texts are not: they are asked for once, and
# 2048 of them would keep tens of MB alive in a long-running worker.
_MEMO_CHARS = 1000


def tone_key(text: str) -> str:
    """Case- and tone-placement-insensitive key (keeps diacritics)."""
    return _memo_tone_key(text) if len(text) <= _MEMO_CHARS else _tone_key(text)


def _tone_key(text: str) -> str:
    return normalize_tone_placement(clean_text(text)).lower()


def tone_key_pieces(text: str) -> Iterator[str]:
    """tone_key(text) in pieces that joined with one space are the whole: for a long text
    the key of each clean_text piece (the tone regex looks no further than a letter's
    neighbours, lower-casing's final-sigma rule stops at a space), so no copy of the
    whole is made; a short text's key in one piece."""
    if len(text) <= _LONG_TEXT_CHARS:
        yield tone_key(text)
        return
    for piece in _clean_pieces(text):
        yield normalize_tone_placement(piece).lower()


_memo_tone_key = lru_cache(maxsize=2048)(_tone_key)


class _BareTable(dict[int, str]):
    """str.translate table filled on first sight of each character: its letters without
    combining marks (đ/Đ → d/D). Much faster than decomposing every string."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code))
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        bare = bare.replace("đ", "d").replace("Đ", "D")
        self[code] = bare
        return bare


_BARE = _BareTable()
# Bare forms of words (texts split on " "): str.translate looks every character up in
# _BARE through the dict-subclass slot (~500 instructions a character), while the words of
# Vietnamese text recur. Translation is per character, so translating word by word and
# joining with " " gives the same string. Short words only; emptied when full.
_BARE_WORDS: dict[str, str] = {}
_BARE_WORD_CHARS = 40
_BARE_WORDS_MAX = 50_000


def _bare_word(word: str) -> str:
    bare = word.translate(_BARE)
    if len(word) <= _BARE_WORD_CHARS:
        if len(_BARE_WORDS) >= _BARE_WORDS_MAX:
            _BARE_WORDS.clear()
        _BARE_WORDS[word] = bare
    return bare


def strip_diacritics(text: str) -> str:
    """Remove every combining mark; đ/Đ become d/D."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text  # no combining marks, no đ
    known = _BARE_WORDS.get
    return " ".join([known(word) or _bare_word(word) for word in text.split(" ")])


def fold_key(text: str) -> str:
    """Diacritic-free, lower-case key: 'Công an tỉnh Thanh Hoá' → 'cong an tinh thanh hoa'."""
    return _memo_fold_key(text) if len(text) <= _MEMO_CHARS else _fold_key(text)


def _fold_key(text: str) -> str:
    return strip_diacritics(_tone_key(text))


_memo_fold_key = lru_cache(maxsize=2048)(_fold_key)


class FoldKeys:
    """Membership of fold_key(text) among the fold keys of some texts, told without folding
    `text` when its word count rules it out. fold_key keeps the spaces of clean_text (NFC,
    lower-casing, tone moves and bare letters never make or remove a U+0020; clean_text
    separates its words with one), so fold_key(text) has words - 1 spaces, where words is
    len(text.split()) when text holds no invisible character (NFC maps whitespace to
    whitespace only, one for one, and makes no invisible character: a word is lost only
    when it consists of invisible characters)."""

    __slots__ = ("_keys", "_spaces")

    def __init__(self, texts: Iterable[str]) -> None:
        self._keys = frozenset(fold_key(t) for t in texts)
        self._spaces = frozenset(key.count(" ") for key in self._keys)

    def holds(self, text: str, words: int | None = None) -> bool:
        """fold_key(text) is one of the keys; `words`: len(text.split()) when known."""
        if not self._keys:
            return False
        if not _has_invisible(text):
            if words is None:
                words = len(text.split())
            if max(words - 1, 0) not in self._spaces:
                return False
        return fold_key(text) in self._keys


def text_prefix(text: str, limit: int) -> tuple[str, int | None]:
    """(`text`, None) when it has at most `limit` characters; else (its first `limit`
    characters at most, cut at the last space or newline of the final thousand when there
    is one, so not inside a word; how many characters that is)."""
    if len(text) <= limit:
        return text, None
    start = max(limit - 1000, 0)
    space = max(text.rfind(" ", start, limit), text.rfind("\n", start, limit))
    cut = space if space > 0 else limit
    return text[:cut], cut
