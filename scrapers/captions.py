"""Caption extraction for the parse stage (pure).

In:  a copy of the article container (modified in place) and the page URL.
Out: captions in document order — the text as printed, credits included ("Ảnh: Reuters",
     "- Ảnh: H.Y.T.") — each with the absolute URL of the image it describes. Figures,
     caption nodes and table image boxes are removed from the container so that they never
     reach the paragraphs.
"""

from __future__ import annotations

from scrapers.dom import Element, element_text, first_image, select, tree_changed
from scrapers.records import Caption

CAPTION_SELECTORS: tuple[str, ...] = (
    "figcaption",
    ".PhotoCMS_Caption",
    "p.Image",
    ".image-caption",
    ".img-caption",
    ".imgcaption",
    ".d-imgcaption",
    ".pCaption",
    "td.note",
    ".wp-caption-text",
    ".caption",
    ".fig-caption",
    ".image_desc",
    ".desc_image",
    ".expNoEdit",
)
_MAX_TABLE_CAPTION_WORDS = 60


def take_captions(root: Element, base_url: str, extra: tuple[str, ...] = ()) -> list[Caption]:
    marked = {el for sel in (*extra, *CAPTION_SELECTORS) for el in select(root, sel)}
    captions: list[Caption] = []
    doomed: list[Element] = []
    inside: set[Element] = set()  # below a doomed element (all proxies stay alive: the list)
    for el in list(root.iter()):
        if el is root or not isinstance(el.tag, str):
            continue
        if el in inside:
            continue
        if el.tag == "figure":
            for node in _outermost(el, marked):
                _add(captions, element_text(node), first_image(el, base_url))
        elif el in marked:
            _add(captions, element_text(el), _caption_image(el, root, base_url))
        elif el.tag == "table" and _is_image_table(el):
            _add(captions, element_text(el), first_image(el, base_url))
        else:
            continue
        doomed.append(el)
        inside.update(el.iterdescendants())
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            _remove(el, parent)
    if doomed:
        tree_changed(root)
    return captions


def _outermost(figure: Element, marked: set[Element]) -> list[Element]:
    found: list[Element] = []
    for node in figure.iterdescendants():
        if node in marked and not any(a in found for a in node.iterancestors()):
            found.append(node)
    return found


def _is_image_table(table: Element) -> bool:
    if next(table.iter("img"), None) is None:
        return False
    if next(table.iterdescendants("table"), None) is not None:
        return False  # a layout table holding other tables is not an image box
    return len(element_text(table).split()) <= _MAX_TABLE_CAPTION_WORDS


def _caption_image(el: Element, root: Element, base_url: str) -> str | None:
    """The image a caption node describes: in an enclosing box, else just before it."""
    for depth, ancestor in enumerate(el.iterancestors()):
        if ancestor is root or depth >= 4:
            break
        found = first_image(ancestor, base_url)
        if found:
            return found
    node: Element | None = el
    for _ in range(2):
        if node is None:
            break
        for sibling in list(node.itersiblings(preceding=True))[:3]:
            if isinstance(sibling.tag, str):
                found = first_image(sibling, base_url)
                if found:
                    return found
        node = node.getparent()
        if node is root:
            break
    return None


def _add(captions: list[Caption], text: str, image: str | None) -> None:
    if not text:
        return
    caption = Caption(text=text, image_url=image)
    if caption not in captions:
        captions.append(caption)


def _remove(el: Element, parent: Element) -> None:
    if el.tail and el.tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
