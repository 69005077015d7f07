"""Decode stage (pure): response bytes + Content-Type → text, with mojibake repaired.

In:  the body bytes and the Content-Type header (or None).
Out: DecodedText(text, encoding, source, mojibake_repaired).

Order: BOM → header charset → <meta charset> / http-equiv in the first 4 KB →
sniffing (strict UTF-8, then charset_normalizer) → UTF-8 with replacement.
A declared single-byte charset loses to UTF-8 when the bytes are valid UTF-8 with
multibyte sequences: Vietnamese cannot be written in Latin-1, so such a header lies.
Then UTF-8-read-as-Latin-1 mojibake ("Lao Äá»ng") is detected by a score and repaired
sequence by sequence, only where the bytes round-trip to valid UTF-8. Last, characters
XML forbids (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates) and numeric
references to them are dropped (scrapers.xmlchars): lxml refuses them in any string it is
given, so no decoded page may carry one into a tree.
"""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import charset_normalizer

from scrapers.xmlchars import drop_illegal, markup_has_illegal, markup_has_illegal_utf8

Source = Literal["bom", "header", "meta", "sniffed", "default"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# <meta ... charset=X>, matched in ASCII-lower-cased bytes (what IGNORECASE means for a bytes
# pattern, same spans): a literal-prefix search instead of a match tried at every position.
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)""")
_META_SCAN_BYTES = 4096
# Codecs whose every byte string decodes: a lie is invisible unless we look for UTF-8.
_SINGLE_BYTE = frozenset(
    {"latin-1", "iso8859-1", "cp1252", "ascii", "cp1258", "iso8859-15", "cp1250"}
)
# One UTF-8 multibyte character as it looks after being decoded as Latin-1.
_MOJIBAKE_SEQ = re.compile(
    "(?:[\u00c2-\u00df][\u0080-\u00bf]|[\u00e0-\u00ef][\u0080-\u00bf]{2}"
    "|[\u00f0-\u00f4][\u0080-\u00bf]{3})+"
)
# Cheap pre-filter: a lead char followed by a continuation char (correct text rarely has one).
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]")
# The same pair in the UTF-8 bytes of a text (U+00C2-U+00F4 is C3 82-B4, U+0080-U+00BF is
# C2 80-BF): searching the original bytes is ten times faster than searching the text.
_MOJIBAKE_HINT_UTF8 = re.compile(b"\xc3[\x82-\xb4]\xc2[\x80-\xbf]")
MOJIBAKE_MIN_SEQUENCES = 3


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    source: Source
    mojibake_repaired: bool = False
    illegal_dropped: bool = False  # characters XML forbids were dropped (scrapers.xmlchars)


# Per thread, the last text decode_html returned and, when they are its exact UTF-8 form,
# the bytes it came from (else None).
_LAST = threading.local()


def decode_html(body: bytes, content_type: str | None) -> DecodedText:
    """Bytes → text by the order in the module docstring, then mojibake repair, then the
    characters XML forbids dropped."""
    text, encoding, source = _decode(body, content_type)
    changed = False
    if encoding != "utf-8" or _has_mojibake_hint(body):
        text, changed = repair_mojibake(text)
    # A UTF-8 reading left unrepaired has its C0 controls, U+FFFE/U+FFFF and references in
    # the bytes (invalid sequences become U+FFFD, never a surrogate): memchr scans of the
    # bytes are ten times cheaper than a regex over the text.
    utf8 = encoding == "utf-8" and not changed
    dropped = markup_has_illegal_utf8(body) if utf8 else markup_has_illegal(text)
    if dropped:
        text = drop_illegal(text)
    decoded = DecodedText(text, encoding, source, changed, dropped)
    _LAST.pair = (decoded.text, body if is_utf8_of(decoded) else None)
    return decoded


def is_utf8_of(decoded: DecodedText) -> bool:
    """The decoded bytes are exactly `decoded.text` in UTF-8: a strict UTF-8 reading (no
    BOM, no replacement character added) with nothing repaired or dropped."""
    strict = decoded.encoding == "utf-8" and decoded.source != "default"
    return strict and not decoded.mojibake_repaired and not decoded.illegal_dropped


def _last_decoded() -> tuple[str, bytes | None] | None:
    pair: tuple[str, bytes | None] | None = getattr(_LAST, "pair", None)
    return pair


def utf8_source(text: str) -> bytes | None:
    """The bytes `text` was decoded from when it is the last text this thread's decode_html
    returned and they are its exact UTF-8 form (the parse stage then skips encoding the
    page again); else None. Only that one page is kept alive."""
    pair = _last_decoded()
    return pair[1] if pair is not None and pair[0] is text else None


def xml_safe(text: str) -> str:
    """`text` without the characters XML forbids: the last text decode_html returned is
    clean already (not scanned again); any other text is scanned and cleaned."""
    pair = _last_decoded()
    if pair is not None and pair[0] is text:
        return text
    return drop_illegal(text) if markup_has_illegal(text) else text


def _has_mojibake_hint(body: bytes) -> bool:
    """_MOJIBAKE_HINT_UTF8 occurs in the bytes: each C2 byte (memchr; rare in real UTF-8
    text, where the regex would stop at every C3 of the Vietnamese letters) is checked for
    its neighbours; many C2 bytes (NBSPs) leave the search to the regex."""
    at = body.find(b"\xc2", 2)
    for _ in range(32):
        if at == -1:
            return False
        if (
            body[at - 2] == 0xC3
            and 0x82 <= body[at - 1] <= 0xB4
            and at + 1 < len(body)
            and 0x80 <= body[at + 1] <= 0xBF
        ):
            return True
        at = body.find(b"\xc2", at + 1)
    return _MOJIBAKE_HINT_UTF8.search(body, at - 2) is not None


def _decode(body: bytes, content_type: str | None) -> tuple[str, str, Source]:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace"), _canonical(codec) or codec, "bom"
    declarations: tuple[tuple[str | None, Source], ...] = (
        (charset_from_content_type(content_type), "header"),
        (charset_from_meta(body), "meta"),
    )
    for declared, source in declarations:
        if declared is None:
            continue
        decoded = _try_declared(body, declared)
        if decoded is not None:
            # A declaration overruled by the bytes themselves counts as sniffed.
            return decoded[0], decoded[1], source if decoded[1] == declared else "sniffed"
    sniffed = _sniff(body)
    if sniffed is not None:
        return sniffed[0], sniffed[1], "sniffed"
    return body.decode("utf-8", errors="replace"), "utf-8", "default"


def _canonical(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    """The known codec named by a Content-Type header's charset parameter."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _canonical(match.group(1)) if match else None


def charset_from_meta(body: bytes) -> str | None:
    """The known codec named by <meta charset> or http-equiv in the first 4 KB."""
    head = body[:_META_SCAN_BYTES]
    match = _META_CHARSET.search(head.lower())
    if match is None:
        return None
    return _canonical(head[match.start(1) : match.end(1)].decode("ascii", "replace"))


def _try_declared(body: bytes, codec: str) -> tuple[str, str] | None:
    """Decode with a declared codec; None when the bytes contradict it."""
    if codec in _SINGLE_BYTE and not body.isascii():
        utf8 = _strict_utf8(body)
        if utf8 is not None:  # valid multibyte UTF-8 under a single-byte label: a lie
            return utf8, "utf-8"
    try:
        return body.decode(codec), codec
    except UnicodeDecodeError:
        return None


def _strict_utf8(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _sniff(body: bytes) -> tuple[str, str] | None:
    utf8 = _strict_utf8(body)
    if utf8 is not None:
        return utf8, "utf-8"
    best = charset_normalizer.from_bytes(body).best()
    if best is None or best.encoding is None:
        return None
    return str(best), _canonical(best.encoding) or best.encoding


def _repair_sequence(seq: str) -> str | None:
    """One Latin-1-looking run → its UTF-8 reading, or None when it is not UTF-8."""
    try:
        return seq.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None


def mojibake_score(text: str) -> int:
    """How many runs of `text` are UTF-8 bytes that were read as Latin-1."""
    return sum(1 for m in mojibake_runs(text) if _repair_sequence(m.group()) is not None)


def mojibake_runs(text: str) -> Iterator[re.Match[str]]:
    """The matches of _MOJIBAKE_SEQ.finditer(text), the sequence tried only where
    _MOJIBAKE_HINT occurs: a match begins with a lead and a continuation character, which
    is the hint, and the regex engine skips ahead to a hint with its first-character set,
    while finditer tries the whole alternation at every position (~70 instructions a
    character of a non-Latin-1 text)."""
    at = 0
    while True:
        hint = _MOJIBAKE_HINT.search(text, at)
        if hint is None:
            return
        start = hint.start()
        run = _MOJIBAKE_SEQ.match(text, start)
        if run is None:
            at = start + 1
        else:
            yield run
            at = run.end()


def repair_mojibake(text: str) -> tuple[str, bool]:
    """Undo UTF-8-read-as-Latin-1, run by run; correct text comes back untouched.

    Works on mixed documents because only runs that decode as UTF-8 are replaced, and only
    when at least MOJIBAKE_MIN_SEQUENCES such runs exist (one stray "Ã©" is not evidence).
    Latin-1, not cp1252: the real pages carry C1 control characters (U+0080-U+009F).
    """
    if not _has_runs(text, MOJIBAKE_MIN_SEQUENCES):
        return text, False
    fixed = _repair_runs(text)
    return fixed, fixed != text


def _has_runs(text: str, wanted: int) -> bool:
    """mojibake_score(text) >= wanted, counting no further than that."""
    found = 0
    for run in mojibake_runs(text):
        if _repair_sequence(run.group()) is not None:
            found += 1
            if found >= wanted:
                return True
    return False


_JOIN_EVERY = 4096


def _repair_runs(text: str) -> str:
    """_MOJIBAKE_SEQ.sub(repaired or as found, text), from mojibake_runs (the same matches,
    found ~10x faster on a long text); pieces are joined every _JOIN_EVERY, so a hostile
    text of millions of runs never holds an object per run."""
    blocks: list[str] = []
    pieces: list[str] = []
    last = 0
    for run in mojibake_runs(text):
        repaired = _repair_sequence(run.group())
        if repaired is None:
            continue
        pieces += (text[last : run.start()], repaired)
        last = run.end()
        if len(pieces) >= _JOIN_EVERY:
            blocks.append("".join(pieces))
            pieces = []
    pieces.append(text[last:])
    blocks.append("".join(pieces))
    return "".join(blocks)
