"""Simple CSS selectors answered from a per-tree index (pure, lxml).

In:  a tree root and a CSS selector.
Out: the elements lxml.cssselect (translator "html") selects — the root and its
     descendants, in document order, each once — or None when the selector uses anything
     this module does not answer (then the caller runs the XPath).

Answered: type (`div`, `*`), `.class`, `#id`, `[attr]` and `[attr=v]`, `~=`, `^=`, `$=`,
`*=`, `|=` (case-sensitive values), compounds of those, the descendant (` `) and child
(`>`) combinators, and comma lists. The semantics are cssselect's XPath ones: tag and
attribute names lower-cased, values compared as written, class tokens split on XML
whitespace only (space, tab, CR, LF — `normalize-space`), an empty `^=`/`$=`/`*=` value
matching nothing.

The index (elements by attribute name, by class token, by id) is built in one pass over
the tree, the first time a selector needs it; it is only valid while the tree is not
changed (scrapers.dom forgets it when told the tree changed).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any

import cssselect  # type: ignore[import-untyped, unused-ignore]
from cssselect.parser import (  # type: ignore[import-untyped, unused-ignore]
    Attrib,
    Class,
    CombinedSelector,
    Hash,
)
from cssselect.parser import Element as TypeSelector
from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from lxml.html import HtmlElement as Element  # type: ignore[import-untyped, unused-ignore]

__all__ = ["Compound", "Index", "compile_selector", "xml_tokens"]

_SAFE_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_.-]*$")
_CSS_WHITESPACE = re.compile(r"[ \t\r\n\f]")
_XML_WHITESPACE = re.compile(r"[ \t\n\r]+")
_OTHER_WHITESPACE = re.compile(r"[^\S \t\n\r]")  # whitespace to str.split, not to XPath


def xml_tokens(value: str) -> list[str]:
    """The tokens of an attribute value as XPath's normalize-space splits it."""
    if _OTHER_WHITESPACE.search(value) is None:
        return value.split()
    return [token for token in _XML_WHITESPACE.split(value) if token]


@dataclass(frozen=True, slots=True)
class AttrTest:
    name: str
    operator: str
    value: str

    def holds(self, el: Element) -> bool:
        found: str | None = el.get(self.name)
        return found is not None and _VALUE_TESTS[self.operator](found, self.value)


_VALUE_TESTS: dict[str, Callable[[str, str], bool]] = {
    "exists": lambda found, value: True,
    "=": lambda found, value: found == value,
    "~=": lambda found, value: value in xml_tokens(found),
    "^=": lambda found, value: found.startswith(value),
    "$=": lambda found, value: found.endswith(value),
    "*=": lambda found, value: value in found,
    "|=": lambda found, value: found == value or found.startswith(value + "-"),
}


@dataclass(frozen=True, slots=True)
class Compound:
    """One element's tests: tag (None for any), ids, class tokens, attribute tests."""

    tag: str | None = None
    ids: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    attrs: tuple[AttrTest, ...] = ()

    def matches(self, el: Element, *, skip_tag: bool = False) -> bool:
        if not skip_tag and self.tag is not None and el.tag != self.tag:
            return False
        for wanted in self.ids:
            if el.get("id") != wanted:
                return False
        if self.classes:
            present = xml_tokens(el.get("class") or "")
            if not all(c in present for c in self.classes):
                return False
        return all(test.holds(el) for test in self.attrs)


# A selector alternative: the leftmost compound, then (combinator, compound) steps.
Chain = tuple[Compound, tuple[tuple[str, Compound], ...]]


def compile_selector(selector: str) -> tuple[Chain, ...] | None:
    """The selector's alternatives, or None when some part is not answered here (or the
    selector does not parse)."""
    try:
        parsed = cssselect.parse(selector)
    except Exception:  # noqa: BLE001 — any parse failure: let the XPath path decide
        return None
    chains: list[Chain] = []
    for alternative in parsed:
        if alternative.pseudo_element is not None:
            return None
        chain = _chain(alternative.parsed_tree)
        if chain is None:
            return None
        chains.append(chain)
    return tuple(chains)


def _chain(tree: object) -> Chain | None:
    steps: list[tuple[str, Compound]] = []
    while isinstance(tree, CombinedSelector):
        if tree.combinator not in (" ", ">"):
            return None
        right = _compound(tree.subselector)
        if right is None:
            return None
        steps.append((tree.combinator, right))
        tree = tree.selector
    first = _compound(tree)
    if first is None:
        return None
    return first, tuple(reversed(steps))


def _compound(tree: object) -> Compound | None:
    ids: list[str] = []
    classes: list[str] = []
    attrs: list[AttrTest] = []
    while not isinstance(tree, TypeSelector):
        if isinstance(tree, Class):
            if not tree.class_name or _CSS_WHITESPACE.search(tree.class_name):
                return None
            classes.append(tree.class_name)
        elif isinstance(tree, Hash):
            ids.append(tree.id)
        elif isinstance(tree, Attrib):
            test = _attr_test(tree)
            if test is None:
                return None
            attrs.append(test)
        else:
            return None
        tree = tree.selector
    if tree.namespace is not None:
        return None
    tag: str | None = None
    if tree.element:
        if not _SAFE_NAME.match(tree.element):
            return None
        tag = tree.element.lower()
    return Compound(tag, tuple(reversed(ids)), tuple(reversed(classes)), tuple(reversed(attrs)))


def _attr_test(attrib: Attrib) -> AttrTest | None:
    if attrib.namespace is not None or getattr(attrib, "flag", None):
        return None
    if attrib.operator not in _VALUE_TESTS or not _SAFE_NAME.match(attrib.attrib):
        return None
    value = (None if attrib.value is None else attrib.value.value) or ""
    if attrib.operator == "~=" and (not value or _CSS_WHITESPACE.search(value)):
        return None  # cssselect matches nothing; rare enough to leave to the XPath
    if attrib.operator in ("^=", "$=", "*=") and not value:
        return None
    return AttrTest(attrib.attrib.lower(), attrib.operator, value)


_CLASS_VALUES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)
# Smart strings: each value knows its element (getparent), so that one XPath reads both.
_ID_VALUES = etree.XPath("descendant-or-self::*/@id")
_COMMON_TAGS = frozenset({"a", "div", "p", "span", "li", "img", "td", "tr", "ul", "section"})


_WITH_CLASS = etree.XPath("descendant-or-self::*[@class]")


@lru_cache(maxsize=256)
def _attribute_values(name: str) -> etree.XPath:
    """The values of attribute `name` (a safe XPath name) as smart strings, in document
    order: their elements are those of "descendant-or-self::*[@name]", and the values
    path costs about half (a third when no element has the attribute)."""
    return etree.XPath(f"descendant-or-self::*/@{name}")


@dataclass(slots=True)
class Index:
    """One tree's elements (root included) by class token, id and attribute name, each in
    document order, read lazily with one XPath per kind; answers compiled selectors.
    After elements were removed from the tree (`pruned`), what the index lists is checked
    to still be in the tree."""

    root: Element
    results: dict[str, list[Element]] = field(default_factory=dict)
    pruned: bool = False
    _class_values: list[str] | None = None
    _class_blob: str = ""
    _class_starts: list[int] | None = None
    _by_attr: dict[str, list[Element]] = field(default_factory=dict)
    _id_values: list[str] | None = None
    _tokens: frozenset[str] | None = None

    def changed(self) -> None:
        """Elements were removed from the tree: forget results; listed elements are checked
        from now on. A class value list without its element list (or the reverse) is
        dropped, so that both are read again together (aligned) from the changed tree (id
        and other attribute elements are those of their values, aligned by construction)."""
        self.results.clear()
        self.pruned = True
        if self._class_values is None or "class" not in self._by_attr:
            self._class_values, self._class_starts = None, None
            self._by_attr.pop("class", None)

    def class_values(self) -> list[str]:
        if self._class_values is None:
            self._class_values = _CLASS_VALUES(self.root)
        return self._class_values

    def tokens(self) -> frozenset[str]:
        """ ".class" and "#id" tokens of the tree, lower-cased (the pre-filter of
        selectors answered by XPath)."""
        if self._tokens is None:
            found = {f".{t}" for v in self.class_values() for t in v.lower().split()}
            found.update(f"#{v.strip().lower()}" for v in self.id_values())
            self._tokens = frozenset(found)
        return self._tokens

    def with_attribute(self, name: str) -> list[Element]:
        found = self._by_attr.get(name)
        if found is None:
            if name == "class":
                found = _WITH_CLASS(self.root)
            else:
                values: list[Any] = (  # smart strings
                    self.id_values() if name == "id" else _attribute_values(name)(self.root)
                )
                found = [value.getparent() for value in values]
            self._by_attr[name] = found
        return found

    def id_values(self) -> list[str]:
        if self._id_values is None:
            self._id_values = _ID_VALUES(self.root)
        return self._id_values

    def with_id(self, wanted: str) -> list[Element]:
        values = self.id_values()
        if wanted not in values:
            return []
        elements = self.with_attribute("id")
        return [el for el, value in zip(elements, values, strict=True) if value == wanted]

    def with_class(self, text: str, *, token: bool = True) -> list[Element]:
        """Elements whose class attribute holds `text` as a token (or, token=False, as a
        substring), found in all class values joined into one string so that only the
        values holding the text are looked at."""
        values = self.class_values()
        if self._class_starts is None:
            self._class_blob = "\0".join(values)
            self._class_starts = list(accumulate((len(v) + 1 for v in values[:-1]), initial=0))
        blob, starts = self._class_blob, self._class_starts
        hits: list[int] = []
        at = blob.find(text) if text else -1
        while at != -1:
            i = bisect_right(starts, at) - 1
            if not token or text in xml_tokens(values[i]):
                hits.append(i)
            at = blob.find(text, starts[i + 1]) if i + 1 < len(starts) else -1
        if not hits:
            return []
        elements = self.with_attribute("class")
        return [elements[i] for i in hits]

    def select(self, chains: tuple[Chain, ...]) -> list[Element] | None:
        """The matches; None when several comma alternatives match (their union in
        document order is left to the XPath)."""
        found = [matches for matches in map(self._chain, chains) if matches]
        if len(found) > 1:
            return None
        return found[0] if found else []

    def _chain(self, chain: Chain) -> list[Element]:
        first, steps = chain
        current = self._everywhere(first)
        for combinator, compound in steps:
            if not current:
                return []
            current = self._below(current, combinator, compound)
        return current

    def _everywhere(self, compound: Compound) -> list[Element]:
        """Elements of the tree (root included) matching one compound."""
        candidates = self._candidates(compound)
        if candidates is None:
            tag = compound.tag if compound.tag is not None else etree.Element
            return [el for el in self.root.iter(tag) if compound.matches(el, skip_tag=True)]
        return [el for el in candidates if compound.matches(el)]

    def _candidates(self, compound: Compound) -> list[Element] | None:
        """Listed elements every match is among (in the tree); None when the compound is
        better answered by walking the tree for its tag."""
        if compound.ids:
            found = self.with_id(compound.ids[0])
        elif compound.classes:
            found = self.with_class(compound.classes[0])
        elif compound.attrs and (compound.tag is None or compound.tag in _COMMON_TAGS):
            found = self._with(compound.attrs[0])
        else:
            return None
        if self.pruned:
            return [el for el in found if _attached(el, self.root)]
        return found

    def _with(self, test: AttrTest) -> list[Element]:
        """Elements having the attribute; for a class value test, only those whose class
        holds the value."""
        if test.name != "class" or test.operator == "exists" or not test.value:
            return self.with_attribute(test.name)
        return self.with_class(test.value, token=test.operator == "~=")

    def _below(self, current: list[Element], combinator: str, compound: Compound) -> list[Element]:
        """Elements matching `compound` that are descendants (" ") or children (">") of an
        element in `current` (document order)."""
        parents = set(current)
        if compound.tag is None:
            candidates = self._candidates(compound)
            if candidates is not None:
                return [
                    el
                    for el in candidates
                    if compound.matches(el) and _under(el, parents, self.root, combinator)
                ]
        tag = compound.tag if compound.tag is not None else etree.Element
        found: list[Element] = []
        for top in _outermost(current):
            for el in top.iterdescendants(tag):
                if compound.matches(el, skip_tag=True) and (
                    combinator == " " or el.getparent() in parents
                ):
                    found.append(el)
        return found


def _attached(el: Element, root: Element) -> bool:
    return el is root or any(ancestor is root for ancestor in el.iterancestors())


def _under(el: Element, parents: set[Element], root: Element, combinator: str) -> bool:
    if el is root:
        return False
    if combinator == ">":
        return el.getparent() in parents
    for ancestor in el.iterancestors():
        if ancestor in parents:
            return True
        if ancestor is root:
            return False
    return False


def _outermost(elements: list[Element]) -> list[Element]:
    """The elements (document order) not inside another of them: disjoint subtrees."""
    kept: list[Element] = []
    for el in elements:
        if kept and _inside(el, kept[-1]):
            continue
        kept.append(el)
    return kept


def _inside(el: Element, box: Element) -> bool:
    return any(ancestor is box for ancestor in el.iterancestors())
