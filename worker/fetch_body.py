"""Fetch stage, body: raw (possibly compressed) chunks → the decompressed body, capped.

In:  an iterator of raw chunks, the Content-Encoding, a byte cap, a deadline check.
Out: bytes no longer than the cap, or BodyTooLarge / BadContent / FetchTimeout
     (`read_prefix`: the first cap bytes and whether more followed, for robots.txt).

We decompress ourselves with zlib's `max_length`, so a gzip bomb never inflates more than
cap + one chunk into memory; httpx's own decoders would inflate each chunk unbounded.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable

from worker.errors import BadContent, BodyTooLarge

GZIP_OR_ZLIB_WBITS = 32 + zlib.MAX_WBITS  # auto-detect gzip or zlib header
RAW_DEFLATE_WBITS = -zlib.MAX_WBITS


class _Inflater:
    """Streaming gzip/deflate decoder that never returns more than it is asked for."""

    def __init__(self, url: str, encoding: str) -> None:
        self._url = url
        self._encoding = encoding
        self._wbits = GZIP_OR_ZLIB_WBITS
        self._d = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, room: int) -> tuple[bytes, bytes]:
        """Inflate at most `room` bytes of `data`; return (output, unconsumed input)."""
        try:
            out = self._d.decompress(data, room)
        except zlib.error as exc:
            if self._started or self._encoding != "deflate":
                raise BadContent(self._url, f"corrupt {self._encoding} body: {exc}") from exc
            # Some servers send raw deflate without the zlib header (the old IIS habit).
            self._wbits = RAW_DEFLATE_WBITS
            self._d = zlib.decompressobj(self._wbits)
            out = self._d.decompress(data, room)
        self._started = True
        if self._d.eof and self._d.unused_data:
            rest = self._d.unused_data
            if not rest.startswith(b"\x1f\x8b"):
                return out, b""  # trailing junk after the stream: ignored, as browsers do
            self._d = zlib.decompressobj(self._wbits)  # another gzip member follows
            return out, rest
        return out, self._d.unconsumed_tail

    def finish(self, room: int) -> bytes:
        if self._d.eof:
            return b""
        # All input was consumed (unconsumed_tail empty), so at most a window is pending.
        return self._d.flush()[: room + 1]


def decoder_for(url: str, content_encoding: str | None) -> _Inflater | None:
    """None for identity; an inflater for gzip/deflate; BadContent for anything else."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) > 1:
        raise BadContent(url, f"stacked content encodings not supported: {content_encoding}")
    coding = "gzip" if codings[0] == "x-gzip" else codings[0]
    if coding not in ("gzip", "deflate"):
        raise BadContent(url, f"content encoding {coding!r} not supported")
    return _Inflater(url, coding)


def _read(
    url: str,
    chunks: Iterable[bytes],
    content_encoding: str | None,
    max_bytes: int,
    check_deadline: Callable[[], None],
) -> tuple[list[bytes], int]:
    """Decoded pieces and their size; reading stops once the size passes `max_bytes`
    (by at most one byte: the byte that proves the body is larger)."""
    inflater = decoder_for(url, content_encoding)
    parts: list[bytes] = []
    size = 0
    for raw in chunks:
        check_deadline()
        data = raw
        while data:
            room = max_bytes - size + 1  # one byte more than allowed proves "too large"
            if inflater is None:
                piece, data = data[:room], b""
            else:
                before = data
                piece, data = inflater.feed(data, room)
                if not piece and data == before:
                    break  # no progress possible on this chunk (defensive)
            size += len(piece)
            parts.append(piece)
            if size > max_bytes:
                return parts, size
    if inflater is not None:
        tail = inflater.finish(max_bytes - size)
        size += len(tail)
        parts.append(tail)
    return parts, size


def read_capped(
    url: str,
    chunks: Iterable[bytes],
    content_encoding: str | None,
    max_bytes: int,
    check_deadline: Callable[[], None],
) -> bytes:
    """Join the decoded body; BodyTooLarge as soon as it would exceed `max_bytes`."""
    parts, size = _read(url, chunks, content_encoding, max_bytes, check_deadline)
    if size > max_bytes:
        raise BodyTooLarge(url, f"body exceeds {max_bytes} bytes")
    return b"".join(parts)


def read_prefix(
    url: str,
    chunks: Iterable[bytes],
    content_encoding: str | None,
    max_bytes: int,
    check_deadline: Callable[[], None],
) -> tuple[bytes, bool]:
    """The first `max_bytes` decoded bytes, and whether the body went on past them
    (the rest is never read)."""
    parts, size = _read(url, chunks, content_encoding, max_bytes, check_deadline)
    return b"".join(parts)[:max_bytes], size > max_bytes
