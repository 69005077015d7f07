from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime

import pytest

from worker.errors import BadContent, BodyTooLarge, ClientError, RateLimited, ServerError
from worker.fetch_body import read_capped, read_prefix
from worker.fetch_status import parse_retry_after, raise_for_status

pytestmark = pytest.mark.unit

BODY = "Công an tỉnh Thanh Hóa thông tin vụ việc. ".encode() * 500


def _chunks(data: bytes, size: int = 1000) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def _read(data: bytes, encoding: str | None, cap: int = 10**6) -> bytes:
    return read_capped("http://x/", _chunks(data), encoding, cap, lambda: None)


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (BODY, None),
        (BODY, "identity"),
        (gzip.compress(BODY), "gzip"),
        (gzip.compress(BODY), "x-gzip"),
        (zlib.compress(BODY), "deflate"),
        (zlib.compress(BODY)[2:-4], "deflate"),  # raw deflate without zlib header
        (gzip.compress(BODY[:100]) + gzip.compress(BODY[100:]), "gzip"),  # two members
        (gzip.compress(BODY) + b"\x00\x00junk", "gzip"),  # trailing junk ignored
    ],
)
def test_decodes(encoded: bytes, encoding: str | None) -> None:
    assert _read(encoded, encoding) == BODY


@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_prefix_is_exact_and_says_whether_more_followed(encoding: str | None) -> None:
    data = BODY if encoding is None else gzip.compress(BODY)

    def prefix(cap: int) -> tuple[bytes, bool]:
        return read_prefix("http://x/", _chunks(data), encoding, cap, lambda: None)

    assert prefix(len(BODY)) == (BODY, False)
    assert prefix(len(BODY) + 1) == (BODY, False)
    assert prefix(len(BODY) - 1) == (BODY[:-1], True)
    assert prefix(777) == (BODY[:777], True)


def test_cap_is_exact() -> None:
    assert _read(BODY, None, cap=len(BODY)) == BODY
    assert _read(gzip.compress(BODY), "gzip", cap=len(BODY)) == BODY
    with pytest.raises(BodyTooLarge):
        _read(BODY, None, cap=len(BODY) - 1)
    with pytest.raises(BodyTooLarge):
        _read(gzip.compress(BODY), "gzip", cap=len(BODY) - 1)


def test_bomb_stops_at_cap() -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(comp.compress(bytes(1 << 20)) for _ in range(64)) + comp.flush()
    with pytest.raises(BodyTooLarge):
        _read(bomb, "gzip", cap=100_000)


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, gzip", "compress"])
def test_unsupported_encoding(encoding: str) -> None:
    with pytest.raises(BadContent):
        _read(BODY, encoding)


def test_corrupt_gzip() -> None:
    with pytest.raises(BadContent):
        _read(b"\x1f\x8b\x08\x00" + b"\xff" * 100, "gzip")


def test_deadline_checked_per_chunk() -> None:
    calls: list[int] = []

    def check() -> None:
        calls.append(1)
        if len(calls) > 3:
            raise TimeoutError

    with pytest.raises(TimeoutError):
        read_capped("http://x/", _chunks(BODY), None, 10**6, check)


def test_retry_after_forms() -> None:
    now = datetime(2026, 3, 7, 1, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 120 ") == 120.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("Sat, 07 Mar 2026 01:00:30 GMT", now) == 30.0
    assert parse_retry_after("Sat, 07 Mar 2026 00:00:00 GMT", now) == 0.0
    for bad in (None, "", "soon", "nan"):
        assert parse_retry_after(bad) is None


def test_status_classification() -> None:
    raise_for_status("u", 200, None)
    with pytest.raises(RateLimited):
        raise_for_status("u", 429, None)
    with pytest.raises(RateLimited):
        raise_for_status("u", 503, "10")
    with pytest.raises(ServerError):
        raise_for_status("u", 503, None)
    with pytest.raises(ClientError):
        raise_for_status("u", 418, None)
    with pytest.raises(BadContent):
        raise_for_status("u", 302, None)  # a redirect without Location
