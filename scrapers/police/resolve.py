"""Resolution of admin-place chains against the gazetteer (pure; used by places.py).

A chain is "xã A, huyện B, tỉnh C" (any subset, lowest level first). Provinces are looked
up in the scheme of the article date first, then in the other one; a legacy district scopes
its communes. A name with several candidates is narrowed by the article's area (`Context`:
the districts and provinces named with a qualifier elsewhere in the text), then by the
written prefix type, then by the publisher's province (method "context" when the area or
the publisher decided), and otherwise left unresolved: never a nationwide default. A
commune named with no district or province is looked for only inside the article's area
when it has one. The other scheme is tried only when the first has no candidate at all.
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
_WORST: dict[PlaceMethod, int] = {
    "exact": 0, "alias": 1, "tone": 2, "folded": 3, "context": 4, "implicit": 5,
}  # fmt: skip


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


@dataclass(frozen=True, slots=True)
class Context:
    """The article's area: provinces (codes per scheme) and legacy districts (codes) named
    with a qualifier elsewhere in the text."""

    legacy: frozenset[str] = frozenset()
    new: frozenset[str] = frozenset()
    districts: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.legacy or self.new)


NO_CONTEXT = Context()


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


def _in_area(
    units: list[AdminUnit], legacy: frozenset[str], new: frozenset[str]
) -> list[AdminUnit]:
    return [u for u in units if u.province_code in (legacy if u.scheme == "legacy" else new)]


def _pick(
    units: list[AdminUnit], prefix: str, context: Context, publisher: Scope | None,
    *, confine: bool,
) -> tuple[AdminUnit | None, bool]:  # fmt: skip
    """The one candidate left after narrowing, and whether the article's area or the
    publisher decided it. `confine`: only candidates inside the area (when it is known)."""
    before = len(units)
    if confine and context:
        units = _in_area(units, context.legacy, context.new)
    if len(units) > 1 and context:
        units = [u for u in units if u.district_code in context.districts] or (
            _in_area(units, context.legacy, context.new) or units
        )
    guessed = len(units) < before
    if len(units) > 1:
        typed = [u for u in units if u.type == _TYPE.get(prefix.lower())]
        units = typed or units
    if len(units) > 1 and publisher is not None:
        units, guessed = _in_area(units, publisher.legacy, publisher.new), True
    return (units[0], guessed) if len(units) == 1 else (None, False)


@dataclass(slots=True)
class _State:
    context: Context
    strict: Scope | None  # the lookup is limited to these provinces
    publisher: Scope | None
    prov: Province | None = None
    district: AdminUnit | None = None
    commune: AdminUnit | None = None
    method: PlaceMethod = "exact"

    def note(self, method: PlaceMethod) -> None:
        if _WORST[method] > _WORST[self.method]:
            self.method = method

    def scope(self) -> Scope | None:
        if self.strict is not None:
            return self.strict
        if self.prov is not None:
            return scope_of(self.prov)
        if self.district is not None:
            return scope_of(gazetteer().provinces["legacy"][self.district.province_code])
        return None


def _unit(st: _State, part: ChainPart, level: str, scheme: Scheme) -> tuple[AdminUnit | None, bool]:
    """The unit a part names (None when none or several are left) and whether the scheme
    has any candidate in scope."""
    scope = st.scope()
    codes = None if scope is None else (scope.legacy if scheme == "legacy" else scope.new)
    district_code = st.district.code if st.district and scheme == "legacy" else None
    units, method = gazetteer().units_named(
        part.name, scheme, level, provinces=codes, district_code=district_code
    )
    confine = level == "commune" and scope is None  # "xã X" alone: in the article's area
    publisher = st.publisher if scope is None else None
    found, guessed = _pick(units, part.prefix, st.context, publisher, confine=confine)
    if found is not None:
        st.note("context" if guessed else method)
    return found, bool(units)


def _walk(st: _State, parts: Sequence[ChainPart], as_of: date | None) -> None:
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
            st.district = _unit(st, part, "district", "legacy")[0] or st.district
            continue
        legacy_first = st.district is not None or part.old or scheme_for(as_of) == "legacy"
        order: tuple[Scheme, Scheme] = ("legacy", "2025") if legacy_first else ("2025", "legacy")
        for scheme in order:
            st.commune, seen = _unit(st, part, "commune", scheme)
            if st.commune is not None or seen:
                break  # several candidates in the first scheme: no guess in the other one


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
    context: Context = NO_CONTEXT,
) -> PlaceMention | None:  # fmt: skip
    """One PlaceMention for a chain, or None when nothing in it resolves."""
    key = tuple(_Part(p.level, p.prefix, p.name, p.old) for p in parts)
    m = _resolve(key, as_of, publisher, strict_scope, context)
    if m is None:
        return None
    return PlaceMention(
        surface, m.kind, m.scheme, m.method, m.province, m.province_code, m.province_2025,
        m.province_2025_code, m.district, m.commune, m.commune_code, m.communes_2025, span,
    )  # fmt: skip


@lru_cache(maxsize=8192)
def _resolve(
    parts: tuple[_Part, ...], as_of: date | None, publisher: Province | None,
    strict_scope: Scope | None, context: Context,
) -> PlaceMention | None:  # fmt: skip
    """resolve_chain without surface and span (cached: chains recur across articles)."""
    st = _State(context, strict_scope, scope_of(publisher) if publisher else None)
    _walk(st, parts, as_of)
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
