"""Printed intro of the generic layer (pure): the standfirst printed above the text container.

In:  the container the generic layer chose (an element of the page tree).
Out: the text of the intro paragraph printed just before it, or None.

Many layouts print the intro ("article-teaser", "entry-excerpt", "field-perex", "lead",
"article__abstract") in the article header, outside the box that holds the paragraphs. It
is article text: when the lead would otherwise come from a meta description (an SEO
summary, often shortened or reworded), the printed intro is the lead. Only boxes near the
container count (inside its nearest ancestors, before it in page order), never boxes that
hold a heading, a date, an image or navigation (a whole header), nor link lists (teaser
cards of other articles).
"""

from __future__ import annotations

import re

from scrapers.dom import Element, class_tokens, element_text

_INTRO_CLASS = re.compile(
    r"(?:^|[-_\s])(?:intro\w*|teaser(?:-?text)?|lead(?:text)?|lede|abstract|excerpt|perex|"
    r"standfirst|summary|sapo|chapo|dek|deck)(?:$|[-_\s])"
)
_NOT_INSIDE = ("h1", "h2", "h3", "time", "nav", "figure", "img")
_OUTSIDE = frozenset({"nav", "aside", "footer", "form"})
_REACH = 3  # ancestors of the container searched
_MIN_CHARS = 60
_MAX_LINKS = 0.3
_PARAGRAPH_END = re.compile(r"[.!?…:;)\"”“»«]$")


def printed_intro(container: Element) -> str | None:
    """The intro paragraph printed before `container` in its nearest ancestors."""
    if container.getparent() is None:
        return None  # a holder of merged copies: no place in the page
    ancestors = [a for a in container.iterancestors() if a.tag not in ("body", "html")]
    if not ancestors:
        return None
    for el in ancestors[:_REACH][-1].iter():
        if el is container:
            return None
        if isinstance(el.tag, str) and _INTRO_CLASS.search(class_tokens(el)):
            text = _intro_text(el)
            if text is not None:
                return text
    return None


def _intro_text(el: Element) -> str | None:
    if next(el.iter(*_NOT_INSIDE), None) is not None:
        return None
    if any(node.tag in _OUTSIDE for node in (el, *el.iterancestors())):
        return None
    text = element_text(el)
    if len(text) < _MIN_CHARS or not _PARAGRAPH_END.search(text):
        return None
    linked = sum(len(element_text(a)) for a in el.iter("a"))
    return text if linked <= _MAX_LINKS * len(text) else None
