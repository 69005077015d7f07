"""Fuzz of the parse entry point, worker.article_ingest.parse_body (decode → parse → police
structuring: what the ingest, `newsworker parse` and reparse run on a page's bytes).

Random pages (hypothesis, derandomized) and mutations of the real corpus pages (seeded):
control characters, lone surrogates, NUL, byte flips, truncation, a wrong declared
charset, 1 MB attributes, thousands of nested tags. Every input must give an ArticleRecord
that the store can serialize, with no character lxml or the database refuses, or a
ScrapeError: nothing else (issue 14: a ValueError from lxml escaped the article).
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers.errors import ScrapeError
from scrapers.records import ArticleRecord
from scrapers.serialize import record_to_dict
from scrapers.xmlchars import has_illegal
from tests.conftest import shared_dir
from worker.article_ingest import parse_body
from worker.db.engine import dump_json

pytestmark = [pytest.mark.unit, pytest.mark.timeout(120)]

URL = "https://congan.example.vn/tin-tuc/bat-giu-doi-tuong-123.html"
ILLEGAL = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))]
ILLEGAL += ["\ufffe", "\uffff", "\ud800", "\udbff", "\udc00", "\udfff"]
CHARSETS = ["utf-8", "utf-16", "utf-32", "latin-1", "cp1258", "shift_jis", "koi8-r", "bogus"]
FUZZ = settings(
    max_examples=120,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def check(body: bytes, content_type: str | None = None) -> ArticleRecord | ScrapeError:
    """A record the store can write, or a ScrapeError; any other exception fails the test."""
    try:
        record = parse_body(body, content_type, URL)
    except ScrapeError as exc:
        return exc
    assert isinstance(record, ArticleRecord)
    as_dict = record_to_dict(record)
    dump_json(as_dict)  # what the store writes (orjson refuses lone surrogates)
    bad = [s for s in _strings(as_dict) if has_illegal(s)]
    assert not bad, bad[:3]
    return record


# --- random pages --------------------------------------------------------------------

_TOKENS = [
    "<html>", "<head>", "<title>", "</title>", "<body>", "<article>", "</article>", "<h1>",
    "</h1>", "<p>", "</p>", "<div class='box-relate'>", "</div>", "<script>x</script>",
    "<style>p{}</style>", "<b>", "</b>", "<br>", "<img src='/a.jpg' alt='ảnh'>",
    "<figure><img src='b.jpg'><figcaption>", "</figcaption></figure>", "<!-- c -->",
    "&#1;", "&amp;#0;", "&#xFFFE;", "&#xD800;", "<meta charset='utf-16'>",
    '<script type="application/ld+json">{"headline": "Bắt giữ\\u0001"}</script>',
    "<meta property='og:title' content='Tiêu đề\x01'>", "<![CDATA[", "]]>", "<",
    "Công an tỉnh Thanh Hóa khởi tố vụ án trộm cắp tài sản. ",
]  # fmt: skip
_PIECE = st.one_of(
    st.sampled_from(_TOKENS),
    st.sampled_from(ILLEGAL),
    st.text(max_size=40),
    st.text(st.characters(codec=None, categories=["Cs", "Cc", "Co", "Cn"]), max_size=5),
)


_SENTENCE = "Công an tỉnh Thanh Hóa đã khởi tố vụ án, bắt tạm giam bị can để điều tra. "


def _article(slots: list[str]) -> str:
    """A page that parses into a record, with `slots` put in its title, attributes,
    paragraphs and after a script (where the body pass moves text around)."""
    filled = [*slots, *[""] * (8 - len(slots))] if len(slots) < 8 else slots
    rest = "".join(filled[7:])
    return (
        f"<html><head><title>Khởi tố vụ án {filled[0]}</title>"
        f"<meta property='og:title' content='Khởi tố {filled[1]}'></head><body><article>"
        f"<h1>Khởi tố vụ án trộm cắp {filled[2]}</h1><p class='sapo {filled[3]}'>{_SENTENCE}</p>"
        f"<p>{_SENTENCE}<script>x</script>{filled[4]}{_SENTENCE}</p>"
        f"<div class='box-relate'>{filled[5]}</div>{filled[6]}<p>{_SENTENCE * 3}</p>"
        f"<p>{rest}</p><p>{_SENTENCE * 2}</p></article></body></html>"
    )


@FUZZ
@given(
    slots=st.lists(st.lists(_PIECE, max_size=6).map("".join), max_size=12),
    codec=st.sampled_from(CHARSETS[:-1]),
    declared=st.sampled_from([None, *CHARSETS]),
)
def test_random_pages(slots: list[str], codec: str, declared: str | None) -> None:
    text = _article(slots)
    errors = "surrogatepass" if codec.startswith("utf") else "replace"
    body = text.encode(codec, errors=errors)
    check(body, f"text/html; charset={declared}" if declared else None)


@FUZZ
@given(
    chunks=st.lists(st.binary(max_size=300), min_size=1, max_size=6),
    declared=st.sampled_from([None, *CHARSETS]),
)
def test_random_bytes(chunks: list[bytes], declared: str | None) -> None:
    page = _article([""] * 8).encode()
    at = [page.index(b"<p>") + 3, page.index(b"</script>") + 9, page.index(b"</h1>")]
    for position, chunk in sorted(zip(at * 2, chunks, strict=False), reverse=True):
        page = page[:position] + chunk + page[position:]
    check(page, declared and f"text/html; charset={declared}")


# --- mutated corpus pages ------------------------------------------------------------

Mutation = Callable[[bytes, random.Random], tuple[bytes, str | None]]


def _insert(body: bytes, rng: random.Random, pieces: list[bytes], count: int) -> bytes:
    at = sorted(rng.randrange(len(body) + 1) for _ in range(count))
    parts, last = [], 0
    for position in at:
        parts += [body[last:position], rng.choice(pieces)]
        last = position
    return b"".join([*parts, body[last:]])


def _controls(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    pieces = [c.encode() for c in ILLEGAL if not "\ud800" <= c <= "\udfff"]
    tails = re.sub(rb"</(script|style|div|a|span)>", lambda m: m.group() + rng.choice(pieces), body)
    return _insert(tails, rng, pieces, 60), None


def _surrogates(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    pieces = [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xb0\x80x", b"\xf4\x90\x80\x80"]
    return _insert(body, rng, pieces, 60), rng.choice([None, "text/html; charset=utf-8"])


def _nul(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    return _insert(body, rng, [b"\x00", b"\x00\x00\x00\x00", b"&#0;"], 60), None


def _flips(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    data = bytearray(body)
    for _ in range(300):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data), None


def _truncated(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    return body[: rng.randrange(len(body))], None


def _wrong_charset(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    declared = rng.choice(CHARSETS[1:])
    relabelled = re.sub(rb"charset=[\"']?[\w-]+", b"charset=" + declared.encode(), body, count=1)
    return relabelled, f"text/html; charset={rng.choice(CHARSETS[1:])}"


def _huge_attributes(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    words = " ".join(f"c{rng.randrange(10**6)}" for _ in range(120_000)).encode()[: 1 << 20]
    blob = (b"\xe1\xbb\x87" * 400_000)[: 1 << 20]
    attrs = [b' class="' + words + b'"', b' data-x="' + blob + b'"', b' src="' + blob + b'"']
    tags = list(re.finditer(rb"<(p|img|div|body|a|h1)\b", body))
    for match in sorted(rng.sample(tags, min(3, len(tags))), key=lambda m: -m.end()):
        body = body[: match.end()] + rng.choice(attrs) + body[match.end() :]
    return body, None


def _deep_nesting(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    depth = rng.choice([3000, 20_000])
    tag = rng.choice([b"div", b"b", b"span", b"table", b"li", b"blockquote"])
    opened = b"<" + tag + b">"
    nest = opened * depth + "Bắt giữ đối tượng".encode() + (b"</" + tag + b">") * (depth // 2)
    at = body.find(b"<p")
    at = at if at >= 0 else len(body) // 2
    return body[:at] + nest + body[at:], None


MUTATIONS: dict[str, Mutation] = {
    "controls": _controls,
    "surrogates": _surrogates,
    "nul": _nul,
    "byte_flips": _flips,
    "truncated": _truncated,
    "wrong_charset": _wrong_charset,
    "huge_attributes": _huge_attributes,
    "deep_nesting": _deep_nesting,
}
PAGES = sorted(p.name for p in (shared_dir() / "corpus" / "pages").glob("*.html"))


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("page", PAGES)
def test_mutated_corpus_page(page: str, mutation: str, corpus_pages: Path) -> None:
    original = (corpus_pages / page).read_bytes()
    rng = random.Random(zlib.crc32(f"{page}/{mutation}".encode()))
    body, content_type = MUTATIONS[mutation](original, rng)
    assert body != original or mutation == "wrong_charset"
    check(body, content_type)


def test_the_reported_page_gives_a_record() -> None:
    """The reproducer of issue 14: a control character in the tail of a removed script."""
    page = (
        "<html><body><article><h1>Bắt giữ đối tượng trộm cắp</h1>"
        "<p>Công an tỉnh Thanh Hóa khởi tố vụ án<script>x</script>\x01tail.</p>"
        "<p>Đối tượng đã khai nhận hành vi trộm cắp tài sản của người dân.</p>"
        "</article></body></html>"
    ).encode()
    record = check(page)
    assert isinstance(record, ArticleRecord)
    assert "Công an tỉnh Thanh Hóa khởi tố vụ ántail." in record.paragraphs
