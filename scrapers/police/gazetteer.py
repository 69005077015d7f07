"""Versioned admin gazetteer (pure): packaged JSON in, lookups by name and scheme out.

Two schemes: "legacy" (63 provinces, districts, communes; valid until 2025-06-30) and
"2025" (34 provinces, communes; from 2025-07-01). Names are matched on tone_key (NFC, one
tone placement, lower case); a folded (diacritic-free) match is accepted only when it is
unique in the scope asked for. Data is loaded once, on first use.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from scrapers.police.model import PlaceMethod, Scheme
from scrapers.police.prep import cached_fold_key, cached_tone_key
from scrapers.text import fold_key, tone_key

SCHEME_2025_FROM = date(2025, 7, 1)
DISTRICT_POLICE_UNTIL = date(2025, 2, 28)


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str  # "Tỉnh Thanh Hóa"
    short: str  # "Thanh Hóa"
    scheme: Scheme
    city: bool  # centrally-run city (thành phố trực thuộc trung ương)
    codes_2025: tuple[str, ...]  # legacy: its 2025 province; 2025: itself
    merged_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AdminUnit:
    """A district (legacy only) or a commune (either scheme)."""

    code: str
    scheme: Scheme
    level: str  # "district" | "commune"
    type: str  # "Huyện", "Xã", "Phường", "Đặc khu", ...
    short: str  # "Hoằng Hóa"; numbered units keep the number ("15")
    province_code: str
    district_code: str | None = None
    codes_2025: tuple[str, ...] = ()  # legacy commune → 2025 commune(s)

    @property
    def name(self) -> str:
        if self.short.startswith(self.type + " "):
            return self.short
        return f"{self.type} {self.short}"


Match = tuple[Any, PlaceMethod]


def scheme_for(as_of: date | None) -> Scheme:
    """The admin structure in force on a date (None: the current one)."""
    return "legacy" if as_of is not None and as_of < SCHEME_2025_FROM else "2025"


def _short_key(type_: str, short: str) -> str:
    # Numbered units are stored as "Phường 15"; index them by the number alone.
    if short.startswith(type_ + " "):
        short = short[len(type_) + 1 :]
    return short


class Gazetteer:
    """Lookup tables built from the packaged JSON files."""

    def __init__(self, provinces: dict[str, Any], legacy: dict[str, Any], new: dict[str, Any]):
        self.version: str = provinces["version"]
        self.provinces: dict[Scheme, dict[str, Province]] = {"legacy": {}, "2025": {}}
        for row in provinces["legacy"]:
            self._add_province(row, "legacy", (row["code_2025"],), ())
        for row in provinces["2025"]:
            self._add_province(row, "2025", (row["code"],), tuple(row["from"]))
        self.aliases: dict[str, str] = {tone_key(k): v for k, v in provinces["aliases"].items()}
        self.units: dict[tuple[Scheme, str], dict[str, AdminUnit]] = {}
        self._tone: dict[tuple[Scheme, str], dict[str, list[AdminUnit]]] = {}
        self._fold: dict[tuple[Scheme, str], dict[str, list[AdminUnit]]] = {}
        by_district = {row[0]: row[1] for row in legacy["districts"]}
        self._index(
            AdminUnit(c, "legacy", "district", t, s, p) for c, p, t, s in legacy["districts"]
        )
        self._index(
            AdminUnit(c, "legacy", "commune", t, s, by_district[d], d, tuple(n))
            for c, d, t, s, n, _ in legacy["communes"]
        )
        self._index(AdminUnit(c, "2025", "commune", t, s, p) for c, p, t, s in new["communes"])
        self._province_tone = {
            scheme: _province_index(table, tone_key) for scheme, table in self.provinces.items()
        }
        # Every name any lookup could match (tone and folded keys): a cheap pre-filter.
        self.bare_keys = frozenset(
            [*self.aliases, *(k for t in self._tone.values() for k in t)]
            + [k for t in self._fold.values() for k in t]
            + [key(p.short) for t in self.provinces.values() for p in t.values()
               for key in (tone_key, fold_key)]
        )  # fmt: skip
        self._province_fold = {
            scheme: _province_index(table, fold_key) for scheme, table in self.provinces.items()
        }
        self._districts_by_name: dict[str, tuple[str, ...]] | None = None

    def _add_province(
        self, row: dict[str, Any], scheme: Scheme, to: tuple[str, ...], merged: tuple[str, ...]
    ) -> None:
        city = row["type"] == "city"
        self.provinces[scheme][row["code"]] = Province(
            row["code"], row["name"], row["short"], scheme, city, to, merged
        )

    def _index(self, units: Iterable[AdminUnit]) -> None:
        for unit in units:
            slot = (unit.scheme, unit.level)
            self.units.setdefault(slot, {})[unit.code] = unit
            short = _short_key(unit.type, unit.short)
            self._tone.setdefault(slot, {}).setdefault(tone_key(short), []).append(unit)
            self._fold.setdefault(slot, {}).setdefault(fold_key(short), []).append(unit)

    def province(self, name: str, scheme: Scheme) -> Match | None:
        """A province by short name or alias, in one scheme."""
        key = cached_tone_key(name)
        code = self.aliases.get(key)
        table = self.provinces[scheme]
        if code is not None and code in table:
            return table[code], "alias"
        found = self._province_tone[scheme].get(key, [])
        if len(found) == 1:
            prov = found[0]
            return prov, ("exact" if prov.short == name else "tone")
        found = self._province_fold[scheme].get(cached_fold_key(name), [])
        if len(found) == 1:
            return found[0], "folded"
        return None

    def units_named(
        self,
        name: str,
        scheme: Scheme,
        level: str,
        *,
        provinces: frozenset[str] | None = None,
        district_code: str | None = None,
    ) -> tuple[list[AdminUnit], PlaceMethod]:
        """Candidates by tone key in scope; else the folded match if it is unique in scope."""
        slot = (scheme, level)

        def in_scope(units: list[AdminUnit]) -> list[AdminUnit]:
            return [
                u
                for u in units
                if (provinces is None or u.province_code in provinces)
                and (district_code is None or u.district_code in (None, district_code))
            ]

        found = in_scope(self._tone.get(slot, {}).get(cached_tone_key(name), []))
        if found:
            exact = any(_short_key(u.type, u.short) == name for u in found)
            return found, ("exact" if exact else "tone")
        found = in_scope(self._fold.get(slot, {}).get(cached_fold_key(name), []))
        return (found, "folded") if len(found) == 1 else ([], "folded")

    def district_codes(self, name: str) -> tuple[str, ...]:
        """Codes of the legacy districts with this full name ("Huyện Quế Võ")."""
        if self._districts_by_name is None:
            index: dict[str, tuple[str, ...]] = {}
            for unit in self.units[("legacy", "district")].values():
                index[unit.name] = (*index.get(unit.name, ()), unit.code)
            self._districts_by_name = index
        return self._districts_by_name.get(name, ())

    def to_2025(self, prov: Province) -> Province | None:
        """The 2025 province a province lies in (itself for a 2025 province)."""
        code = prov.codes_2025[0] if prov.codes_2025 else None
        return self.provinces["2025"].get(code) if code else None


def _province_index(
    table: dict[str, Province], key: Callable[[str], str]
) -> dict[str, list[Province]]:
    index: dict[str, list[Province]] = {}
    for prov in table.values():
        index.setdefault(key(prov.short), []).append(prov)
    return index


def _load(name: str) -> dict[str, Any]:
    text = resources.files("scrapers.police.data").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def gazetteer() -> Gazetteer:
    """The packaged gazetteer, loaded on first use."""
    return Gazetteer(
        _load("provinces.json"), _load("legacy_units.json"), _load("communes_2025.json")
    )
