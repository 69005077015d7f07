"""Spelled-out character classes for the first character of a regex scan (pure).

When a pattern begins with a character class, the regex engine skips ahead by testing each
character of the text against it. A category ("\\W", "\\d") costs up to four Unicode table
look-ups a character; a class spelled out as code point ranges of the BMP compiles to a
bitmap (one look-up). `NOT_WORD` and `DIGIT` match exactly the characters "\\W" and "\\d"
match: BMP characters by their ranges (found by the engine's own "\\w" and "\\d"), a
character beyond the BMP by the category itself, in a look-behind after it.
"""

from __future__ import annotations

import re

# Every BMP code point, in order (offset = code point).
_BMP = "".join(map(chr, range(0x10000)))


def bmp_ranges(one_char: str) -> str:
    """Regex class body ("\\u0030-\\u0039...") of the BMP code points the one-character
    pattern `one_char` matches."""
    runs = re.finditer(f"(?:{one_char})+", _BMP)
    return "".join(f"\\u{m.start():04x}-\\u{m.end() - 1:04x}" for m in runs)


_WORD_BMP = bmp_ranges(r"\w")
_DIGIT_BMP = bmp_ranges(r"\d")
_BEYOND = r"[^\x00-\uffff]"  # one character beyond the BMP

# One character "\W" matches, in two parts: NOT_WORD, the character (every character but
# a BMP word character), then NOT_WORD_CHECK (it is no word character beyond the BMP either),
# to be placed where the position is still right after that character: last, after
# lookaheads that can fail first ("NOT_WORD(?=...)NOT_WORD_CHECK").
NOT_WORD = f"[^{_WORD_BMP}]"
NOT_WORD_CHECK = rf"(?<!{_BEYOND}(?<=\w))"
# One character "\d" matches: a BMP decimal digit, or a decimal digit beyond the BMP.
DIGIT = rf"[{_DIGIT_BMP}\U00010000-\U0010ffff](?<!{_BEYOND}(?<!\d))"
