"""scrapers.dom's parser leaves id attributes out of the document's ID table (no
collect_ids): the trees it builds, their copies and what is selected on them are those of
lxml.html's plain UTF-8 HTML parser, on random pages with unique, repeated and odd ids."""

from __future__ import annotations

import copy
import random

import lxml.html
import pytest
from lxml import etree

from scrapers.dom import Element, load_tree, select
from tests.scrapers.random_html import Shape, random_page

_TAGS = ("div", "p", "a", "span", "section", "h1", "li")
_IDS = ("main", "Main", "x", "a b", "", "main ", "d-1")
_SELECTORS = ("#main", "#Main", "#x", "div#main", "#main p", "[id]", "[id=x]", "#d-1 > p")


def _opening(rng: random.Random, tag: str) -> str:
    attrs = f' id="{rng.choice(_IDS)}"' if rng.random() < 0.5 else ""
    attrs += ' class="c"' if rng.random() < 0.3 else ""
    return f"<{tag}{attrs}>t{rng.randint(0, 9)} "


def _closing(rng: random.Random, tag: str) -> str:
    return f"</{tag}> tail{rng.randint(0, 9)} "


_SHAPE = Shape(_TAGS, _opening, _closing)


def _plain_tree(html: str) -> Element:
    parser = lxml.html.HTMLParser(encoding="utf-8")
    return lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)


@pytest.mark.parametrize("seed", range(120))
def test_tree_copies_and_selects_match_the_plain_parser(seed: int) -> None:
    html = random_page(seed, _SHAPE)
    ours, plain = load_tree(html), _plain_tree(html)
    assert etree.tostring(ours) == etree.tostring(plain)
    for el, other in zip(ours.iter(), plain.iter(), strict=True):
        assert etree.tostring(copy.deepcopy(el)) == etree.tostring(copy.deepcopy(other))
    for selector in _SELECTORS:
        found = [etree.tostring(el) for el in select(ours, selector)]
        assert found == [etree.tostring(el) for el in plain.cssselect(selector)]
