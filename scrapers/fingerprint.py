"""Near-duplicate fingerprints (pure): a bottom-k sketch of syllable shingles.

Text is folded (diacritic-free, tone-normalized, lower-case) and cut into overlapping
5-syllable shingles; each shingle is hashed (crc32) and the k smallest distinct hashes form
the sketch. For two texts, the share of the k smallest hashes of their union that both
contain estimates their Jaccard similarity; syndicated copies of one story share most of
them, different stories almost none. Stored per article and indexed by hash, so finding
candidates is an index lookup however many articles there are.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from functools import partial
from operator import gt

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


def _shingles(words: list[bytes], size: int) -> Iterator[bytes]:
    """Each run of `size` consecutive words, joined by single spaces."""
    return map(b" ".join, zip(*[words[i:] for i in range(size)], strict=False))


def _hashes(words: list[bytes], size: int) -> set[int]:
    if len(words) < size:
        return {zlib.crc32(b" ".join(words))} if words else set()
    return set(map(zlib.crc32, _shingles(words, size)))


def shingle_hashes(text: str, size: int = SHINGLE, *, folded: bool = False) -> set[int]:
    """crc32 of each `size`-word shingle of the folded text (`folded`: already fold_key'd):
    of the UTF-8 of its words joined by single spaces."""
    if size < 1:
        raise ValueError("shingle size must be at least 1")
    return _hashes(_words(text if folded else fold_key(text)), size)


def _below(values: Iterable[int], bound: int) -> list[int]:
    """The distinct `values` smaller than `bound`, ascending."""
    return sorted(set(filter(partial(gt, bound), values)))


def sketch(text: str, k: int = SKETCH_SIZE, *, folded: bool = False) -> tuple[int, ...]:
    """The k smallest shingle hashes, ascending.

    crc32 values spread evenly over 32 bits, so of a long text's n shingle hashes about
    4k lie below 2**32 * 4k / n: only those are kept and sorted. When at least k distinct
    ones do, they are the k smallest; otherwise (few distinct shingles) all are sorted."""
    k = max(k, 0)
    words = _words(text if folded else fold_key(text))
    count = len(words) - SHINGLE + 1
    if count > 8 * k:
        hashes = map(zlib.crc32, _shingles(words, SHINGLE))
        below = _below(hashes, (1 << 32) * 4 * k // count)
        if len(below) >= k:
            return tuple(below[:k])
    return tuple(sorted(_hashes(words, SHINGLE))[:k])


def similarity(a: tuple[int, ...], b: tuple[int, ...], k: int = SKETCH_SIZE) -> float:
    """Estimated Jaccard similarity of the texts behind two sketches."""
    if not a or not b:
        return 0.0
    union_bottom = sorted(set(a) | set(b))[:k]
    both = set(a) & set(b)
    return sum(1 for h in union_bottom if h in both) / len(union_bottom)
