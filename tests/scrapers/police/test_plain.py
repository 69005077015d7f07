"""structure.plain turns the extractors' dataclasses into the JSON-ready values stored
under record.police: dicts in field order, tuples as lists, nested values converted."""

from __future__ import annotations

import json

import pytest

from scrapers.police.model import PersonMention, UnitMention
from scrapers.police.structure import plain

pytestmark = pytest.mark.unit


def test_plain_gives_dicts_in_field_order_and_lists_for_tuples() -> None:
    unit = UnitMention(
        surface="Công an tỉnh", canonical_name="Công an tỉnh Thanh Hóa", level="province"
    )
    person = PersonMention(
        surface="Đại úy Lê Văn A", name="Lê Văn A", rank="Đại úy", titles=("Phó trưởng",),
        unit=unit, span=(3, 18),
    )  # fmt: skip
    got = plain((person, {"extra": [unit, None]}))
    assert isinstance(got, list) and isinstance(got[0], dict)
    assert list(got[0]) == [
        "surface", "name", "rank", "titles", "role", "birth_year", "birth_year_estimated",
        "age", "residence", "anonymised", "name_key", "unit", "span", "method",
        "role_method",
    ]  # fmt: skip
    assert got[0]["titles"] == ["Phó trưởng"] and got[0]["span"] == [3, 18]
    assert got[0]["unit"] == got[1]["extra"][0]
    assert (
        got[0]["unit"]["canonical_name"] == "Công an tỉnh Thanh Hóa" and got[1]["extra"][1] is None
    )
    assert json.loads(json.dumps(got)) == got  # JSON-ready: nothing but dicts, lists, scalars


def test_plain_leaves_scalars_and_other_values_as_they_are() -> None:
    marker = object()
    assert plain("Hà Nội") == "Hà Nội" and plain(2.5) == 2.5 and plain(None) is None
    assert plain(marker) is marker
    assert plain(UnitMention) is UnitMention  # a dataclass type is no dataclass value
