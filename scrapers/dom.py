"""DOM helpers for the parse stage (pure, lxml).

In:  HTML text or bytes, lxml elements, CSS selectors.
Out: an lxml tree, cleaned element text, absolute image/link URLs.

Text is read the way a reader sees it: inline children joined without added spaces
(`<b>Công</b>an` stays "Côngan" as printed, `Hà <b>Nội</b>` keeps its space), entities
decoded by lxml, then scrapers.text.clean_text (NFC, invisible characters, whitespace).
"""

from __future__ import annotations

import html as html_lib
import re
import threading
from functools import lru_cache
from typing import cast
from urllib.parse import urljoin

import lxml.html  # type: ignore[import-untyped, unused-ignore]
from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from lxml.cssselect import CSSSelector  # type: ignore[import-untyped, unused-ignore]
from lxml.etree import ParserError  # type: ignore[import-untyped, unused-ignore]
from lxml.html import HtmlElement as Element  # type: ignore[import-untyped, unused-ignore]

from scrapers.cssindex import Chain, Index, compile_selector
from scrapers.encoding import decode_html, is_utf8_of, utf8_source, xml_safe
from scrapers.errors import ArticleParseError
from scrapers.text import clean_text

__all__ = [
    "BLOCK_TAGS",
    "Element",
    "absolute",
    "attr_text",
    "class_tokens",
    "element_text",
    "first_image",
    "image_url",
    "is_block",
    "load_tree",
    "select",
    "select_first",
    "tree_changed",
    "unescape_twice",
]

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_LOCAL = threading.local()
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "table",
        "tr",
        "td",
        "th",
        "figure",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "pre",
        "dl",
        "dt",
        "dd",
        "center",
        "main",
        "form",
        "nav",
        "fieldset",
        "details",
        "address",
    ]
)
BLOCK_TAGS = _BLOCK_TAGS  # is_block's tags, for loops that test a tag they already read
_BRACKETS = re.compile(r"\[[^\]]*\]|'[^']*'|\"[^\"]*\"")
_NEGATION = re.compile(r":not\([^)]*\)")
_TOKEN = re.compile(r"[.#]-?[_a-zA-Z][\w-]*")
_IMG_ATTRS = ("data-original", "data-src", "data-lazy-src", "data-srcset", "src")


def _utf8_markup(markup: str | bytes) -> bytes:
    """The page as UTF-8 bytes: lxml parses those about twice as fast as a Python str.
    Bytes are decoded by scrapers.encoding; when that was a strict UTF-8 reading with
    nothing repaired, the original bytes are the UTF-8 form already (so are those of a
    text just returned by decode_html: scrapers.encoding.utf8_source). Characters XML
    forbids are dropped from any text decode_html did not return (xml_safe)."""
    if isinstance(markup, str):
        source = utf8_source(markup)
        if source is not None:
            return source
        return xml_safe(markup).encode("utf-8", errors="replace")
    decoded = decode_html(markup, None)
    if is_utf8_of(decoded):
        return markup
    return decoded.text.encode("utf-8", errors="replace")


def _parser() -> lxml.html.HTMLParser:
    """One UTF-8 HTML parser per thread (lxml parsers must not be shared across threads).
    Every element is a plain HtmlElement, chosen in C: lxml.html's default lookup calls
    Python for each element proxy (to give forms and inputs their own classes, which the
    parser never uses) and cost about a tenth of the parse. The id attributes are not
    collected into the document's ID table (only XPath's id() and DTD validation read it,
    and nothing here does): registering each one, and unregistering it when the tree is
    copied or freed, is work for nothing."""
    parser: lxml.html.HTMLParser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = lxml.html.HTMLParser(encoding="utf-8", collect_ids=False)
        parser.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=lxml.html.HtmlElement,
                comment=lxml.html.HtmlComment,
                pi=lxml.html.HtmlProcessingInstruction,
                entity=lxml.html.HtmlEntity,
            )
        )
    return parser


def load_tree(markup: str | bytes) -> Element:
    """Parse a whole page; raise ArticleParseError when there is no document at all."""
    data = _XML_DECL.sub(b"", _utf8_markup(markup), count=1)
    if not data.strip():
        raise ArticleParseError("empty document")
    try:
        return cast(Element, lxml.html.document_fromstring(data, parser=_parser()))
    except (ParserError, ValueError) as exc:
        raise ArticleParseError(f"unparseable HTML: {exc}") from exc


@lru_cache(maxsize=512)
def _compiled(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


def select(root: Element, selector: str) -> list[Element]:
    """CSS select; a malformed selector (from a source file) selects nothing. Results come
    from the tree's index (scrapers.cssindex) when it answers the selector, else from the
    XPath, which is not run when the selector names a class or id the tree does not have.
    A tree changed after a select must be reported with tree_changed() before the next."""
    try:
        compiled = _compiled(selector)
    except (SyntaxError, ValueError):
        return []
    index = _index(root)
    found = index.results.get(selector)
    if found is None:
        found = index.results[selector] = _run(index, compiled, selector)
    return list(found)


def _run(index: Index, compiled: CSSSelector, selector: str) -> list[Element]:
    chains = _chains(selector)
    if chains is not None:
        found = index.select(chains)
        if found is not None:
            return found
    hints = _hints(selector)
    if hints is not None:
        present = index.tokens()
        if not any(alternative <= present for alternative in hints):
            return []
    return [el for el in compiled(index.root) if isinstance(el.tag, str)]


@lru_cache(maxsize=512)
def _chains(selector: str) -> tuple[Chain, ...] | None:
    return compile_selector(selector)


@lru_cache(maxsize=512)
def _hints(selector: str) -> tuple[frozenset[str], ...] | None:
    """Per comma-separated alternative, the ".class" / "#id" tokens it requires; None when
    some alternative requires none (nothing to rule out)."""
    required: list[frozenset[str]] = []
    for alternative in selector.split(","):
        bare = _NEGATION.sub("", _BRACKETS.sub("", alternative))
        tokens = frozenset(m.lower() for m in _TOKEN.findall(bare))
        if not tokens:
            return None
        required.append(tokens)
    return tuple(required)


def _index(root: Element) -> Index:
    """The tree's selector index; the last three trees' are kept (a parse selects many
    times on the page and on its body copy)."""
    cache: list[Index] = getattr(_LOCAL, "indexes", [])
    for cached in cache:
        if cached.root is root:
            return cached
    index = Index(root)
    _LOCAL.indexes = [index, *cache[:2]]  # the page, its body copy, one more
    return index


def tree_changed(root: Element) -> None:
    """Elements were removed from the tree `root` belongs to (the only change a tree
    that was selected on may have): its indexes forget remembered selects."""
    document = root.getroottree().getroot()
    for index in getattr(_LOCAL, "indexes", []):
        if index.root.getroottree().getroot() is document:
            index.changed()


def select_first(root: Element, selectors: tuple[str, ...]) -> list[Element]:
    """The matches of the first selector in the list that matches anything."""
    for selector in selectors:
        found = select(root, selector)
        if found:
            return found
    return []


def element_text(el: Element, *, sep: str = "") -> str:
    """Visible text of an element (scripts and styles skipped), cleaned."""
    parts: list[str] = []
    _collect_text(el, parts, sep)
    return clean_text(unescape_twice("".join(parts)))


def _collect_text(el: Element, parts: list[str], sep: str) -> None:
    if el.tag in ("script", "style", "noscript", "template"):
        return
    if el.tag == "br":
        parts.append("\n")
    elif el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            _collect_text(child, parts, sep)
            if sep or child.tag in _BLOCK_TAGS:
                parts.append(sep or " ")
        if child.tail:
            parts.append(child.tail)


def unescape_twice(text: str) -> str:
    """Decode entity references left in text (double-escaped '&amp;#7871;' too)."""
    if "&" not in text:
        return text
    once = html_lib.unescape(text)
    return html_lib.unescape(once) if "&" in once else once


def attr_text(el: Element, name: str) -> str:
    return clean_text(unescape_twice(el.get(name) or ""))


def absolute(url: str | None, base: str) -> str | None:
    if not url:
        return None
    url = url.strip()
    if not url or url.startswith(("data:", "javascript:", "about:", "#")):
        return None
    return urljoin(base, url)


def image_url(img: Element, base: str) -> str | None:
    """Best real source of an <img> (lazy-load attributes before a placeholder src)."""
    for name in _IMG_ATTRS:
        value = img.get(name)
        if not value:
            continue
        candidate = value.split(",")[0].split()[0] if name.endswith("srcset") else value
        found = absolute(candidate, base)
        if found:
            return found
    return None


def first_image(el: Element, base: str) -> str | None:
    imgs = [el] if el.tag == "img" else el.iter("img")
    for img in imgs:
        found = image_url(img, base)
        if found:
            return found
    return None


def class_tokens(el: Element) -> str:
    """Class and id as one lower-case string for boilerplate matching."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def is_block(el: Element) -> bool:
    return el.tag in _BLOCK_TAGS
