"""Body reading for the parse stage (pure): an article container → paragraphs and captions.

In:  the element holding the article text (from selectors, a CMS profile or the generic
     extractor) and the page URL.
Out: BodyResult — paragraphs in order (subheadings kept), captions with absolute image
     URLs, and the closing byline/credit line taken out of the text.

Not paragraphs: captions (figcaption, caption classes, table image boxes, short styled
lines right under an image), related/"Xem thêm" boxes, share/tag/ad widgets, scripts,
link-only lines, the byline. The container is copied, never modified.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from scrapers.blocks import Block, walk_blocks
from scrapers.bylines import Byline, looks_like_byline, parse_byline
from scrapers.captions import take_captions
from scrapers.dom import BLOCK_TAGS, Element, class_tokens, element_text, select, tree_changed
from scrapers.layers.generic import CONSENT
from scrapers.records import Caption
from scrapers.text import FoldKeys

_JUNK_TAGS = [
    "script",
    "style",
    "noscript",
    "iframe",
    "svg",
    "button",
    "form",
    "input",
    "select",
    "textarea",
    "template",
    "object",
    "embed",
    "video",
    "audio",
    "canvas",
    "ins",
    "nav",
    "aside",
    "link",
    "meta",
    "rt",  # ruby annotations (furigana): the base text is the text
    "rp",
]
_JUNK_TAG_SET = frozenset(_JUNK_TAGS)
_WORD = re.compile(r"\w")
_STRING_VALUE = etree.XPath("string()", smart_strings=False)
_JUNK_CLASS = re.compile(
    r"(?:^|[-_\s])(?:related|relate|relates|lienquan|tinlienquan|tin-lien-quan|ads?|adv|"
    r"advert|advertisement|banner|quangcao|share|sharing|social|tags?|tag-list|keywords?|"
    r"comments?|readmore|read-more|xemthem|xem-them|box-author|author-box|rating|vote|"
    r"print|toolbar|breadcrumbs?|newsletter|subscribe|popup|modal|sponsor|recommend)"
    r"(?:$|[-_\s])"
)
# WordPress-style classes of the post itself ("post-12 post type-post hentry tag-x"):
# its taxonomy classes name tags, they do not make it a tag widget.
_POST_CLASS = re.compile(r"(?:^|\s)(?:hentry|type-post|status-publish|post-\d+)(?:\s|$)")
_WRAPPER_TAGS = frozenset({"form", "nav", "aside"})
_LIST_TAGS = frozenset({"ul", "ol", "li", "dl"})  # lists of teasers are never wrappers
_WRAPPER_SHARE = 0.5  # a junk-looking box holding this much of the text is a wrapper
_SAPO_CLASS = re.compile(r"sapo|lead|desc|summary|intro|teaser|excerpt|standfirst|chapo")
_RELATED_LINE = re.compile(
    r"^(?:>>|»|►|▶|\+\+|xem thêm|đọc thêm|tin liên quan|bài liên quan|tin cùng chuyên mục|"
    r"mời (?:quý )?(?:bạn )?(?:độc giả|đọc giả)|video đang được xem nhiều)",
    re.IGNORECASE,
)


# Lines that introduce or are boilerplate, in the languages of the pages we meet: "see also"
# pointers, previous/next links, share/comment/subscribe prompts, paywall teasers, tag lists.
_CUE = (
    r"read (?:more|also|next)|also read|see also|related(?: articles?| stories| posts| news)?|"
    r"more (?:on this|from|stories)|you (?:may|might) also like|recommended(?: for you)?|"
    r"previous (?:article|post|story)|next (?:article|post|story)|"
    r"share(?: this)?(?: article| post)?|"
    r"leave a (?:comment|reply)|comments?|subscribe(?: now)?|sign up|tags|filed under|"
    r"posted in|advertisement|"
    r"lesen sie (?:auch|hier|mehr)|auch lesen|auch interessant|das könnte (?:sie|dich) auch "
    r"interessieren|mehr (?:zum thema|zu|von)|weitere (?:artikel|themen|beiträge|informationen|"
    r"infos|nachrichten)|ähnliche (?:themen|artikel|beiträge)|empfohlene (?:beiträge|artikel)|"
    r"zum weiterlesen|weiterlesen|siehe auch|schon gelesen|jetzt teilen|diese seite teilen|"
    r"teilen|kommentare?|kommentieren|kategorien?|themen|anzeige|werbung|über den autor|"
    r"quellen(?:angaben)?|"
    r"(?:à |a )?lire aussi|voir aussi|sur le même sujet|pour lire la suite|pour accéder|"
    r"partager|commentaires?|publicité|"
    r"lea también|lee también|(?:le|te) puede interesar|puedes ver|vea también|ver también|"
    r"notas relacionadas|más sobre|compartir|publicidad|"
    r"veja também|leia (?:também|mais)|saiba mais|"
    r"zobacz (?:także|również|też)|czytaj (?:też|także|również)|dowiedz się więcej|"
    r"przeczytaj (?:też|także)|leggi anche|potrebbe interessarti"
)
_CUE_LINE = re.compile(rf"^(?:{_CUE})\s*(?:$|[:!?.…»›|/–-]|\s+[»›>])", re.IGNORECASE)
_CUE_LINK = re.compile(rf"^(?:{_CUE})", re.IGNORECASE)  # then a linked headline
_FOLLOW = re.compile(
    r"\b(?:follow|folge|folgen sie|síguenos|siguenos|suivez|seguici|obserwuj|like us)\b",
    re.IGNORECASE,
)
_NETWORKS = re.compile(
    r"facebook|twitter|instagram|telegram|youtube|whatsapp|linkedin|tiktok", re.I
)
_CUE_WORDS = 25  # longer lines are text, whatever their first words
# A photo credit in a line under an image makes it a caption however it is styled.
_CREDIT = re.compile(
    r"©|\(c\)\s|\b(?:photo|foto|bild|image|credits?|crédito|fuente|źródło|quelle|source|"
    r"ảnh|nguồn)\s*:|\b(?:getty|reuters|afp|dpa|imago|shutterstock|istock)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class BodyResult:
    paragraphs: tuple[str, ...]
    captions: tuple[Caption, ...]
    byline: Byline | None = None
    # A bold opening paragraph: the lead on layouts that print the sapo inside the body.
    lead_candidate: str | None = None
    # The intro printed above the container (generic layer, scrapers.layers.intro).
    intro: str | None = None


def extract_body(
    container: Element,
    base_url: str,
    *,
    drop: tuple[str, ...] = (),
    caption_selectors: tuple[str, ...] = (),
    paragraph_selectors: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    lead: str | None = None,
) -> BodyResult:
    """Read paragraphs, captions and the closing byline from one container. Lines equal to
    an `exclude` text are dropped; a line equal to `lead` only when it is printed as a sapo
    (bold, or in a sapo/lead/summary box), not as the article's plain first paragraph."""
    root = copy.deepcopy(container)
    root.tail = None
    remove_junk(root, drop)
    captions = take_captions(root, base_url, caption_selectors)
    if paragraph_selectors:
        blocks = [
            Block(element_text(el), el) for sel in paragraph_selectors for el in select(root, sel)
        ]
    else:
        blocks = walk_blocks(root, base_url)
    blocks, styled_captions = _split_styled_captions(blocks)
    lead_key = FoldKeys((lead,) if lead else ())
    texts = [b for b in _filter(blocks, exclude) if not _printed_lead(b, lead_key)]
    texts, byline = _take_byline(texts)
    opening = texts[0] if len(texts) > 2 and texts[0].emphasized else None
    lead = opening.text if opening is not None and len(opening.text.split()) >= 12 else None
    paragraphs = tuple(b.text for b in texts)
    return BodyResult(paragraphs, tuple(captions + styled_captions), byline, lead)


def remove_junk(root: Element, drop: tuple[str, ...] = ()) -> None:
    """Remove scripts, widgets and boilerplate boxes (by tag, class/id, or selector). A
    <form>, <nav>, <aside> or junk-classed box holding at least half of the container's
    text is a layout wrapper ("aspnetForm", "article-content right-rail"), not junk."""
    doomed: list[Element] = []
    for sel in drop:
        doomed.extend(select(root, sel))
    total: int | None = None
    for el in root.iterdescendants():
        tag = el.tag
        if not isinstance(tag, str):
            doomed.append(el)  # comments, processing instructions
        elif tag in _WRAPPER_TAGS or _is_junk_box(el, tag):
            if total is None:
                total = _text_size(root)
            if tag in _LIST_TAGS or _text_size(el) < _WRAPPER_SHARE * total:
                doomed.append(el)
        elif tag in _JUNK_TAG_SET:
            doomed.append(el)
    for el in doomed:
        if el is not root and el.getparent() is not None:
            _drop_keep_tail(el)
    if doomed:
        tree_changed(root)


def _text_size(el: Element) -> int:
    """Words of the element's text: its string value is "".join(el.itertext()) (descendant
    text nodes in document order, comments and processing instructions left out), read in
    one call."""
    return len(_STRING_VALUE(el).split())


def _is_junk_box(el: Element, tag: str) -> bool:
    if tag not in BLOCK_TAGS or tag in ("article", "main"):
        # inline links such as PLO's "cms-relate" keyword links are text; an <article>
        # carries its own taxonomy classes ("tag-x", "category-y"), not a widget's
        return False
    if (el.get("type") or "").lower().startswith("related"):
        return True
    if (el.get("data-module") or "").lower().startswith("related"):
        return True
    classes, ident = el.get("class") or "", el.get("id") or ""
    return bool(classes or ident) and _junk_names(classes, ident)


@lru_cache(maxsize=4096)
def _junk_names(classes: str, ident: str) -> bool:
    """Class and id name a boilerplate box (remembered: a site's boxes repeat their names)."""
    if _POST_CLASS.search(classes):
        return False
    tokens = f"{classes} {ident}".lower()
    return bool(tokens.strip()) and bool(_JUNK_CLASS.search(tokens) or CONSENT.search(tokens))


def _drop_keep_tail(el: Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _split_styled_captions(blocks: list[Block]) -> tuple[list[Block], list[Caption]]:
    """A short line right under an image is its caption when it is styled as one (bold,
    italic or centred, as police portals print them) or printed in the image's own box;
    a plain paragraph that merely follows a picture is text."""
    kept: list[Block] = []
    captions: list[Caption] = []
    pending: Block | None = None
    for block in blocks:
        if block.image is not None and not block.text:
            pending = block
            continue
        if pending is not None and pending.image and _caption_like(block, pending):
            captions.append(Caption(text=block.text, image_url=pending.image))
        else:
            kept.append(block)
        pending = None
    return kept, captions


def _caption_like(block: Block, image: Block) -> bool:
    words = len(block.text.split())
    if words > 50 or len(block.text) > 320:
        return False
    if block.emphasized or block.centered:
        return True
    if words > 30:
        return False
    return (block.el is not None and block.el is image.el) or bool(_CREDIT.search(block.text))


def _filter(blocks: list[Block], exclude: tuple[str, ...]) -> list[Block]:
    excluded = FoldKeys(t for t in exclude if t)
    kept: list[Block] = []
    for block in blocks:
        text = block.text
        if not text or not _WORD.search(text):
            continue
        words = len(text.split())
        if _RELATED_LINE.match(text) or (block.link_ratio > 0.9 and words <= 30):
            continue
        if _boilerplate_line(block, words):
            continue
        if excluded.holds(text, words):
            continue
        kept.append(block)
    return kept


def _boilerplate_line(block: Block, words: int) -> bool:
    """A short line (`words` long) that is a "see also" pointer, a share/comment/subscribe
    prompt or a follow-us-on-social-networks line."""
    text = block.text
    if words > _CUE_WORDS:
        return False
    if _CUE_LINE.match(text):
        return True
    if block.link_ratio >= 0.3 and _CUE_LINK.match(text):
        return True
    return bool(_FOLLOW.search(text)) and len(_NETWORKS.findall(text)) >= 2


def _printed_lead(block: Block, lead: FoldKeys) -> bool:
    if not lead.holds(block.text):
        return False
    if block.emphasized or block.el is None:
        return True
    boxes = (block.el, block.el.getparent())
    return any(node is not None and _SAPO_CLASS.search(class_tokens(node)) for node in boxes)


def _take_byline(blocks: list[Block]) -> tuple[list[Block], Byline | None]:
    """The last one or two lines, when they are a byline or a "Theo X" credit."""
    authors: list[str] = []
    credit: str | None = None
    while blocks and len(blocks) > 1:
        last = blocks[-1]
        if not looks_like_byline(last.text, emphasized=last.emphasized or last.right):
            break
        parsed = parse_byline(last.text)
        authors = list(parsed.authors) + authors
        credit = credit or parsed.credit
        blocks = blocks[:-1]
        if authors:
            break
    if not authors and credit is None:
        return blocks, None
    return blocks, Byline(tuple(authors), credit)
