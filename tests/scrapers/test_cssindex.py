"""scrapers.cssindex: selectors answered from the tree index select exactly what
lxml.cssselect (translator "html") selects — same elements, document order, no duplicates —
on varied synthetic HTML, from the document root and from inner elements, and after
elements were removed from the tree."""

from __future__ import annotations

import random

import lxml.html
import pytest
from lxml import etree
from lxml.cssselect import CSSSelector

from scrapers.cssindex import compile_selector, xml_tokens
from scrapers.dom import Element, select, tree_changed
from tests.scrapers.random_html import Shape, random_page

_TAGS = ("div", "p", "a", "span", "article", "section", "h1", "ul", "li", "time")
_CLASSES = (
    "a",
    "A",
    "b",
    "name",
    "detail-content",
    "afcbc-body",
    "cms-body",
    "Cms-Body",
    "x_y",
    "relate",
    "article-relate",
)
_SEPARATORS = (" ", "  ", "\t", "\n", " \r\n ", "\f", "\xa0", "\u2003")
_VALUES = ("content", "Content", "sapo", "related-box", "related", "x y", "")

SELECTORS = [
    "div",
    "*",
    "DIV",
    "p a",
    "div > p",
    "div > *",
    "div *",
    ".a",
    ".A",
    ".b.a",
    "div.a",
    "DIV.a.b",
    ".name",
    ".cms-body",
    ".Cms-Body",
    ".detail-content.afcbc-body",
    "div.detail-content.afcbc-body",
    ".article-relate",
    ".relate",
    ".a .b",
    ".a .a",
    ".a > .a",
    ".a a.name",
    ".a .b a.name",
    "section .a > p",
    "article p",
    "#main",
    "#Main",
    "div#main",
    "#main .a",
    "#main > p",
    "[data-role]",
    "[data-role=content]",
    "[DATA-ROLE=content]",
    "[data-role=Content]",
    "[data-role='x y']",
    "[data-role='']",
    "h1[data-role=content]",
    "[data-role=content] a",
    "[data-role~=y]",
    "[data-role^=rel]",
    "[data-role$=box]",
    "[data-role*=ate]",
    "[data-role|=related]",
    "[class*=relate] a",
    "[class~=a]",
    "[type=RelatedNews]",
    "[style*=right] > span",
    "p.a, .b",
    ".a, .b",
    "h1, .zzz",
    ".zzz, h1, .a a",
    "a, a",
    "ul li a",
    "ul > li > a",
    "article [data-role=content]",
    "[id=main]",
]


def _class_value(rng: random.Random) -> str:
    tokens = rng.sample(_CLASSES, rng.randint(1, 3))
    value = ""
    for token in tokens:
        value += rng.choice(_SEPARATORS) + token
    if rng.random() < 0.5:
        value = value[1:]
    return value + (rng.choice(_SEPARATORS) if rng.random() < 0.3 else "")


def _attributes(rng: random.Random) -> dict[str, str]:
    attrs: dict[str, str] = {}
    if rng.random() < 0.6:
        attrs["class"] = _class_value(rng)
    if rng.random() < 0.15:
        attrs["id"] = rng.choice(("main", "Main", "other", " main"))
    if rng.random() < 0.25:
        attrs["data-role"] = rng.choice(_VALUES)
    if rng.random() < 0.1:
        attrs["type"] = rng.choice(("RelatedNews", "relatednews", "Video"))
    if rng.random() < 0.1:
        attrs["style"] = rng.choice(("text-align:right", "color: red"))
    return attrs


def _opening(rng: random.Random, tag: str) -> str:
    attrs = "".join(
        f' {name}="{value.replace(chr(34), "&quot;")}"' for name, value in _attributes(rng).items()
    )
    return f"<{tag}{attrs}>t{rng.randint(0, 9)}"


_SHAPE = Shape(
    _TAGS,
    opening=_opening,
    closing=lambda rng, tag: f"</{tag}>tail",
    max_depth=6,
    after_children=lambda rng: "<!-- note -->" if rng.random() < 0.2 else "",
)


def _random_page(seed: int) -> str:
    return random_page(seed, _SHAPE)


def _expected(root: Element, selector: str) -> list[Element]:
    return [el for el in CSSSelector(selector, translator="html")(root) if isinstance(el.tag, str)]


def test_simple_selectors_are_answered_by_the_index() -> None:
    assert [s for s in SELECTORS if compile_selector(s) is None] == []
    assert compile_selector("[data-role~='x y']") is None  # cssselect: never matches
    assert compile_selector("p:first-child") is None
    assert compile_selector("a + b") is None
    assert compile_selector("a::before") is None
    assert compile_selector("[x=y i]") is None


@pytest.mark.parametrize("seed", range(40))
def test_same_matches_as_cssselect(seed: int) -> None:
    root = lxml.html.document_fromstring(_random_page(seed))
    inner = [el for el in root.iter("div", "section", "article")][:3]
    for context in (root, *inner):
        for selector in SELECTORS:
            assert select(context, selector) == _expected(context, selector), (seed, selector)


@pytest.mark.parametrize("seed", range(30))
def test_same_matches_after_removals(seed: int) -> None:
    root = lxml.html.document_fromstring(_random_page(seed))
    before = SELECTORS if seed % 3 == 0 else SELECTORS[seed % 7 :: 5]
    for selector in before:
        select(root, selector)  # index (all of it, or parts) and remembered results
    rng = random.Random(seed)
    elements = [el for el in root.iter(etree.Element) if el.tag not in ("html", "body")]
    for el in rng.sample(elements, min(5, len(elements))):
        if el.getparent() is not None:
            el.getparent().remove(el)
    tree_changed(root)
    for selector in SELECTORS:
        assert select(root, selector) == _expected(root, selector), (seed, selector)


def test_tricky_class_attributes() -> None:
    root = lxml.html.document_fromstring(
        '<html><body><div class="a&#12;b">1</div><div class="c&#160;d">2</div>'
        '<div class="\tE\nf\r">3</div><div class="e">4</div><div class="">5</div></body></html>'
    )
    for selector in (".a", ".b", ".c", ".d", ".E", ".e", ".f", ".E.f", "[class='']", "[class]"):
        assert select(root, selector) == _expected(root, selector), selector
    assert [el.text for el in select(root, ".E")] == ["3"]
    assert select(root, ".b") == []  # a form feed does not separate XPath tokens


def test_xml_tokens_split_on_xml_whitespace_only() -> None:
    assert xml_tokens(" a\tb\nc\r d ") == ["a", "b", "c", "d"]
    assert xml_tokens("a\fb c\xa0d") == ["a\fb", "c\xa0d"]
    assert xml_tokens("") == []


def test_results_are_copies() -> None:
    root = lxml.html.document_fromstring("<html><body><p class=a>x</p></body></html>")
    first = select(root, ".a")
    first.clear()
    assert len(select(root, ".a")) == 1


@pytest.mark.parametrize("first", ["[class]", ".a", "[id]", "#main", "[data-role]"])
def test_lists_read_before_and_after_a_removal_stay_aligned(first: str) -> None:
    page = (
        '<html><body><div class="x" id="gone"><p class="a">1</p></div>'
        '<p class="b" id="main">2</p><p class="a" data-role="c">3</p></body></html>'
    )
    root = lxml.html.document_fromstring(page)
    select(root, first)
    gone = root.get_element_by_id("gone")
    gone.getparent().remove(gone)
    tree_changed(root)
    for selector in (".a", ".b", "#main", "[class]", "[id]", "[class*=a]", "p.a", "[data-role]"):
        assert select(root, selector) == _expected(root, selector), selector
