"""Generic layer of the parse stage (pure): find the main text container of an unknown page.

In:  the page tree.
Out: the element most likely to hold the article text, or None.

Text density, readability-style: every paragraph-like node with enough text scores its
parent (and half its grandparent) by length and commas, discounted by link density; nodes
inside navigation, headers, footers, sidebars, comments and related boxes never score.
"""

from __future__ import annotations

import re

from scrapers.dom import Element

_CANDIDATE_TAGS = frozenset({"p", "div", "td", "pre", "li", "section", "article", "span"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "nav", "footer", "header", "aside", "form"})
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
_MIN_TEXT = 25


def find_main_content(root: Element) -> Element | None:
    scores: dict[Element, float] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in _CANDIDATE_TAGS:
            continue
        own = _own_text_length(el)
        if own < _MIN_TEXT or _in_unlikely(el):
            continue
        points = 1.0 + _own_text(el).count(",") + min(own / 100.0, 3.0)
        parent = el.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0.0) + points
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0.0) + points / 2.0
    best: tuple[float, Element] | None = None
    for el, score in scores.items():
        final = score * (1.0 - _link_density(el)) * _class_weight(el)
        if best is None or final > best[0]:
            best = (final, el)
    return best[1] if best is not None else None


def _own_text(el: Element) -> str:
    """Text directly in the element and its inline children (not nested blocks)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag in ("p", "div", "table", "ul", "ol"):
            parts.append(" ")
        elif isinstance(child.tag, str):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return "".join(parts)


def _own_text_length(el: Element) -> int:
    return len(" ".join(_own_text(el).split()))


def _in_unlikely(el: Element) -> bool:
    for node in (el, *el.iterancestors()):
        if node.tag in _SKIP_TAGS:
            return True
        tokens = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if tokens.strip() and _UNLIKELY.search(tokens) and not _LIKELY.search(tokens):
            return True
    return False


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
