"""Place mentions (pure): article text in, PlaceMention tuple out.

Admin-prefixed mentions ("xã Hoằng Quỳ, huyện Hoằng Hóa", "TP Hà Nội", "xã X (huyện Y cũ)")
are grouped into chains (place_chains.py, with the bare district and province names that
follow them: "xã Bắc Sơn, Ân Thi, Hưng Yên") and resolved top-down against the gazetteer
as of the article date, then mapped to the 2025 scheme. A chain naming no
province is resolved a second time inside the article's area (the provinces and districts
the other chains and province names give; resolve.Context). Bare names are resolved only
when plausible: a province name (not a person's given name: "Nguyễn Hòa Bình"), or a
two-syllable district/commune name unique in the publisher's province. Matches inside
another proper name, a credit or the closing byline are dropped (place_names.py); each
place gets a role: event, residence or listed (place_roles.py).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from scrapers.police.gazetteer import Province, gazetteer, scheme_for
from scrapers.police.lexicon import CAP_RUN, LOW, NOT_NAME, RANK_RE, SURNAMES, UP
from scrapers.police.model import PlaceKind, PlaceMention, PlaceMethod
from scrapers.police.place_chains import Part, chains_of
from scrapers.police.place_names import in_byline, in_proper_name, in_unit_list
from scrapers.police.place_roles import assign_roles
from scrapers.police.prep import (
    Prepared,
    line_breaks,
    prepare,
    search_cued,
)
from scrapers.police.resolve import (
    NO_CONTEXT,
    Context,
    Scope,
    resolve_chain,
    resolve_province,
    scope_of,
)

_ZONE = re.compile(rf"(?P<pre>Khu [Kk]inh tế|KKT|Khu [Cc]ông nghiệp|KCN)\s+(?P<name>{CAP_RUN})")
# lexicon.CAP_RUN, but a syllable may touch a digit (flattened tables: "Kon Tum57. Bình
# Phước 58. Sơn La59.").
_SYL = rf"[{UP}][{LOW}]*(?:'[{LOW}]+)?(?![{UP}{LOW}])"
_RUN = re.compile(rf"{_SYL}(?:(?: | - ){_SYL})*")
_PERSON_WORDS = rf"{RANK_RE}|ông|bà|anh|chị|em|cháu|đồng chí|đ/c|tượng|can|cáo|nhân|hại"
# Searched in a short window before a bare name: the case-insensitive set of the words' first
# letters spares trying every word at every other position.
_PERSON_BEFORE = re.compile(
    rf"(?i:(?=[{re.escape(''.join(sorted({w[0] for w in _PERSON_WORDS.split('|')})))}]))"
    rf"(?i:{_PERSON_WORDS})\s*$"
)
_IMPLICIT = re.compile(r"(?i:địa bàn|toàn) tỉnh(?! [A-ZĐ])")
_IMPLICIT_CUES = re.compile("(?:địa bàn|toàn) tỉnh")  # on the lowered text


def extract_places(
    text: str, *, as_of: date | None, publisher_province: str | None
) -> tuple[PlaceMention, ...]:
    """Places in `text`, resolved as of `as_of` (None: today's scheme), deduplicated."""
    prep = prepare(text)
    clean, norm = prep.clean, prep.norm
    publisher = publisher_province_of(publisher_province, as_of)
    chains = [c for c in chains_of(prep) if not _not_place(norm, c[0].start, c[-1].end)]
    first = [_resolve(c, clean, as_of, publisher, NO_CONTEXT) for c in chains]
    taken = [(c[0].start, c[-1].end) for c in chains]
    found = _zones(norm, clean, as_of, publisher, taken)
    found += _bare(norm, clean, as_of, publisher, taken)
    anchors = [m for c, m in zip(chains, first, strict=True) if m and c[-1].level != "commune"]
    context = _context([*anchors, *(m for m in found if m.kind == "province")], as_of)
    for chain, alone in zip(chains, first, strict=True):
        again = context and (
            alone is None
            or (chain[-1].level == "commune" and alone.province_2025_code not in context.new)
        )
        mention = _resolve(chain, clean, as_of, publisher, context) if again else alone
        if mention is not None:
            found.append(mention)
    found.extend(_implicit(prep, as_of, publisher))
    found.sort(key=lambda m: m.span)
    return _dedupe(assign_roles(found, norm, line_breaks(prep)))


def _resolve(
    chain: list[Part], clean: str, as_of: date | None, publisher: Province | None,
    context: Context,
) -> PlaceMention | None:  # fmt: skip
    start, end = chain[0].start, chain[-1].end
    return resolve_chain(
        chain, clean[start:end], (start, end), as_of=as_of, publisher=publisher, context=context
    )


def _not_place(norm: str, start: int, end: int) -> bool:
    return in_proper_name(norm, start) or in_byline(norm, start, end)


def _context(anchors: list[PlaceMention], as_of: date | None) -> Context:
    """The article's area from the places named with a province or district."""
    g = gazetteer()
    legacy: set[str] = set()
    new: set[str] = set()
    districts: set[str] = set()
    dated_legacy = scheme_for(as_of) == "legacy"
    for m in anchors:
        if m.method == "context" or m.province_2025_code is None:
            continue
        new.add(m.province_2025_code)
        if dated_legacy and m.province_code:
            legacy.add(m.province_code)
        else:
            legacy.update(g.provinces["2025"][m.province_2025_code].merged_from)
        if m.district:
            codes = g.district_codes(m.district)
            districts.update(
                c for c in codes if g.units[("legacy", "district")][c].province_code in legacy
            )
    return Context(frozenset(legacy), frozenset(new), frozenset(districts))


def publisher_province_of(name: str | None, as_of: date | None) -> Province | None:
    """The publisher's province ("Thanh Hóa", "TP Hồ Chí Minh") as of a date."""
    if not name:
        return None
    name = re.sub(r"^(?i:tp\.?|thành phố|tỉnh)\s*", "", name.strip())
    found = resolve_province(name, as_of)
    return found[0] if found else None


def _coverage(size: int, taken: list[tuple[int, int]]) -> bytearray:
    """1 at every offset inside a taken (non-empty) span."""
    covered = bytearray(size)
    for start, end in taken:
        stop = min(end, size)
        if stop > start:
            covered[start:stop] = b"\x01" * (stop - start)
    return covered


def _zones(
    norm: str, clean: str, as_of: date | None, publisher: Province | None,
    taken: list[tuple[int, int]],
) -> list[PlaceMention]:  # fmt: skip
    out: list[PlaceMention] = []
    for m in _ZONE.finditer(norm):
        kind: PlaceKind = (
            "economic_zone"
            if m["pre"] in ("KKT", "Khu Kinh tế", "Khu kinh tế")
            else ("industrial_zone")
        )
        name = clean[m.start("name") : m.end("name")]
        resolved = _resolve_bare(name, as_of, publisher, multi=True)
        if resolved is not None:
            span = (m.start(), m.end())
            out.append(_with(resolved, clean[span[0] : span[1]], span, kind))
            taken.append(span)
    return out


def _bare(
    norm: str, clean: str, as_of: date | None, publisher: Province | None,
    taken: list[tuple[int, int]],
) -> list[PlaceMention]:  # fmt: skip
    out: list[PlaceMention] = []
    keys = gazetteer().bare_keys
    covered = _coverage(len(norm), taken)
    for m in _RUN.finditer(norm):
        lo, hi = m.span()
        if norm.find(" ", lo, hi) < 0 and norm[lo:hi].lower() not in keys:
            continue  # most runs: one word, no place name
        for start, end in _bare_spans(norm, clean, keys, lo, hi):
            if covered.find(1, start, end) >= 0:
                continue  # overlaps a chain or a zone
            resolved = _resolve_bare(clean[start:end], as_of, publisher, multi=False)
            if resolved is None or _PERSON_BEFORE.search(norm, max(0, start - 14), start):
                continue
            if _not_place(norm, start, end) or in_unit_list(norm, start):
                continue
            out.append(_with(resolved, clean[start:end], (start, end), None))
    return out


def _bare_spans(
    norm: str, clean: str, keys: frozenset[str], start: int, end: int
) -> list[tuple[int, int]]:
    """Where a capitalised run may be a bare place name: the whole run, each side of a
    dash ("Hà Nội - Hải Phòng"), or the run after a title word ("Tại Thái Bình"); never
    the given name of a person ("Nguyễn Hòa Bình") or a longer organisation name."""
    space = norm.find(" ", start, end)
    if space < 0:  # most runs: one word
        return [(start, end)] if norm[start:end].lower() in keys else []
    first = clean[start:space]
    if norm[start:end].lower() in keys and (
        first not in SURNAMES or norm.count(" ", start, end) < 2
    ):
        return [(start, end)]  # not "Hồ Chí Minh" (the person; the city is "TP Hồ Chí Minh")
    if " - " in norm[start:end]:
        out, at = [], start
        for piece in norm[start:end].split(" - "):
            if piece.lower() in keys:
                out.append((at, at + len(piece)))
            at += len(piece) + 3
        return out
    if first not in NOT_NAME:
        return []
    return [(space + 1, end)] if norm[space + 1 : end].lower() in keys else []


@lru_cache(maxsize=4096)
def _resolve_bare(
    name: str, as_of: date | None, publisher: Province | None, *, multi: bool
) -> PlaceMention | None:
    """A province by name, else a 2-syllable unit unique in the publisher's province."""
    found = resolve_province(name, as_of)
    if found is not None:
        part = Part("province", "", name, 0, 0, False)
        return resolve_chain([part], name, (0, 0), as_of=as_of, publisher=None)
    words = name.split(" ")
    if publisher is None or (len(words) != 2 and not multi) or words[0] in SURNAMES:
        return None
    for level in ("district", "commune"):
        part = Part(level, "", name, 0, 0, False)
        scope: Scope = scope_of(publisher)
        mention = resolve_chain(
            [part], name, (0, 0), as_of=as_of, publisher=publisher, strict_scope=scope
        )
        if mention is not None:
            return mention
    return None


def _with(
    m: PlaceMention, surface: str, span: tuple[int, int], kind: PlaceKind | None
) -> PlaceMention:
    return PlaceMention(
        surface, kind or m.kind, m.scheme, m.method, m.province, m.province_code,
        m.province_2025, m.province_2025_code, m.district, m.commune, m.commune_code,
        m.communes_2025, span,
    )  # fmt: skip


def _implicit(prep: Prepared, as_of: date | None, publisher: Province | None) -> list[PlaceMention]:
    m = search_cued(prep, _IMPLICIT_CUES, _IMPLICIT) if publisher is not None else None
    if m is None or publisher is None:
        return []
    resolved = resolve_chain(
        [Part("province", "", publisher.short, 0, 0, False)],
        m.group(),
        (0, 0),
        as_of=as_of,
        publisher=None,
    )
    if resolved is None:
        return []
    method: PlaceMethod = "implicit"
    return [
        PlaceMention(
            m.group(), "province", resolved.scheme, method, resolved.province,
            resolved.province_code, resolved.province_2025, resolved.province_2025_code,
            span=(m.start(), m.end()),
        )
    ]  # fmt: skip


def _dedupe(mentions: list[PlaceMention]) -> tuple[PlaceMention, ...]:
    seen: set[tuple[object, ...]] = set()
    out: list[PlaceMention] = []
    for m in mentions:
        key = (m.kind, m.province_code, m.district, m.commune_code, m.role)
        if m.method == "implicit" and any(o.province_code == m.province_code for o in out):
            continue
        if key not in seen:
            seen.add(key)
            out.append(m)
    return tuple(out)
