"""Text normalization shared by parsing, dedup and search keys (pure).

clean_text:     what we store — NFC, invisible characters removed, whitespace collapsed.
tone_key:       matching form — clean_text + one tone-mark placement (hoà→hòa, thuỷ→thủy) + lower.
fold_key:       recall form — tone_key without diacritics, đ→d. Never an identity on its own.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that carry no text: BOM/ZWNBSP, soft hyphen, zero-width space/joiners, word joiner.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u00ad\u200b\u200c\u200d\u2060\u180e"), None)
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# Old-style placement: tone on the second vowel of an open "oa", "oe", "uy" syllable.
# In NFD the tone follows the vowel it sits on; "qu" is a consonant cluster (quý stays).
# The tone must be the vowel's only mark (no circumflex/breve after it: Huệ, Thuận stay)
# and end the syllable (no letter after it: hoàng stays).
_OLD_TONE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![\u0300-\u036f])(?![^\W\d_])")


def clean_text(text: str) -> str:
    """NFC, invisible characters dropped, runs of whitespace (NBSP included) to one space."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    # str.split() splits on all Unicode whitespace (NBSP, U+2000-U+200A, U+3000, ...).
    return " ".join(text.split())


# Cheap NFC pre-check: an o/u followed by a toned a/e/y. Most text has none, and then the
# NFD round trip below is skipped.
_MAYBE_OLD_TONE = re.compile("[oOuU][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ]")


def normalize_tone_placement(text: str) -> str:
    """Move old-style tone marks to the new placement: hoà→hòa, Thuỵ→Thụy, khoẻ→khỏe."""
    text = unicodedata.normalize("NFC", text)
    if _MAYBE_OLD_TONE.search(text) is None:
        return text
    decomposed = unicodedata.normalize("NFD", text)
    fixed = _OLD_TONE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", fixed)


def tone_key(text: str) -> str:
    """Case- and tone-placement-insensitive key (keeps diacritics)."""
    return normalize_tone_placement(clean_text(text)).lower()


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


def strip_diacritics(text: str) -> str:
    """Remove every combining mark; đ/Đ become d/D."""
    return unicodedata.normalize("NFC", text).translate(_BARE)


def fold_key(text: str) -> str:
    """Diacritic-free, lower-case key: 'Công an tỉnh Thanh Hoá' → 'cong an tinh thanh hoa'."""
    return strip_diacritics(tone_key(text))
