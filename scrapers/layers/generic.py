"""Generic layer of the parse stage (pure): find the main text container of an unknown page.

In:  the page tree.
Out: the element most likely to hold the article text (a new <div> holding copies of
     several sibling blocks when the text is split across them), or None.

Text density, readability-style: every paragraph-like node with enough text scores its
parent (and half its grandparent) by length and commas; candidates are discounted by link
density. Nodes inside navigation, headers, footers, sidebars, comments and related boxes
never score. The best candidate is widened to the ancestor that holds the other strong
candidates, then joined by the sibling blocks that score close to it or read as prose
(sibling scoring as in readability); see scrapers.layers.siblings.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from scrapers.dom import BLOCK_TAGS, Element, select
from scrapers.layers.siblings import merge_siblings, widen

_CANDIDATE_TAGS = frozenset({"p", "div", "td", "pre", "li", "section", "article", "span"})
_SKIP_TAGS = frozenset({"nav", "footer", "header", "aside", "form"})
_NO_TEXT = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "button",
        "select",
        "textarea",
        "rt",
        "rp",
    }
)
_UNLIKELY = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|footer|header|sidebar|side-bar|widget|comments?|"
    r"related|relate|lienquan|tinlienquan|breadcrumbs?|social|share|sharing|ads?|banner|"
    r"popup|modal|cookie|sitemap|copyright|tags?|most-?read|docnhieu|xemnhieu|tin-?khac|"
    r"other|listing|list-news|box-news|hot-?news|slider|carousel)(?:$|[-_\s])"
)
# Cookie, consent and privacy-settings boxes, whatever else their classes say
# ("m159-cookies-info", "sp-dsgvo-privacy-content", "cmp-container", "gdpr-banner").
CONSENT = re.compile(
    r"cookie|consent|gdpr|dsgvo|onetrust|usercentrics|didomi|"
    r"privacy-?(?:banner|notice|popup|overlay|settings)"
)
_CODE = ("script", "style", "template")  # never text, even inside inline elements
_LIKELY = re.compile(
    r"(?:^|[-_\s])(?:article|content|entry|post|body|detail|chitiet|noidung|news-?detail|"
    r"main|story|text)(?:$|[-_\s])"
)
_PAGE_TAGS = frozenset({"html", "body", "main", "article"})
_TEXT_BLOCKS = frozenset({"p", "div", "article", "section", "h1", "h2", "h3", "ul", "table"})
_MIN_TEXT = 25
_ENOUGH_TEXT = 250  # characters in the chosen container before a retry is skipped
_BR = "\x00"  # marks a <br> inside own text


@dataclass(slots=True)
class _Paragraph:
    el: Element
    points: float
    length: int
    boxes: list[Element]  # boilerplate-looking ancestors (or itself)


@dataclass(slots=True)
class Scored:
    """Candidate scores and the page's text/link lengths, shared with the sibling pass."""

    scores: dict[Element, float]
    mass: dict[Element, float]  # element → points of all the scoring paragraphs inside it
    texts: dict[Element, tuple[int, int]]  # element → (visible text length, linked length)
    excluded: set[Element]  # boilerplate boxes that are not layout wrappers

    def text_length(self, el: Element) -> int:
        return self.texts.get(el, (0, 0))[0]

    def link_density(self, el: Element) -> float:
        total, linked = self.texts.get(el, (0, 0))
        return min(linked / total, 1.0) if total else 1.0

    def final(self, el: Element) -> float:
        return self.scores.get(el, 0.0) * (1.0 - self.link_density(el)) * _class_weight(el)

    def content(self, el: Element) -> float:
        """Points of the paragraphs inside, discounted by link density."""
        return self.mass.get(el, 0.0) * (1.0 - self.link_density(el))

    def boilerplate(self, el: Element) -> bool:
        return el in self.excluded or looks_boilerplate(el)

    def own_length(self, el: Element) -> int:
        return len(" ".join(_own_text(el).replace(_BR, " ").split()))


def find_main_content(root: Element) -> Element | None:
    """The best container; when boilerplate-looking classes hid nearly all the text (page
    builders call every block a "widget"), the page is scored again without them, and when
    even that finds nothing, with only consent boxes left out (text inside a <header> or
    <nav> left open by broken markup). A page whose text is only in <noscript> (the post
    a script would render, or the whole page behind a "JavaScript off" wrapper) is read
    from a copy where those <noscript> boxes are plain <div>s."""
    found = _find(root)
    if found is not None and found[1] >= _ENOUGH_TEXT:
        return found[0]
    opened = _open_noscript(root)
    if opened is not None:
        retry = _find(opened)
        if retry is not None and (found is None or retry[1] > found[1]):
            return retry[0]
    return found[0] if found is not None else None


def _find(root: Element) -> tuple[Element, int] | None:
    texts: dict[Element, tuple[int, int]] = {}
    _measure(root, texts, False)
    paragraphs = _paragraphs(root, texts)
    found = _best(_score(paragraphs, texts, _layout_wrappers(paragraphs, root)))
    if found is not None and found[1] >= _ENOUGH_TEXT:
        return found
    retry = _best(_score(paragraphs, texts, _all_class_boxes(paragraphs)))
    if retry is not None and (found is None or retry[1] > found[1]):
        return retry
    if found is not None:
        return found
    return _best(_score(paragraphs, texts, _all_boxes(paragraphs)))


def _open_noscript(root: Element) -> Element | None:
    """A copy of the page whose <noscript> boxes holding paragraphs are <div>s; None when
    there are none."""
    if not any(_holds_blocks(el) for el in root.iter("noscript")):
        return None
    page = copy.deepcopy(root)
    for el in page.iter("noscript"):
        if _holds_blocks(el):
            el.tag = "div"
    return page


def _holds_blocks(el: Element) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _TEXT_BLOCKS for child in el.iter())


def _best(scored: Scored) -> tuple[Element, int] | None:
    best: tuple[float, Element] | None = None
    for el in scored.scores:
        final = scored.final(el)
        if best is None or final > best[0]:
            best = (final, el)
    if best is None:
        return None
    top = widen(best[1], best[0], scored)
    return merge_siblings(top, scored), scored.text_length(top)


def _score(
    paragraphs: list[_Paragraph], texts: dict[Element, tuple[int, int]], wrappers: set[Element]
) -> Scored:
    """Credit every paragraph outside boilerplate boxes (`wrappers` do not count as boxes)."""
    scored = Scored({}, {}, texts, set())
    for para in paragraphs:
        boxes = [box for box in para.boxes if box not in wrappers]
        if boxes:
            scored.excluded.update(boxes)
        else:
            _credit(scored, para)
    return scored


def _credit(scored: Scored, para: _Paragraph) -> None:
    """A paragraph scores its parent fully and its grandparent by half; its points count
    in the content mass of every ancestor."""
    scores, mass = scored.scores, scored.mass
    points = para.points
    weight = 0.0 if para.el.tag == "li" else points  # list items: menus and teasers
    mass[para.el] = mass.get(para.el, 0.0) + weight
    for depth, node in enumerate(para.el.iterancestors()):
        if depth < 2:
            scores[node] = scores.get(node, 0.0) + points / (depth + 1)
        mass[node] = mass.get(node, 0.0) + weight


def _measure(el: Element, texts: dict[Element, tuple[int, int]], linked: bool) -> tuple[int, int]:
    """Visible text length of every element (and how much of it is link text), one pass.
    Inside a link all of an element's text is link text; outside, only its children's."""
    in_link = linked or el.tag == "a"
    text = el.text
    total = len(text.strip()) if text else 0
    child_links = 0
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _NO_TEXT:
            size, linked_size = _measure(child, texts, in_link)
            total += size
            child_links += linked_size
        tail = child.tail
        if tail:
            total += len(tail.strip())
    measured = texts[el] = (total, total if in_link else child_links)
    return measured


def _paragraphs(root: Element, texts: dict[Element, tuple[int, int]]) -> list[_Paragraph]:
    """Paragraph-like nodes with enough text; a <br>-broken text counts line by line."""
    found: list[_Paragraph] = []
    memo: dict[Element, list[Element]] = {}
    for el in root.iter(*_CANDIDATE_TAGS):
        if texts.get(el, (0, 0))[0] < _MIN_TEXT // 2:
            continue  # not enough visible text inside at all
        text = _own_text(el)
        length = len(" ".join(text.replace(_BR, " ").split()))
        if length < _MIN_TEXT:
            continue
        lines = [ln for ln in text.split(_BR) if len(ln.strip()) >= _MIN_TEXT] or [text]
        points = sum(1.0 + ln.count(",") + min(len(ln.strip()) / 100.0, 3.0) for ln in lines)
        found.append(_Paragraph(el, points, length, _boxes(el, memo)))
    return found


def _boxes(el: Element, memo: dict[Element, list[Element]]) -> list[Element]:
    """The element and its ancestors that look like navigation, sidebars, comments, ...
    (nearest first); remembered per node, so that each ancestor chain is walked once.
    The lists are shared: read only."""
    chain: list[Element] = []
    node: Element | None = el
    above: list[Element] = []
    while node is not None:
        known = memo.get(node)
        if known is not None:
            above = known
            break
        chain.append(node)
        node = node.getparent()
    for node in reversed(chain):
        above = memo[node] = [node, *above] if looks_boilerplate(node) else above
    return above


def looks_boilerplate(node: Element) -> bool:
    if node.tag in _SKIP_TAGS:
        return True
    if node.tag in _PAGE_TAGS:
        return False  # page-wide classes ("has-sidebar", "tag-x") say nothing of the text
    tokens = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
    if not tokens.strip():
        return False
    if CONSENT.search(tokens):
        return True
    return bool(_UNLIKELY.search(tokens)) and not _LIKELY.search(tokens)


def _layout_wrappers(paragraphs: list[_Paragraph], root: Element) -> set[Element]:
    """Boilerplate-looking boxes that hold most of the page's text are layout wrappers
    ("l-outer--nav", a <form> around the whole page, "right-sidebar" page variants) unless
    the article's headline lies outside them, and so are class-flagged boxes around the
    page's <h1> ("with-sidebar-right" columns) or around a blog's one post entry (Blogger's
    "widget Blog" around "post hentry")."""
    total = sum(p.length for p in paragraphs)
    held: dict[Element, int] = {}
    for para in paragraphs:
        for box in para.boxes:
            held[box] = held.get(box, 0) + para.length
    heading = next(root.iter("h1"), None)
    headline = heading if heading is not None and _in_article(heading) else None
    wrappers = {
        box
        for box, size in held.items()
        if size * 2 >= total and not _consent(box) and not _beside(box, headline)
    }
    for anchor in (heading, _post_entry(root)):
        if anchor is not None:
            wrappers.update(
                node
                for node in anchor.iterancestors()
                if node in held and node.tag not in _SKIP_TAGS
            )
    return wrappers


def _post_entry(root: Element) -> Element | None:
    """The post of a blog page, marked up as a microformat entry ("post hentry" inside
    Blogger's "widget Blog" box); None when the page lists several."""
    entries = select(root, ".hentry, .h-entry")
    return entries[0] if len(entries) == 1 else None


def _in_article(heading: Element) -> bool:
    """An <h1> outside navigation, sidebars and the page header: the headline (an
    article's own <header>, without navigation, holds it)."""
    for node in heading.iterancestors():
        if node.tag == "header" and next(node.iter("nav"), None) is None:
            continue
        if looks_boilerplate(node):
            return False
    return True


def _beside(box: Element, headline: Element | None) -> bool:
    """A box that does not hold the article's headline: a sidebar beside the article,
    however much text it has."""
    return headline is not None and not any(node is box for node in headline.iterancestors())


def _all_class_boxes(paragraphs: list[_Paragraph]) -> set[Element]:
    """The retry pass: only <nav>, <header>, <footer>, <aside>, <form> and consent boxes
    still count."""
    return {
        box
        for para in paragraphs
        for box in para.boxes
        if box.tag not in _SKIP_TAGS and not _consent(box)
    }


def _all_boxes(paragraphs: list[_Paragraph]) -> set[Element]:
    """The last pass: every box but consent boxes is a wrapper."""
    return {box for para in paragraphs for box in para.boxes if not _consent(box)}


def _consent(node: Element) -> bool:
    return bool(CONSENT.search(f"{node.get('class') or ''} {node.get('id') or ''}".lower()))


def _own_text(el: Element) -> str:
    """Text directly in the element and its inline children (not nested blocks)."""
    parts = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == "br":
            parts.append(_BR)
        elif not isinstance(tag, str) or tag in _NO_TEXT:
            pass
        elif tag in BLOCK_TAGS:
            parts.append(" ")
        else:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _inline_text(el: Element) -> str:
    """Text of an inline element, without the scripts and styles inside it (a <style>
    inside a <span>: CSS-in-JS skeletons)."""
    if not len(el):
        return el.text or ""  # only text nodes inside: their string value
    if next(el.iter(*_CODE), None) is None:
        return str(el.text_content())
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _CODE:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _class_weight(el: Element) -> float:
    tokens = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if _LIKELY.search(tokens):
        return 1.25
    return 1.0
