from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from scrapers.encoding import decode_html, mojibake_score, repair_mojibake

pytestmark = pytest.mark.unit

PAGES = Path("/work/shared/corpus/pages")
MOJIBAKE = PAGES / "mojibake-latin1_laodong_homepage.html"
CLEAN_PAGES = sorted(p for p in PAGES.glob("*.html") if p != MOJIBAKE)
VIETNAMESE = "Công an tỉnh Thanh Hóa khởi tố vụ án lừa đảo chiếm đoạt tài sản, Lao Động đưa tin."


@pytest.mark.parametrize("path", CLEAN_PAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", None, "text/html"])
def test_correct_corpus_pages_are_untouched(path: Path, content_type: str | None) -> None:
    body = path.read_bytes()
    decoded = decode_html(body, content_type)
    assert decoded.text == body.decode("utf-8")
    assert decoded.encoding == "utf-8"
    assert not decoded.mojibake_repaired


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", None])
def test_laodong_mojibake_page_is_repaired(content_type: str | None) -> None:
    decoded = decode_html(MOJIBAKE.read_bytes(), content_type)
    assert decoded.mojibake_repaired
    assert "Lao Động" in decoded.text
    assert "Tin tức mới nhất 24h" in decoded.text
    assert "Ä\x90" not in decoded.text and "á»" not in decoded.text
    assert mojibake_score(decoded.text) == 0


def test_header_lying_latin1_still_yields_vietnamese() -> None:
    body = f"<html><body><p>{VIETNAMESE}</p></body></html>".encode()
    for label in ("iso-8859-1", "windows-1252", "latin-1", "us-ascii"):
        decoded = decode_html(body, f"text/html; charset={label}")
        assert VIETNAMESE in decoded.text, label
        assert decoded.encoding == "utf-8"
        assert decoded.source == "sniffed"


def test_real_latin1_text_follows_the_header() -> None:
    body = "<p>Café crème, naïve façade</p>".encode("latin-1")
    decoded = decode_html(body, "text/html; charset=ISO-8859-1")
    assert decoded.text == "<p>Café crème, naïve façade</p>"
    assert decoded.source == "header"


def test_meta_charset_used_without_header() -> None:
    body = b'<html><head><meta charset="windows-1252"></head><body>caf\xe9 \x93quoted\x94</body>'
    decoded = decode_html(body, None)
    assert decoded.source == "meta"
    assert "café “quoted”" in decoded.text


def test_http_equiv_meta() -> None:
    body = (
        b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>gar\xe7on</p>'
    )
    decoded = decode_html(body, "text/html")
    assert decoded.source == "meta" and "garçon" in decoded.text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins(bom: bytes, codec: str) -> None:
    body = bom + f"<p>{VIETNAMESE}</p>".encode(codec)
    decoded = decode_html(body, "text/html; charset=iso-8859-1")
    assert decoded.source == "bom"
    assert VIETNAMESE in decoded.text


def test_undeclared_utf8_is_sniffed() -> None:
    decoded = decode_html(f"<p>{VIETNAMESE}</p>".encode(), None)
    assert decoded.source == "sniffed" and VIETNAMESE in decoded.text


def test_undecodable_bytes_never_raise() -> None:
    body = bytes(range(256)) * 4
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert isinstance(decoded.text, str)
    assert decode_html(body, "text/html; charset=x-no-such-charset").text


def test_repair_leaves_correct_vietnamese_alone() -> None:
    for text in (VIETNAMESE, "Hoà, hoá, thuỷ, Ủy ban, Đà Nẵng – “trích dẫn” © 2026 «x»", ""):
        assert repair_mojibake(text) == (text, False)


def test_one_stray_sequence_is_not_evidence() -> None:
    text = "Giá: 5Â° và Ã© lẻ loi trong một câu tiếng Việt bình thường."
    assert repair_mojibake(text) == (text, False)


def test_mixed_document_is_repaired_segment_wise() -> None:
    broken = VIETNAMESE.encode("utf-8").decode("latin-1")
    mixed = f"<h1>{VIETNAMESE}</h1><p>{broken}</p><p>“ngoặc kép”</p>"
    fixed, changed = repair_mojibake(mixed)
    assert changed
    assert fixed == f"<h1>{VIETNAMESE}</h1><p>{VIETNAMESE}</p><p>“ngoặc kép”</p>"


def test_repair_is_idempotent() -> None:
    broken = VIETNAMESE.encode("utf-8").decode("latin-1")
    once, _ = repair_mojibake(broken)
    assert once == VIETNAMESE
    assert repair_mojibake(once) == (VIETNAMESE, False)
