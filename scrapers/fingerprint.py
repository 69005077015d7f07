"""Near-duplicate fingerprints (pure): a bottom-k sketch of syllable shingles.

Text is folded (diacritic-free, tone-normalized, lower-case) and cut into overlapping
5-syllable shingles; each shingle is hashed (crc32) and the k smallest distinct hashes form
the sketch. For two texts, the share of the k smallest hashes of their union that both
contain estimates their Jaccard similarity; syndicated copies of one story share most of
them, different stories almost none. Stored per article and indexed by hash, so finding
candidates is an index lookup however many articles there are.
"""

from __future__ import annotations

import heapq
import re
import zlib
from itertools import accumulate, repeat
from operator import add

from scrapers.text import fold_key

SKETCH_SIZE = 32
SHINGLE = 5
_WORD = re.compile(r"\w+")
# Words are the runs of \w; in ASCII text those are [A-Za-z0-9_], so a byte table that
# turns every other ASCII byte into a space and bytes.split() find the same words as the
# regex, as UTF-8 bytes, at a fraction of its cost. Folded text is ASCII but for a few
# punctuation marks, which are not \w either and become spaces first (UTF-8 is
# self-synchronizing: a character's bytes only match where that character is).
_NOT_WORD = bytes(b if b < 128 and (chr(b).isalnum() or b == 0x5F) else 0x20 for b in range(256))
_PUNCTUATION = tuple(mark.encode() for mark in "“”‘’…–—«»")


def _ascii_words(text: str) -> list[bytes] | None:
    """The \\w runs of `text` as UTF-8 bytes, when all of them are ASCII (else None)."""
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate (never part of a word)
        return None
    if not data.isascii():
        for mark in _PUNCTUATION:
            if mark in data:
                data = data.replace(mark, b" ")
        if not data.isascii():
            return None
    return data.translate(_NOT_WORD).split()


def _words(text: str) -> list[bytes]:
    """UTF-8 bytes of the \\w runs of `text`, in order (= the encoded _WORD.findall)."""
    words = _ascii_words(text)
    if words is None:
        words = [word.encode() for word in _WORD.findall(text)]
    return words


def shingle_hashes(text: str, size: int = SHINGLE, *, folded: bool = False) -> set[int]:
    """crc32 of each `size`-word shingle of the folded text (`folded`: already fold_key'd):
    of the UTF-8 of its words joined by single spaces. The words are joined once; shingle i
    is the slice from word i's first byte to the end of word i + size - 1."""
    if size < 1:
        raise ValueError("shingle size must be at least 1")
    words = _words(text if folded else fold_key(text))
    if len(words) < size:
        return {zlib.crc32(b" ".join(words))} if words else set()
    joined = b" ".join(words)
    # starts[i]: offset of word i in `joined` (len(words) + 1 of them, one past the end)
    starts = list(accumulate(map(add, map(len, words), repeat(1)), initial=0))
    crc = zlib.crc32
    return {crc(joined[a : b - 1]) for a, b in zip(starts, starts[size:], strict=False)}


def sketch(text: str, k: int = SKETCH_SIZE, *, folded: bool = False) -> tuple[int, ...]:
    """The k smallest shingle hashes, ascending."""
    return tuple(heapq.nsmallest(k, shingle_hashes(text, folded=folded)))


def similarity(a: tuple[int, ...], b: tuple[int, ...], k: int = SKETCH_SIZE) -> float:
    """Estimated Jaccard similarity of the texts behind two sketches."""
    if not a or not b:
        return 0.0
    union_bottom = sorted(set(a) | set(b))[:k]
    both = set(a) & set(b)
    return sum(1 for h in union_bottom if h in both) / len(union_bottom)
