"""Characters XML forbids are dropped when a page is decoded, so lxml never meets one:
the body pass used to fail with ValueError on `<script>x</script>\\x01tail`. So are numeric
references to them, which lxml's parser turns into the characters."""

from __future__ import annotations

import random

import pytest

from scrapers.article import parse_article
from scrapers.dom import load_tree
from scrapers.encoding import decode_html, utf8_source, xml_safe
from scrapers.xmlchars import (
    drop_illegal,
    has_illegal,
    markup_has_illegal,
    markup_has_illegal_utf8,
)

pytestmark = pytest.mark.unit

ILLEGAL = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))]
ILLEGAL += ["\ufffe", "\uffff", "\ud800", "\udfff"]
LEGAL = ["\t", "\n", "\r", "\x7f", "\x85", "\ufdd0", "\ufffd", "\U0001fffe", "ệ", "\u00a0"]
PARAGRAPH = "Công an tỉnh Thanh Hóa đã khởi tố vụ án, bắt tạm giam bị can để điều tra làm rõ."


def _page(poison: str) -> str:
    return (
        "<html><head><title>Khởi tố vụ án trộm cắp tài sản</title></head><body><article>"
        "<h1>Khởi tố vụ án trộm cắp tài sản</h1>"
        f"<p>{PARAGRAPH}<script>x</script>{poison}Sau đó bị can khai nhận.</p>"
        f'<p title="a{poison}b">{PARAGRAPH}</p><p>{PARAGRAPH}</p></article></body></html>'
    )


@pytest.mark.parametrize("char", ILLEGAL, ids=lambda c: f"U+{ord(c):04X}")
def test_each_illegal_character_is_found_and_dropped(char: str) -> None:
    assert has_illegal(f"a{char}b") and markup_has_illegal(f"a{char}b")
    assert not markup_has_illegal(drop_illegal(f"a{char}b{char}{char}c"))
    if not "\ud800" <= char <= "\udfff":
        assert markup_has_illegal_utf8(f"ệ{char}ệ".encode())


@pytest.mark.parametrize("char", LEGAL, ids=lambda c: f"U+{ord(c):04X}")
def test_legal_characters_stay(char: str) -> None:
    assert not has_illegal(f"a{char}b")
    assert not markup_has_illegal_utf8(f"ệ{char}ệ".encode())
    assert drop_illegal(f"a{char}b") == f"a{char}b"


def test_whitespace_controls_keep_words_apart() -> None:
    assert drop_illegal("Hà\x0cNội\x1fhôm\x01nay\x00") == "Hà Nội hômnay"


REFS = ["&#1;", "&#x1", "&#0008;", "&#11;", "&#12", "&#x0c;", "&#14;", "&#x1F;", "&#31;"]
REFS += ["&#65534;", "&#xFFFF;", "&#XfFfE;", "&#x000b;"]
NOT_REFS = ["&#0;", "&#9;", "&#10;", "&#13;", "&#32;", "&#x20;", "&#65533;", "&#xD800;"]
NOT_REFS += ["&#100;", "&#x1F0;", "&#655340;", "&#x1FFFE;", "&amp;#1;", "&#;", "&#x;"]


@pytest.mark.parametrize("ref", REFS)
def test_references_to_illegal_characters_are_dropped(ref: str) -> None:
    assert markup_has_illegal(f"a{ref}b") and markup_has_illegal_utf8(f"a{ref}b".encode())
    assert not markup_has_illegal(drop_illegal(f"a{ref}b"))
    record = parse_article(_page(ref), "https://congan.example.vn/a/1.html")
    assert any("Sau đó bị can khai nhận" in p for p in record.paragraphs)
    assert not any(has_illegal(s) for s in (record.title, *record.paragraphs))


@pytest.mark.parametrize("ref", NOT_REFS)
def test_other_references_stay(ref: str) -> None:
    assert not markup_has_illegal(f"a{ref}b")
    assert not markup_has_illegal_utf8(f"a{ref}b".encode())
    assert drop_illegal(f"a{ref}b") == f"a{ref}b"


def test_references_become_what_the_characters_would() -> None:
    assert drop_illegal("Hà&#12;Nội&#x1f;hôm&#1;nay&#xfffe;") == "Hà Nội hômnay"


def test_utf8_scan_agrees_with_the_text_scan_on_random_bytes() -> None:
    rng = random.Random(14)
    alphabet = [b"\xef", b"\xbf", b"\xbe", b"\x01", b"a", "ệ".encode(), b"\x0b", b"\n"]
    alphabet += [b"&#", b"x", b"1", b"0", b"f", b";", b"6553"]
    for _ in range(3000):
        body = b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        text = body.decode("utf-8", "replace")
        assert markup_has_illegal_utf8(body) == markup_has_illegal(text), body


@pytest.mark.parametrize("ampersands", [0, 10, 1023, 1024, 1025, 3000])
def test_reference_after_many_ampersands(ampersands: int) -> None:
    prefix = b"a=1&amp;b&#39;" * ampersands
    assert markup_has_illegal_utf8(prefix + b"&#1;")
    assert markup_has_illegal_utf8(prefix + b"&#x1F")
    assert not markup_has_illegal_utf8(prefix + b"&#10;&")


def test_many_ef_bytes_before_the_noncharacter() -> None:
    body = "\uf8ff".encode() * 100 + "\uffff".encode()  # private-use icons, then U+FFFF
    assert markup_has_illegal_utf8(body)
    assert not markup_has_illegal_utf8("\uf8ff".encode() * 100)


@pytest.mark.parametrize("char", ILLEGAL, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("charset", ["utf-8", "utf-16", None])
def test_decoded_page_has_none_and_parses(char: str, charset: str | None) -> None:
    text = _page(char)
    body = text.encode(charset or "utf-8", errors="surrogatepass")
    decoded = decode_html(body, f"text/html; charset={charset}" if charset else None)
    assert not has_illegal(decoded.text)
    # A lone surrogate's bytes are invalid in any encoding: the decoder makes it U+FFFD.
    assert decoded.illegal_dropped == (not "\ud800" <= char <= "\udfff")
    assert utf8_source(decoded.text) is None  # the bytes are not the text any more
    record = parse_article(decoded.text, "https://congan.example.vn/a/1.html")
    assert any("Sau đó bị can khai nhận" in p for p in record.paragraphs)
    assert not any(has_illegal(p) for p in record.paragraphs)


def test_clean_page_keeps_its_bytes() -> None:
    body = _page("").encode()
    decoded = decode_html(body, None)
    assert not decoded.illegal_dropped
    assert utf8_source(decoded.text) is body
    assert xml_safe(decoded.text) is decoded.text


@pytest.mark.parametrize("char", ILLEGAL, ids=lambda c: f"U+{ord(c):04X}")
def test_text_not_from_decode_html_is_cleaned_before_lxml(char: str) -> None:
    record = parse_article(_page(char), "https://congan.example.vn/a/1.html")
    assert any("Sau đó bị can khai nhận" in p for p in record.paragraphs)
    tree = load_tree(_page(char).encode("utf-8", errors="surrogatepass"))
    assert not has_illegal("".join(tree.itertext()))
