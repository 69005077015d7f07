"""Resolution of admin-place chains against the gazetteer (pure; used by places.py).

A chain is "xã A, huyện B, tỉnh C" (any subset, lowest level first). Provinces are looked
up in the scheme of the article date first, then in the other one; a legacy district scopes
its communes; ambiguous names are narrowed by the written prefix type and then by the
publisher's province, and otherwise left unresolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple, Protocol

from scrapers.police.gazetteer import AdminUnit, Province, gazetteer, scheme_for
from scrapers.police.model import PlaceKind, PlaceMention, PlaceMethod, Scheme

_TYPE = {
    "xã": "Xã", "phường": "Phường", "thị trấn": "Thị trấn", "đặc khu": "Đặc khu",
    "huyện": "Huyện", "quận": "Quận", "thị xã": "Thị xã", "tx": "Thị xã", "tx.": "Thị xã",
    "thành phố": "Thành phố", "tp": "Thành phố", "tp.": "Thành phố",
}  # fmt: skip
_WORST: dict[PlaceMethod, int] = {"exact": 0, "alias": 1, "tone": 2, "folded": 3, "implicit": 4}


class ChainPart(Protocol):
    @property
    def level(self) -> str: ...
    @property
    def prefix(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def old(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Scope:
    """Province codes a lookup is limited to, per scheme."""

    legacy: frozenset[str]
    new: frozenset[str]


def scope_of(prov: Province) -> Scope:
    if prov.scheme == "legacy":
        return Scope(frozenset((prov.code,)), frozenset(prov.codes_2025))
    return Scope(frozenset(prov.merged_from), frozenset((prov.code,)))


@lru_cache(maxsize=4096)
def resolve_province(name: str, as_of: date | None) -> tuple[Province, PlaceMethod] | None:
    first = scheme_for(as_of)
    for scheme in (first, "legacy" if first == "2025" else "2025"):
        found = gazetteer().province(name, scheme)
        if found is not None:
            prov, method = found
            return prov, method
    return None


def _pick(units: list[AdminUnit], prefix: str, publisher: Scope | None) -> AdminUnit | None:
    if len(units) > 1:
        typed = [u for u in units if u.type == _TYPE.get(prefix.lower())]
        units = typed or units
    if len(units) > 1 and publisher is not None:
        units = [u for u in units if u.province_code in (publisher.legacy | publisher.new)]
    return units[0] if len(units) == 1 else None


@dataclass(slots=True)
class _State:
    prov: Province | None = None
    district: AdminUnit | None = None
    commune: AdminUnit | None = None
    method: PlaceMethod = "exact"

    def note(self, method: PlaceMethod) -> None:
        if _WORST[method] > _WORST[self.method]:
            self.method = method


def _unit(
    st: _State, part: ChainPart, level: str, scheme: Scheme, *, strict: Scope | None,
    publisher: Scope | None,
) -> AdminUnit | None:  # fmt: skip
    scope = strict or (scope_of(st.prov) if st.prov else None)
    codes = None if scope is None else (scope.legacy if scheme == "legacy" else scope.new)
    district_code = st.district.code if st.district and scheme == "legacy" else None
    units, method = gazetteer().units_named(
        part.name, scheme, level, provinces=codes, district_code=district_code
    )
    found = _pick(units, part.prefix, publisher if scope is None else None)
    if found is not None:
        st.note(method)
    return found


def _walk(
    st: _State, parts: Sequence[ChainPart], as_of: date | None, strict: Scope | None,
    publisher: Scope | None,
) -> None:  # fmt: skip
    for part in sorted(parts, key=lambda p: _ORDER[p.level], reverse=True):
        level = part.level
        if level in ("province", "city"):
            found = resolve_province(part.name, as_of)
            if found is not None and (level == "province" or found[0].city):
                st.prov = found[0]
                st.note(found[1])
                continue
            if level == "province":
                continue
            level = "district"
        if level == "district":
            st.district = (
                _unit(st, part, "district", "legacy", strict=strict, publisher=publisher)
                or st.district
            )
            continue
        legacy_first = st.district is not None or part.old or scheme_for(as_of) == "legacy"
        order: tuple[Scheme, Scheme] = ("legacy", "2025") if legacy_first else ("2025", "legacy")
        for scheme in order:
            st.commune = _unit(st, part, "commune", scheme, strict=strict, publisher=publisher)
            if st.commune is not None:
                break


_ORDER = {"commune": 0, "district": 1, "city": 2, "province": 3}


class _Part(NamedTuple):
    """The parts of a ChainPart that resolution reads (hashable: a cache key)."""

    level: str
    prefix: str
    name: str
    old: bool


def resolve_chain(
    parts: Sequence[ChainPart], surface: str, span: tuple[int, int], *, as_of: date | None,
    publisher: Province | None, strict_scope: Scope | None = None,
) -> PlaceMention | None:  # fmt: skip
    """One PlaceMention for a chain, or None when nothing in it resolves."""
    key = tuple(_Part(p.level, p.prefix, p.name, p.old) for p in parts)
    m = _resolve(key, as_of, publisher, strict_scope)
    if m is None:
        return None
    return PlaceMention(
        surface, m.kind, m.scheme, m.method, m.province, m.province_code, m.province_2025,
        m.province_2025_code, m.district, m.commune, m.commune_code, m.communes_2025, span,
    )  # fmt: skip


@lru_cache(maxsize=8192)
def _resolve(
    parts: tuple[_Part, ...], as_of: date | None, publisher: Province | None,
    strict_scope: Scope | None,
) -> PlaceMention | None:  # fmt: skip
    """resolve_chain without surface and span (cached: chains recur across articles)."""
    st = _State()
    _walk(st, parts, as_of, strict_scope, scope_of(publisher) if publisher else None)
    g = gazetteer()
    unit = st.commune or st.district
    if unit is not None:
        base: Province | None = g.provinces[unit.scheme][unit.province_code]
        scheme: Scheme = unit.scheme
    elif st.prov is not None:
        base, scheme = st.prov, st.prov.scheme
    else:
        return None
    assert base is not None
    new = g.to_2025(base)
    dated = _in_scheme(base, new, scheme_for(as_of))
    if base.scheme == "legacy" and any(p.old and p.level == "province" for p in parts):
        dated = base  # "tỉnh Bình Dương (cũ)": the writer names the former province
    kind: PlaceKind = "commune" if st.commune else "district" if st.district else "province"
    return PlaceMention(
        "", kind, scheme, st.method,
        province=dated.short if dated else None, province_code=dated.code if dated else None,
        province_2025=new.short if new else None, province_2025_code=new.code if new else None,
        district=st.district.name if st.district else None,
        commune=st.commune.name if st.commune else None,
        commune_code=st.commune.code if st.commune else None,
        communes_2025=_communes_2025(st.commune),
    )  # fmt: skip


def _in_scheme(base: Province, new: Province | None, scheme: Scheme) -> Province | None:
    if scheme == "2025":
        return new
    if base.scheme == "legacy":
        return base
    olds = base.merged_from
    return gazetteer().provinces["legacy"].get(olds[0]) if len(olds) == 1 else None


def _communes_2025(commune: AdminUnit | None) -> tuple[str, ...]:
    if commune is None:
        return ()
    if commune.scheme == "2025":
        return (commune.name,)
    table = gazetteer().units[("2025", "commune")]
    return tuple(table[c].name for c in commune.codes_2025 if c in table)
