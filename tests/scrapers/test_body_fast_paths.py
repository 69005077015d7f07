"""The fast paths of scrapers.body give what the plain definitions give: an element's word
count read from its string value in one call (not by joining itertext), and the junk-box
test with its class/id verdict remembered (random HTML with comments, scripts and
junk-like names)."""

from __future__ import annotations

import random

import lxml.html
import pytest
from lxml import etree

from scrapers import body
from scrapers.dom import BLOCK_TAGS, Element
from scrapers.layers.generic import CONSENT
from tests.scrapers.random_html import Shape, random_page

pytestmark = pytest.mark.unit

_TAGS = ("div", "p", "a", "span", "article", "section", "li", "script", "b", "main", "aside")
_NAMES = ("", "related", "post-12 tag-x", "share-box", "x_ads", "content", "cookie", "Tags")
_TEXTS = ("", "Hà Nội", "  một  hai ", "a\u00a0b", "x&amp;y", "\n", "t1 t2 t3", "“ở”\u2003—")


def _attributes(rng: random.Random) -> str:
    attrs = []
    for name in ("class", "id", "type", "data-module"):
        if rng.random() < 0.35:
            value = rng.choice((*_NAMES, "RelatedNews", "Related-box"))
            attrs.append(f' {name}="{value}"')
    return "".join(attrs)


def _note(rng: random.Random) -> str:
    return rng.choice(("<!-- a note -->", "<?pi x?>")) if rng.random() < 0.2 else ""


_SHAPE = Shape(
    _TAGS,
    opening=lambda rng, tag: f"<{tag}{_attributes(rng)}>{rng.choice(_TEXTS)}",
    closing=lambda rng, tag: f"</{tag}>{rng.choice(_TEXTS)}",
    after_children=_note,
)


def _random_page(seed: int) -> str:
    return random_page(seed, _SHAPE)


def _plain_junk_box(el: Element, tag: str) -> bool:
    if tag not in BLOCK_TAGS or tag in ("article", "main"):
        return False
    if (el.get("type") or "").lower().startswith("related"):
        return True
    if (el.get("data-module") or "").lower().startswith("related"):
        return True
    classes = el.get("class") or ""
    if body._POST_CLASS.search(classes):
        return False
    tokens = f"{classes} {el.get('id') or ''}".lower()
    return bool(tokens.strip()) and bool(body._JUNK_CLASS.search(tokens) or CONSENT.search(tokens))


@pytest.mark.parametrize("seed", range(40))
def test_text_size_counts_the_words_of_itertext(seed: int) -> None:
    root = lxml.html.document_fromstring(_random_page(seed))
    for el in root.iter(etree.Element):
        assert body._text_size(el) == len("".join(el.itertext()).split()), seed


@pytest.mark.parametrize("seed", range(40))
def test_junk_box_matches_its_definition(seed: int) -> None:
    root = lxml.html.document_fromstring(_random_page(seed))
    for el in root.iter(etree.Element):
        assert body._is_junk_box(el, el.tag) == _plain_junk_box(el, el.tag), seed
