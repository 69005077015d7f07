"""Sibling pass of the generic layer (pure): widen the best candidate, join its siblings.

In:  the best-scoring candidate and the page's scores (scrapers.layers.generic.Scored).
Out: the container to read: the candidate itself, an ancestor of it, or a new <div> that
     holds copies of the sibling blocks that belong with it, in page order.

As in readability: when several strong candidates exist, the ancestor holding them wins;
a candidate that is the only text of its parent gives way to the parent, and so does one
whose parent only adds a heading (sections wrapped one by one) or adds half as much prose
again with few links (an article split into content blocks nested deeper than siblings);
then siblings
join when they score at least a fifth of the best (more easily when they share its class),
or read as prose (a paragraph of low link density, a short sentence with no links).
Headings, lists, tables and quotes lying between joined blocks join too.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from scrapers.dom import Element

if TYPE_CHECKING:
    from scrapers.layers.generic import Scored

_PAGE = frozenset({"html", "body"})
_BETWEEN = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre", "figure"}
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PROSE = frozenset({"p", "div", "blockquote", "pre", "section"})
_SENTENCE_END = re.compile(r"[.!?…:]['\"”’»)]?(?:\s|$)")
_STRONG_SHARE = 0.75
_MIN_STRONG = 3
_MIN_JOIN = 5.0  # about one solid paragraph
_GROWTH = 0.5  # the parent adds at least half as much prose again
_GROWTH_LINKS = 0.15


def widen(top: Element, top_score: float, scored: Scored) -> Element:
    """The ancestor holding the strong runner-up candidates, or one whose score rises."""
    strong = [
        el
        for el in scored.scores
        if el is not top and scored.final(el) >= _STRONG_SHARE * top_score
    ]
    if len(strong) >= _MIN_STRONG:
        top = _common_holder(top, strong)
    top = _rising_parent(top, scored)
    while True:
        parent = top.getparent()
        if parent is None or parent.tag in _PAGE or scored.boilerplate(parent):
            return top
        if (
            scored.text_length(parent) - scored.text_length(top) >= 25
            and not _section_wrapper(parent, top, scored)
            and not _grows(parent, top, scored)
        ):
            return top
        top = parent


def _section_wrapper(parent: Element, top: Element, scored: Scored) -> bool:
    """The parent only adds a heading to the candidate (one section of an article whose
    sections are wrapped one by one)."""
    return all(
        child is top or child.tag in _HEADINGS or scored.text_length(child) == 0
        for child in parent
        if isinstance(child.tag, str)
    )


def _grows(parent: Element, top: Element, scored: Scored) -> bool:
    """The parent adds prose of its own weight (the article split across columns or
    content blocks nested deeper than siblings), with few links."""
    mine = scored.content(top)
    gain = scored.content(parent) - mine
    return gain >= max(_MIN_JOIN, _GROWTH * mine) and scored.link_density(parent) <= _GROWTH_LINKS


def _common_holder(top: Element, strong: list[Element]) -> Element:
    for ancestor in top.iterancestors():
        if ancestor.tag in _PAGE:
            break
        inside = sum(1 for el in strong if _contains(ancestor, el))
        if inside >= _MIN_STRONG:
            return ancestor
    return top


def _contains(ancestor: Element, el: Element) -> bool:
    return any(node is ancestor for node in el.iterancestors())


def _rising_parent(top: Element, scored: Scored) -> Element:
    last = scored.final(top)
    floor = last / 3.0
    for parent in top.iterancestors():
        if parent.tag in _PAGE:
            break
        if parent not in scored.scores:
            continue
        score = scored.final(parent)
        if score < floor:
            break
        if score > last:
            return parent
        last = score
    return top


def merge_siblings(top: Element, scored: Scored) -> Element:
    parent = top.getparent()
    if parent is None or top.tag in _PAGE or parent.tag == "html":
        return top
    siblings = [el for el in parent if isinstance(el.tag, str)]
    kept = [el is top or _joins(el, top, scored) for el in siblings]
    indexes = [i for i, keep in enumerate(kept) if keep]
    for i in range(indexes[0], indexes[-1] + 1):
        if not kept[i] and _between_block(siblings[i], scored):
            kept[i] = True
    chosen = [el for el, keep in zip(siblings, kept, strict=True) if keep]
    if len(chosen) == 1:
        return top
    holder: Element = top.makeelement("div", {})
    for el in chosen:
        holder.append(copy.deepcopy(el))
    return holder


def _joins(sibling: Element, top: Element, scored: Scored) -> bool:
    if scored.boilerplate(sibling):
        return False
    top_score = scored.content(top)
    threshold = max(_MIN_JOIN, top_score * 0.2)
    same_class = sibling.get("class") and sibling.get("class") == top.get("class")
    bonus = top_score * 0.2 if same_class else 0.0
    if scored.content(sibling) + bonus >= threshold:
        return True
    if sibling.tag not in _PROSE:
        return False
    length = scored.own_length(sibling)
    density = scored.link_density(sibling)
    if length > 80 and density < 0.25:
        return True
    text = sibling.text_content()
    return 0 < length <= 80 and density == 0 and _SENTENCE_END.search(text) is not None


def _between_block(sibling: Element, scored: Scored) -> bool:
    if sibling.tag not in _BETWEEN or scored.boilerplate(sibling):
        return False
    return scored.text_length(sibling) > 0 and scored.link_density(sibling) < 0.5
