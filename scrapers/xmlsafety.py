"""Discovery stage guards for untrusted XML bodies (feeds and sitemaps), applied before
any XML parser sees them.

In: raw response bytes. Out: bytes that are safe to hand to feedparser / lxml —
UTF-16/32 re-encoded as UTF-8 (so the byte-level checks below see the markup), every DOCTYPE
internal subset and <!ENTITY> declaration removed — and a cheap "is this an HTML page?"
check. The pieces that work on a document's head only (wide_codec, prolog_end) serve the
streaming reader in scrapers/xmlstream.py.
"""

from __future__ import annotations

import codecs
import re

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOMLESS_WIDE: tuple[tuple[bytes, str], ...] = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
_XML_DECL_ENCODING = re.compile(rb"^(<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
# Tokens inside a DOCTYPE: quoted strings and comments may contain brackets and '>'.
_DTD_TOKEN = re.compile(rb"\"[^\"]*\"|'[^']*'|<!--.*?-->|[\[\]>]|[^\"'<\[\]>]+|.", re.DOTALL)
_ENTITY_DECL = re.compile(rb"<!ENTITY(?:\"[^\"]*\"|'[^']*'|[^>\"'])*>?", re.IGNORECASE)
_PROLOG_JUNK = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_HTML_ROOT = re.compile(rb"<(?:!DOCTYPE\s+html\b|(?:[\w-]+:)?html[\s>/]|head[\s>]|body[\s>])", re.I)
GZIP_MAGIC = b"\x1f\x8b"


def to_utf8(body: bytes) -> bytes:
    """Re-encode UTF-16/32 bodies (with or without BOM) as UTF-8; drop a UTF-8 BOM."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return _reencode(body[len(bom) :], codec)
    for head, codec in _BOMLESS_WIDE:
        if body.startswith(head):
            return _reencode(body, codec)
    return _trim_cut_utf8(body)


def wide_codec(head: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) of a body with a BOM, or of a BOM-less UTF-16/32 body (from its
    first '<'); None for anything else."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    for start, codec in _BOMLESS_WIDE:
        if head.startswith(start):
            return codec, 0
    return None


def declare_utf8(data: bytes) -> bytes:
    """The XML declaration's encoding="..." (if any) rewritten as utf-8."""
    return _XML_DECL_ENCODING.sub(rb"\1\2utf-8\2", data, count=1)


def _trim_cut_utf8(body: bytes) -> bytes:
    """Drop a multi-byte character cut off by truncation, so the rest still reads as UTF-8
    (feedparser otherwise falls back to windows-1252 for the whole document)."""
    tail = body[-4:]
    for cut in range(1, min(4, len(tail)) + 1):
        lead = tail[-cut]
        if lead < 0x80:
            return body
        if lead >= 0xC0:  # start byte: complete only if its sequence fits in what follows
            needed = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            return body[:-cut] if needed > cut else body
    return body


def _reencode(body: bytes, codec: str) -> bytes:
    return declare_utf8(body.decode(codec, errors="replace").encode("utf-8"))


def has_entity_declarations(body: bytes) -> bool:
    """True when the document declares its own XML entities."""
    return _ENTITY_DECL.search(body) is not None


def strip_dtd(body: bytes) -> bytes:
    """Remove DOCTYPE internal subsets and all <!ENTITY> declarations (UTF-8 out).

    The DOCTYPE's name and external id are kept (feedparser reads RSS 0.91 flavours from
    them); references to the removed entities stay as undefined, unexpanded text."""
    body = to_utf8(body)
    out = bytearray()
    pos = 0
    for match in _DOCTYPE.finditer(body):
        if match.start() < pos:
            continue
        out += body[pos : match.start()]
        kept, pos = _doctype_without_subset(body, match.start())
        out += kept
    out += body[pos:]
    return _ENTITY_DECL.sub(b"", bytes(out))


def _doctype_without_subset(body: bytes, start: int) -> tuple[bytes, int]:
    """(DOCTYPE text minus its [...] subset, index after its closing '>')."""
    found = doctype_without_subset(body, start)
    return found if found is not None else (b"", len(body))  # unterminated: drop it


def doctype_without_subset(body: bytes, start: int) -> tuple[bytes, int] | None:
    """(the DOCTYPE at `start` minus its [...] subset, index after its closing '>'), or
    None when it is not terminated within `body`."""
    kept = bytearray()
    depth = 0
    for token in _DTD_TOKEN.finditer(body, start):
        text = token.group()
        if text == b"[":
            depth += 1
        elif text == b"]":
            depth = max(depth - 1, 0)
        elif text == b">" and depth == 0:
            kept += b">"
            return bytes(kept), token.end()
        elif depth == 0:
            kept += text
    return None


def prolog_end(head: bytes) -> int:
    """Where the prolog of a UTF-8 document (whitespace, XML declaration, processing
    instructions, comments, DOCTYPEs) stops in `head`: the root element's '<' when `head`
    holds the whole prolog; else where an incomplete or unexpected construct begins."""
    pos = 0
    while pos < len(head):
        junk = _PROLOG_JUNK.match(head, pos)
        if junk is not None and junk.end() > pos:
            pos = junk.end()
            continue
        if _DOCTYPE.match(head, pos) is None:
            break
        found = doctype_without_subset(head, pos)
        if found is None:
            break
        pos = found[1]
    return pos


def looks_like_html(body: bytes) -> bool:
    """True when the document's first markup is an HTML doctype or <html>/<head>/<body>."""
    head = to_utf8(body[:8192])
    pos = 0
    while True:
        junk = _PROLOG_JUNK.match(head, pos)
        if junk is None or junk.end() == pos:
            break
        pos = junk.end()
    return _HTML_ROOT.match(head, pos) is not None
