"""Decode stage helper (pure): characters XML 1.0 forbids, found and dropped before lxml.

In:  a page's bytes (when they are its UTF-8 form) or its decoded text.
Out: whether it holds such a character; the text without them.

lxml refuses these characters in every string it is given (`el.text = ...`, `el.tail`,
attributes: "All strings must be XML compatible", or UnicodeEncodeError for a lone
surrogate), while its HTML parser keeps them in the tree it builds: a page with
`<script>x</script>\\x01tail` parsed fine and then failed when the body pass moved the tail.
scrapers.encoding.decode_html drops them from every decoded page once, so no later lxml
call can meet one. The set: C0 controls other than tab, LF and CR (NUL included), U+FFFE,
U+FFFF and lone surrogates (U+D800-U+DFFF). The C0 controls that Python counts as
whitespace (VT, FF, U+001C-U+001F) become a space, so words they separated stay apart,
as clean_text would have had them; the others are dropped (a browser prints nothing).
"""

from __future__ import annotations

import re

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]+")
# The C0 controls, one bytes object each: in UTF-8 each is its own byte (never part of a
# multibyte sequence), and a memchr-like `in` per byte is several times faster than a
# regex's per-character charset test over a whole page (bench figures in the docstring of
# has_illegal_utf8).
_C0_BYTES = tuple(bytes([b]) for b in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
_NONCHAR_LEAD = b"\xef"  # U+FFFE and U+FFFF are EF BF BE and EF BF BF
_NONCHAR_UTF8 = re.compile(b"\xef\xbf[\xbe\xbf]")
_NONCHAR_SCAN_LIMIT = 32


def has_illegal_utf8(body: bytes) -> bool:
    """`body` (UTF-8 with invalid sequences allowed, which decode to U+FFFD, never to a
    surrogate) holds a C0 control or U+FFFE/U+FFFF. About 0.1 ms for a 300 KB page (28
    memchr scans), against 1.3-1.6 ms for one regex search of the bytes or the text."""
    for control in _C0_BYTES:
        if control in body:
            return True
    return _has_nonchar_utf8(body)


def _has_nonchar_utf8(body: bytes) -> bool:
    """EF BF BE or EF BF BF occurs: each EF byte (memchr; rare in Vietnamese text, whose
    letters are C3/C4/C6/E1 sequences) is checked for its followers; many EF bytes leave
    the search to the regex."""
    at = body.find(_NONCHAR_LEAD)
    for _ in range(_NONCHAR_SCAN_LIMIT):
        if at == -1:
            return False
        if at + 2 < len(body) and body[at + 1] == 0xBF and body[at + 2] in (0xBE, 0xBF):
            return True
        at = body.find(_NONCHAR_LEAD, at + 1)
    return at != -1 and _NONCHAR_UTF8.search(body, at) is not None


def has_illegal(text: str) -> bool:
    """`text` holds a character lxml refuses."""
    return _ILLEGAL.search(text) is not None


def _replacement(match: re.Match[str]) -> str:
    return " " if any(ch.isspace() for ch in match.group()) else ""


def drop_illegal(text: str) -> str:
    """`text` without the characters lxml refuses (whitespace controls become a space)."""
    return _ILLEGAL.sub(_replacement, text)
