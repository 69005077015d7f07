"""Decode stage helper (pure): characters XML 1.0 forbids, found and dropped before lxml.

In:  a page's markup, as bytes (when they are its UTF-8 form) or as decoded text.
Out: whether it holds such a character, raw or as a numeric character reference; the
markup without them.

lxml refuses these characters in every string it is given (`el.text = ...`, `el.tail`,
attributes: "All strings must be XML compatible", or UnicodeEncodeError for a lone
surrogate), while its HTML parser puts them in the tree it builds, from the raw character
or from a reference (`&#1;`, `&#xFFFE;`): a page with `<script>x</script>\\x01tail`
parsed fine and then failed when the body pass moved the tail. scrapers.encoding.decode_html
drops them from every decoded page once, so no later lxml call can meet one.

The set: C0 controls other than tab, LF and CR (NUL included), U+FFFE, U+FFFF and lone
surrogates (U+D800-U+DFFF); references to NUL and to surrogates need no care (the parser
makes them U+FFFD). The C0 controls that Python counts as whitespace (VT, FF,
U+001C-U+001F) become a space, so words they separated stay apart, as clean_text would
have had them; the others are dropped (a browser prints nothing).
"""

from __future__ import annotations

import re

_CHARS = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]+"
# A reference to one of them, the ";" optional as the HTML parser has it: decimal 1-8,
# 11, 12, 14-31, 65534, 65535; hex 1-8, B, C, E-1F, FFFE, FFFF (leading zeros allowed).
_REF = (
    r"&#(?:[xX]0*(?:[1-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F])"
    r"|0*(?:[1-8]|1[1-24-9]|2[0-9]|3[01]|6553[45])(?![0-9]));?"
)
_ILLEGAL = re.compile(_CHARS)
_ILLEGAL_MARKUP = re.compile(f"{_CHARS}|{_REF}")
_REF_TEXT = re.compile(_REF)
_REF_UTF8 = re.compile(_REF.encode())
_AMP_SCAN_LIMIT = 1024
# The C0 controls, one bytes object each: in UTF-8 each is its own byte (never part of a
# multibyte sequence), and a memchr-like `in` per byte is ten times faster than a regex's
# per-character charset test over a whole page.
_C0_BYTES = tuple(bytes([b]) for b in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
_NONCHAR_LEAD = b"\xef"  # U+FFFE and U+FFFF are EF BF BE and EF BF BF
_NONCHAR_UTF8 = re.compile(b"\xef\xbf[\xbe\xbf]")
_NONCHAR_SCAN_LIMIT = 32


def markup_has_illegal_utf8(body: bytes) -> bool:
    """`body` (UTF-8 with invalid sequences allowed, which decode to U+FFFD, never to a
    surrogate) holds a C0 control, U+FFFE/U+FFFF or a reference to one. About 0.15 ms
    for a 340 KB corpus page (28 memchr scans, then the "&"s), against 1.3-1.6 ms for one
    regex search of the bytes or the text for the characters."""
    for control in _C0_BYTES:
        if control in body:
            return True
    return _has_nonchar_utf8(body) or _has_ref_utf8(body)


def _has_ref_utf8(body: bytes) -> bool:
    """_REF_UTF8 occurs: each "&" (memchr) followed by "#" is tried in place; a page with
    more ampersands than _AMP_SCAN_LIMIT leaves the rest to the regex's search. On the
    corpus article pages (66-338 ampersands) this is half the instructions of the search,
    which walks the page a byte at a time looking for the "&#" prefix."""
    at = body.find(b"&")
    for _ in range(_AMP_SCAN_LIMIT):
        if at == -1:
            return False
        if body[at + 1 : at + 2] == b"#" and _REF_UTF8.match(body, at) is not None:
            return True
        at = body.find(b"&", at + 1)
    return at != -1 and _REF_UTF8.search(body, at) is not None


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


def markup_has_illegal(markup: str) -> bool:
    """`markup` holds a character lxml refuses, or a reference the parser turns into one."""
    return _ILLEGAL.search(markup) is not None or _REF_TEXT.search(markup) is not None


def _replacement(match: re.Match[str]) -> str:
    found = match.group()
    if found.startswith("&#"):
        digits = found[2:].rstrip(";")
        point = int(digits[1:], 16) if digits[:1] in ("x", "X") else int(digits)
        found = chr(point)
    return " " if any(ch.isspace() for ch in found) else ""


def drop_illegal(markup: str) -> str:
    """`markup` without the characters lxml refuses and the references to them
    (whitespace controls become a space)."""
    return _ILLEGAL_MARKUP.sub(_replacement, markup)
