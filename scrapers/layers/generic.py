"""Generic layer of the parse stage (pure): find the main text container of an unknown page.

In:  the page tree.
Out: the element most likely to hold the article text, or None.

Text density, readability-style: every paragraph-like node with enough text scores its
parent (and half its grandparent) by length and commas, discounted by link density; nodes
inside navigation, headers, footers, sidebars, comments and related boxes never score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrapers.dom import Element

_CANDIDATE_TAGS = frozenset({"p", "div", "td", "pre", "li", "section", "article", "span"})
_SKIP_TAGS = frozenset({"nav", "footer", "header", "aside", "form"})
_UNLIKELY = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|footer|header|sidebar|side-bar|widget|comments?|"
    r"related|relate|lienquan|tinlienquan|breadcrumbs?|social|share|sharing|ads?|banner|"
    r"popup|modal|cookie|sitemap|copyright|tags?|most-?read|docnhieu|xemnhieu|tin-?khac|"
    r"other|listing|list-news|box-news|hot-?news|slider|carousel)(?:$|[-_\s])"
)
_LIKELY = re.compile(
    r"(?:^|[-_\s])(?:article|content|entry|post|body|detail|chitiet|noidung|news-?detail|"
    r"main|story|text)(?:$|[-_\s])"
)
_PAGE_TAGS = frozenset({"html", "body", "main", "article"})
_MIN_TEXT = 25
_BR = "\x00"  # marks a <br> inside own text


@dataclass(slots=True)
class _Paragraph:
    el: Element
    points: float
    length: int
    boxes: list[Element]  # boilerplate-looking ancestors (or itself)


def find_main_content(root: Element) -> Element | None:
    paragraphs = _paragraphs(root)
    wrappers = _layout_wrappers(paragraphs)
    scores: dict[Element, float] = {}
    for para in paragraphs:
        if any(box not in wrappers for box in para.boxes):
            continue
        parent = para.el.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0.0) + para.points
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0.0) + para.points / 2.0
    best: tuple[float, Element] | None = None
    for el, score in scores.items():
        final = score * (1.0 - _link_density(el)) * _class_weight(el)
        if best is None or final > best[0]:
            best = (final, el)
    return best[1] if best is not None else None


def _paragraphs(root: Element) -> list[_Paragraph]:
    """Paragraph-like nodes with enough text; a <br>-broken text counts line by line."""
    found: list[_Paragraph] = []
    memo: dict[Element, bool] = {}
    for el in root.iter(*_CANDIDATE_TAGS):
        text = _own_text(el)
        length = len(" ".join(text.replace(_BR, " ").split()))
        if length < _MIN_TEXT:
            continue
        lines = [ln for ln in text.split(_BR) if len(ln.strip()) >= _MIN_TEXT] or [text]
        points = sum(1.0 + ln.count(",") + min(len(ln.strip()) / 100.0, 3.0) for ln in lines)
        found.append(_Paragraph(el, points, length, _boxes(el, memo)))
    return found


def _boxes(el: Element, memo: dict[Element, bool]) -> list[Element]:
    """The element and its ancestors that look like navigation, sidebars, comments, ..."""
    boxes: list[Element] = []
    for node in (el, *el.iterancestors()):
        flagged = memo.get(node)
        if flagged is None:
            flagged = memo[node] = _looks_boilerplate(node)
        if flagged:
            boxes.append(node)
    return boxes


def _looks_boilerplate(node: Element) -> bool:
    if node.tag in _SKIP_TAGS:
        return True
    if node.tag in _PAGE_TAGS:
        return False  # page-wide classes ("has-sidebar", "tag-x") say nothing of the text
    tokens = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
    return bool(tokens.strip()) and bool(_UNLIKELY.search(tokens)) and not _LIKELY.search(tokens)


def _layout_wrappers(paragraphs: list[_Paragraph]) -> set[Element]:
    """Boilerplate-looking boxes that hold most of the page's text are layout wrappers
    ("l-outer--nav", a <form> around the whole page, "right-sidebar" page variants)."""
    total = sum(p.length for p in paragraphs)
    held: dict[Element, int] = {}
    for para in paragraphs:
        for box in para.boxes:
            held[box] = held.get(box, 0) + para.length
    return {box for box, size in held.items() if size * 2 >= total}


def _own_text(el: Element) -> str:
    """Text directly in the element and its inline children (not nested blocks)."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == "br":
            parts.append(_BR)
        elif isinstance(child.tag, str) and child.tag in ("p", "div", "table", "ul", "ol"):
            parts.append(" ")
        elif isinstance(child.tag, str):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return "".join(parts)


def _own_text_length(el: Element) -> int:
    return len(" ".join(_own_text(el).split()))


def _link_density(el: Element) -> float:
    total = len(el.text_content())
    if total == 0:
        return 1.0
    linked = sum(len(a.text_content()) for a in el.iter("a"))
    return min(linked / total, 1.0)


def _class_weight(el: Element) -> float:
    tokens = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if _LIKELY.search(tokens):
        return 1.25
    return 1.0
