"""Text preparation shared by the person, unit and place extractors (pure).

prepare(text) returns (clean, norm): clean = scrapers.text.clean_text(text) (what offsets
index into, surfaces are cut from), norm = clean with one tone-mark placement and the same
length (what the patterns run on). Both are computed with cheap fast paths that give the
same result as clean_text / normalize_tone_placement, and cached for the last few texts so
the three extractors called on one article share the work.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from scrapers.text import clean_text, normalize_tone_placement

# Anything clean_text would change besides NFC and stripping: invisible characters,
# whitespace other than a single plain space.
_NEEDS_CLEANING = re.compile(r"[\ufeff\u00ad\u200b\u200c\u200d\u2060\u180e]|[^\S ]|  ")
_TONED = "àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ"
# An old-style syllable end in NFC ("oà", "uý" not after q, no letter following).
_OLD_TONE = re.compile(rf"(?<![qQ])[oOuU][{_TONED}](?![^\W\d_])")


def _clean(text: str) -> str:
    if unicodedata.is_normalized("NFC", text) and _NEEDS_CLEANING.search(text) is None:
        return text.strip()
    return clean_text(text)


@lru_cache(maxsize=8)
def prepare(text: str) -> tuple[str, str]:
    """(clean_text(text), its tone-normalised twin of equal length)."""
    clean = _clean(text)
    norm = _OLD_TONE.sub(lambda m: normalize_tone_placement(m.group()), clean)
    if len(norm) != len(clean):  # cannot happen for NFC input; keep offsets consistent
        return norm, norm
    return clean, norm
