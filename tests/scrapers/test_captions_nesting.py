"""take_captions skips what lies below an element it already took (a set of the taken
elements' descendants, filled as they are taken) exactly as walking each element's
ancestors up to the container does: same captions, same tree left, on random HTML with
nested figures, caption nodes and image tables."""

from __future__ import annotations

import random

import lxml.html
import pytest

from scrapers import captions
from scrapers.dom import Element, element_text, first_image, select, tree_changed
from scrapers.records import Caption
from tests.scrapers.random_html import Shape, random_page

pytestmark = pytest.mark.unit

_TAGS = ("div", "figure", "figcaption", "p", "table", "td", "span", "img")
_CLASSES = ("", "caption", "image_desc", "note", "x")


def _opening(rng: random.Random, tag: str) -> str:
    attrs = f' class="{rng.choice(_CLASSES)}"'
    if tag == "img":
        return f'<img src="/i{rng.randint(0, 9)}.jpg"{attrs}>'
    return f"<{tag}{attrs}>w{rng.randint(0, 9)} "


_SHAPE = Shape(
    _TAGS,
    opening=_opening,
    closing=lambda rng, tag: f"</{tag}>t ",
    void=frozenset({"img"}),
    wrapper=("<html><body><div>", "</div></body></html>"),
)


def _random_page(seed: int) -> str:
    return random_page(seed, _SHAPE)


def _plain_take_captions(root: Element, base_url: str) -> list[Caption]:
    """take_captions as first written: an ancestor walk for every element."""
    marked = {el for sel in captions.CAPTION_SELECTORS for el in select(root, sel)}
    found: list[Caption] = []
    doomed: list[Element] = []
    doomed_ids: set[int] = set()

    def inside(el: Element) -> bool:
        for ancestor in el.iterancestors():
            if ancestor is root:
                return False
            if id(ancestor) in doomed_ids:
                return True
        return False

    for el in list(root.iter()):
        if el is root or not isinstance(el.tag, str):
            continue
        if doomed_ids and inside(el):
            continue
        if el.tag == "figure":
            for node in captions._outermost(el, marked):
                text = element_text(node)
                captions._add(found, text, first_image(el, base_url))
        elif el in marked:
            image = captions._caption_image(el, root, base_url)
            captions._add(found, element_text(el), image)
        elif el.tag == "table" and captions._is_image_table(el):
            captions._add(found, element_text(el), first_image(el, base_url))
        else:
            continue
        doomed.append(el)
        doomed_ids.add(id(el))
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            captions._remove(el, parent)
    if doomed:
        tree_changed(root)
    return found


@pytest.mark.parametrize("seed", range(60))
def test_same_captions_and_tree_as_the_ancestor_walk(seed: int) -> None:
    page = _random_page(seed)
    fast = lxml.html.document_fromstring(page).find("body/div")
    plain = lxml.html.document_fromstring(page).find("body/div")
    assert captions.take_captions(fast, "http://x.test/a") == _plain_take_captions(
        plain, "http://x.test/a"
    )
    assert lxml.html.tostring(fast) == lxml.html.tostring(plain)
