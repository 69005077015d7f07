"""structure.plain (a field reader written per dataclass) gives what its plain definition
gives, down to the type of every nested value, on random nested values and real records."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pytest

from bench.structure import load_golden
from scrapers.article import parse_article
from scrapers.encoding import decode_html
from scrapers.police import crimes, figures, persons, places, times, units
from scrapers.police.structure import plain, structure_article
from tests.fixtures.corpus_site import make_spec, render

pytestmark = pytest.mark.unit

_SCALARS = frozenset({str, int, float, bool, type(None)})


def _reference(value: Any) -> Any:
    """The plain definition: every dataclass field by getattr, recursively."""
    if type(value) in _SCALARS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _reference(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_reference(v) for v in value]
    if isinstance(value, dict):
        return {k: _reference(v) for k, v in value.items()}
    return value


def _assert_same(got: Any, expected: Any) -> None:
    assert type(got) is type(expected), (got, expected)
    if isinstance(expected, dict):
        assert list(got) == list(expected)
        for key in expected:
            _assert_same(got[key], expected[key])
    elif isinstance(expected, list):
        assert len(got) == len(expected)
        for a, b in zip(got, expected, strict=True):
            _assert_same(a, b)
    else:
        assert got is expected or got == expected


class Label(str):
    pass


class Pair(NamedTuple):
    a: Any
    b: Any


@dataclass(frozen=True, slots=True)
class Leaf:
    text: str
    number: int | float | None = None
    flag: bool = False
    span: tuple[int, int] = (0, 0)


@dataclass
class Node:
    name: Any
    __hidden: Any = None  # a mangled field name
    children: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Empty:
    pass


def _random_value(rng: random.Random, depth: int) -> Any:
    kinds = ["str", "int", "float", "bool", "none", "label", "object", "type"]
    if depth > 0:
        kinds += ["tuple", "list", "dict", "pair", "leaf", "node", "empty", "node"]
    kind = rng.choice(kinds)
    if kind in ("str", "int", "float", "bool", "none", "label", "object", "type"):
        return _random_scalar(rng, kind)
    items = [_random_value(rng, depth - 1) for _ in range(rng.randrange(4))]
    if kind == "tuple":
        return tuple(items)
    if kind == "list":
        return items
    if kind == "dict":
        return {f"k{i}": item for i, item in enumerate(items)}
    if kind == "pair":
        return Pair(_random_value(rng, depth - 1), _random_value(rng, depth - 1))
    if kind == "empty":
        return Empty()
    if kind == "leaf":
        return Leaf(rng.choice(["a", "Hà Nội", ""]), rng.choice([None, 3, 2.5]), rng.random() < 0.5)
    return Node(_random_value(rng, depth - 1), _random_value(rng, depth - 1), items, {"x": items})


def _random_scalar(rng: random.Random, kind: str) -> Any:
    return {
        "str": "chuỗi", "int": rng.randrange(-5, 5), "float": rng.random(),
        "bool": rng.random() < 0.5, "none": None, "label": Label("nhãn"), "object": Ellipsis,
        "type": Leaf,  # a dataclass type is no dataclass value
    }[kind]  # fmt: skip


def test_plain_matches_reference_on_random_values() -> None:
    rng = random.Random(1128)
    for _ in range(3000):
        value = _random_value(rng, 4)
        _assert_same(plain(value), _reference(value))


def test_plain_matches_reference_on_records() -> None:
    """Real extractor output: the golden police texts and synthetic dense pages."""
    records = [g.record for g in load_golden()]
    for i in range(5):
        page = decode_html(render(make_spec("/tin-tuc", "http://t.test", i, 0, dense=True)), None)
        records.append(parse_article(page.text, f"http://t.test/tin-tuc/{i}.html", selectors={}))
    for record in records:
        text = "\n".join([record.title, record.lead or "", *record.paragraphs])
        published = record.published_at.date() if record.published_at else None
        values = [
            persons.extract_persons(text, published=published, publisher_province=None),
            units.extract_units(text, published=published, publisher_province=None),
            places.extract_places(text, as_of=published, publisher_province=None),
            crimes.extract_crimes(text),
            figures.extract_figures(text),
            times.extract_event_times(text, published=record.published_at),
        ]
        for value in values:
            _assert_same(plain(value), _reference(value))
        police = structure_article(record)
        _assert_same(police, {**police, "wanted": _reference(police["wanted"])})
