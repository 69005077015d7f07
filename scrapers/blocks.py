"""Block walking for the parse stage (pure): a container → text lines and images in order.

In:  a cleaned copy of the article container.
Out: Block list. A block is one paragraph-level line: the text of a leaf block element, or
     a run of inline text between block elements, split at <br>. Inline children are joined
     without added spaces (text split across spans stays one word). Images become their
     own blocks so that a caption printed under one can be recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scrapers.dom import BLOCK_TAGS, Element, image_url, unescape_twice
from scrapers.text import clean_text

_EMPHASIS = frozenset({"em", "i", "strong", "b"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_ALIGN = re.compile(r"text-align\s*:\s*(center|right)", re.IGNORECASE)


@dataclass(slots=True)
class Block:
    text: str
    el: Element | None = None
    image: str | None = None
    emphasized: bool = False
    centered: bool = False
    right: bool = False
    heading: bool = False
    link_ratio: float = 0.0


@dataclass(slots=True)
class _Line:
    parts: list[str] = field(default_factory=list)
    chars: int = 0
    em_chars: int = 0
    link_chars: int = 0


@dataclass(slots=True)
class _Run:
    items: list[_Line | str] = field(default_factory=lambda: [_Line()])

    def text(self, value: str | None, em: bool, link: bool) -> None:
        if not value:
            return
        line = self.items[-1]
        if isinstance(line, str):
            line = _Line()
            self.items.append(line)
        line.parts.append(value)
        size = len(value.strip())
        line.chars += size
        line.em_chars += size if em else 0
        line.link_chars += size if link else 0

    def newline(self) -> None:
        self.items.append(_Line())

    def image(self, url: str) -> None:
        self.items.append(url)


def walk_blocks(root: Element, base_url: str) -> list[Block]:
    out: list[Block] = []
    _walk(root, base_url, out)
    return out


def _walk(el: Element, base_url: str, out: list[Block]) -> None:
    tag = el.tag
    em, link = tag in _EMPHASIS, tag == "a"
    run = _Run()
    run.text(el.text, em, link)
    for child in el:
        child_tag = child.tag
        if isinstance(child_tag, str) and child_tag in BLOCK_TAGS:
            _flush(run, el, out)
            _walk(child, base_url, out)
            run = _Run()
        elif isinstance(child_tag, str):
            _inline(child, run, base_url, em, link)
        run.text(child.tail, em, link)
    _flush(run, el, out)


def _inline(el: Element, run: _Run, base_url: str, em: bool, link: bool) -> None:
    tag = el.tag
    if tag == "br":
        run.newline()
        return
    if tag == "img":
        url = image_url(el, base_url)
        if url:
            run.image(url)
        return
    em = em or tag in _EMPHASIS
    link = link or tag == "a"
    run.text(el.text, em, link)
    for child in el:
        if isinstance(child.tag, str):
            _inline(child, run, base_url, em, link)
        run.text(child.tail, em, link)


_UNREAD = "?"  # alignment not read yet


def _flush(run: _Run, el: Element, out: list[Block]) -> None:
    align: str | None = _UNREAD  # read (with the heading test) once a line has text
    heading = False
    for item in run.items:
        if isinstance(item, str):
            out.append(Block(text="", el=el, image=item))
            continue
        if not item.parts:
            continue
        text = clean_text(unescape_twice("".join(item.parts)))
        if not text:
            continue
        if align is _UNREAD:
            align, heading = _alignment(el), el.tag in _HEADINGS
        total = max(item.chars, 1)
        out.append(
            Block(
                text=text,
                el=el,
                emphasized=item.em_chars >= 0.9 * total,
                centered=align == "center",
                right=align == "right",
                heading=heading,
                link_ratio=item.link_chars / total,
            )
        )


def _alignment(el: Element) -> str | None:
    for node in (el, el.getparent()):
        if node is None:
            continue
        align = (node.get("align") or "").lower()
        if align in ("center", "right"):
            return align
        m = _ALIGN.search(node.get("style") or "")
        if m:
            return m.group(1).lower()
    return None
