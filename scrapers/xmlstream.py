"""Discovery stage: a large untrusted XML body (a sitemap) read as a stream, never whole.

In: the body (plain, or gzip by its magic bytes) and a cap on its inflated size. Out: the
root element's local name, then the document fed chunk by chunk to a parser target (start,
end and text callbacks): no tree is built and the inflated document is never joined, so
memory stays flat whatever the document holds.

The guards of scrapers/xmlsafety.py hold for the stream: UTF-16/32 (and a UTF-8 BOM)
transcoded to UTF-8 incrementally, every DOCTYPE internal subset and <!ENTITY> declaration
of the prolog removed before lxml sees it (after the root element starts, a declaration is
a syntax error anyway), and lxml run without entity resolution, network access, DTD
loading or huge-tree mode. Bad bodies raise FeedError.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from scrapers.errors import FeedError
from scrapers.xmlsafety import (
    GZIP_MAGIC,
    declare_utf8,
    looks_like_html,
    prolog_end,
    strip_dtd,
    wide_codec,
)

CHUNK_BYTES = 256 * 1024
PROLOG_MAX_BYTES = 1024 * 1024  # a longer prolog (a huge DOCTYPE subset) is refused
_ROOT_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]")


class Target(Protocol):
    """An lxml parser target: called per element start and end and per piece of text."""

    def start(self, tag: str, attrib: dict[str, str]) -> None: ...
    def end(self, tag: str) -> None: ...
    def data(self, text: str) -> None: ...
    def close(self) -> None: ...


@dataclass(slots=True)
class XmlStream:
    """A body opened for streaming: its root element's local name and its safe chunks."""

    root_name: str
    chunks: Iterator[bytes]
    what: str

    def parse(self, target: Target) -> None:
        """Feed every chunk through lxml to `target` (no tree is built)."""
        parser = etree.XMLParser(
            target=target, resolve_entities=False, no_network=True, huge_tree=False,
            load_dtd=False, recover=False,
        )  # fmt: skip
        try:
            for chunk in self.chunks:
                parser.feed(chunk)
            parser.close()
        except etree.XMLSyntaxError as exc:
            raise FeedError(f"malformed {self.what} XML: {exc}") from exc


def open_xml(body: bytes, max_bytes: int, what: str) -> XmlStream:
    """Open `body` (see the module docstring); FeedError when it is empty, HTML, has no
    readable root element, or inflates past `max_bytes` (`what` names it in messages)."""
    chunks = _utf8_chunks(_inflated_chunks(body, max_bytes, what))
    head, ended = b"", False
    while True:
        piece = next(chunks, None)
        ended = piece is None
        head += piece or b""
        if ended or len(head) >= PROLOG_MAX_BYTES or not head.isspace():
            start = prolog_end(head)
            root = _ROOT_TAG.match(head, start)
            if root is not None or ended or len(head) >= PROLOG_MAX_BYTES:
                break
    if not head.strip():
        raise FeedError(f"empty {what} body")
    if looks_like_html(head[:8192]):
        raise FeedError(f"HTML served as a {what}")
    if root is None:
        raise FeedError(f"malformed {what} XML: no root element where the prolog ends")
    first = strip_dtd(head[:start]) + head[start:]
    return XmlStream(root.group(1).decode("ascii"), _chain(first, chunks), what)


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _inflated_chunks(body: bytes, max_bytes: int, what: str) -> Iterator[bytes]:
    """The body in chunks, gzip inflated on the way; FeedError past `max_bytes` inflated."""
    if not body.startswith(GZIP_MAGIC):
        for start in range(0, len(body), CHUNK_BYTES):
            yield body[start : start + CHUNK_BYTES]
        return
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    pending, total = body, 0
    while pending and not inflater.eof:
        try:
            data = inflater.decompress(pending, CHUNK_BYTES)
        except zlib.error as exc:
            raise FeedError(f"{what}: corrupt gzip body: {exc}") from exc
        pending = inflater.unconsumed_tail
        total += len(data)
        if total > max_bytes:
            raise FeedError(f"{what}: gzip body inflates past {max_bytes} bytes")
        if data:
            yield data


def _utf8_chunks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """UTF-8 chunks: a body with a BOM, or BOM-less UTF-16/32, decoded incrementally (bad
    sequences replaced) and re-encoded, its XML declaration then naming utf-8."""
    first = next(chunks, b"")
    wide = wide_codec(first)
    if wide is None:
        yield first
        yield from chunks
        return
    codec, bom_length = wide
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    yield declare_utf8(decoder.decode(first[bom_length:]).encode("utf-8"))
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")
