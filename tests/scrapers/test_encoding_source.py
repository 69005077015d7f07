"""scrapers.encoding.utf8_source: the bytes behind the last decoded text, only when they are
exactly its UTF-8 form (the parse stage then does not encode the page again)."""

from __future__ import annotations

import codecs

import lxml.html  # type: ignore[import-untyped, unused-ignore]
import pytest

from scrapers.dom import load_tree
from scrapers.encoding import decode_html, utf8_source

pytestmark = pytest.mark.unit

PAGE = "<html><body><p>Công an tỉnh Thanh Hóa</p></body></html>".encode()


def test_strict_utf8_text_gives_its_bytes() -> None:
    text = decode_html(PAGE, "text/html; charset=utf-8").text
    assert utf8_source(text) is PAGE
    assert utf8_source(text) == text.encode("utf-8")


def test_only_the_last_decoded_text_object() -> None:
    text = decode_html(PAGE, None).text
    equal_copy = text[:-1] + text[-1:]  # the same characters in another object
    assert equal_copy == text
    assert utf8_source(equal_copy) is None
    decode_html(b"<p>other</p>", None)
    assert utf8_source(text) is None


def test_not_when_the_bytes_are_not_the_text() -> None:
    with_bom = codecs.BOM_UTF8 + PAGE
    assert utf8_source(decode_html(with_bom, None).text) is None
    broken = PAGE + b"\xff"
    assert utf8_source(decode_html(broken, "text/html; charset=utf-8").text) is None
    latin1 = "<p>Café</p>".encode("latin-1")
    assert utf8_source(decode_html(latin1, "text/html; charset=latin-1").text) is None
    mojibake = ("<p>" + "Lao Động Hà Nội " * 4 + "</p>").encode().decode("latin-1").encode()
    decoded = decode_html(mojibake, "text/html; charset=utf-8")
    assert decoded.mojibake_repaired
    assert utf8_source(decoded.text) is None


def test_tree_of_a_decoded_text_is_unchanged() -> None:
    text = decode_html(PAGE, None).text
    tree = load_tree(text)
    assert lxml.html.tostring(tree) == lxml.html.tostring(load_tree(text.encode("utf-8")))
