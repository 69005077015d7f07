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

from scrapers.text import fold_key

SKETCH_SIZE = 32
SHINGLE = 5
_WORD = re.compile(r"\w+")


def shingle_hashes(text: str, size: int = SHINGLE, *, folded: bool = False) -> set[int]:
    """crc32 of each `size`-word shingle of the folded text (`folded`: already fold_key'd)."""
    words = _WORD.findall(text if folded else fold_key(text))
    if len(words) < size:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {
        zlib.crc32(" ".join(words[i : i + size]).encode()) for i in range(len(words) - size + 1)
    }


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
