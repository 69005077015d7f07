"""Police unit mentions (pure): article text in, UnitMention tuple out.

Forms: "Bộ Công an"; "Cục Cảnh sát hình sự (C02)"; "Công an tỉnh/thành phố X" (province),
"Công an huyện/quận/thị xã X" (district; none after 2025-02-28), "Công an xã/phường X"
(commune); "Cơ quan CSĐT Công an ..."; departments by name or code ("Phòng Cảnh sát hình
sự (PC02)", "PC02"). "Công an tỉnh" with no name is the publisher's province (implicit).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from scrapers.police.gazetteer import DISTRICT_POLICE_UNTIL, Province
from scrapers.police.lexicon import CAP_RUN, UNIT_ALIASES, UNIT_CODES, UP
from scrapers.police.model import UnitLevel, UnitMention
from scrapers.police.place_chains import Part
from scrapers.police.places import extract_places, publisher_province_of
from scrapers.police.prep import (
    Prepared,
    cue_starts,
    finditer_from,
    memoised,
    prepare,
    search_cued,
)
from scrapers.police.resolve import resolve_chain, resolve_province

_ADMIN = r"tỉnh|thành phố|tp\.?|huyện|quận|thị xã|tx\.?|xã|phường|thị trấn|đặc khu"
_LOCAL = re.compile(
    r"(?=[Cc])(?P<inv>(?:Cơ quan |CQ)(?:CSĐT|Cảnh sát điều tra|ANĐT|An ninh điều tra) )?"
    rf"(?<![\w])(?i:công an) (?:(?P<pre>(?i:{_ADMIN}))(?:(?:\s+|(?<=\.))"
    rf"(?P<name>\d{{1,2}}(?!\d)|HCM\b|{CAP_RUN}))?|(?P<bare>{CAP_RUN}))"
)
_ALIAS_RE = "|".join(sorted((re.escape(a) for a in UNIT_ALIASES), key=len, reverse=True))
_DEPT = re.compile(
    rf"(?=[PpCcBbVv])(?:(?<![\w])(?P<dept>(?i:{_ALIAS_RE}))"
    r"(?: \((?P<code1>[A-Z]{1,2}\d{2})\))?"
    r"|(?P<named>(?:Phòng|Cục|Văn phòng|Bộ Tư lệnh) [^,.;()]{3,90}?) \((?P<code2>[A-Z]{1,2}\d{2})\)"
    r"|(?<![\w/-])(?P<code3>P[ACVXHK]\d{2})(?![\w/-]))"
)
# Where _LOCAL / _DEPT matches can begin (literal pre-checks on the lowered text).
_LOCAL_STARTS = re.compile("cơ quan |cq|công an")
_DEPT_STARTS = re.compile(r"phòng|cục|văn|bộ tư lệnh|p[acvxhk]\d\d")
# The literal first lets the regex engine skip ahead; the lookbehind = "(?<![\w])Bộ".
_MINISTRY = re.compile(r"Bộ Công an(?<!\wBộ Công an)(?![\w])")
_LEVEL: dict[str, UnitLevel] = {
    "tỉnh": "province", "thành phố": "province", "tp": "province", "tp.": "province",
    "huyện": "district", "quận": "district", "thị xã": "district", "tx": "district",
    "tx.": "district", "xã": "commune", "phường": "commune", "thị trấn": "commune",
    "đặc khu": "commune",
}  # fmt: skip


def _investigation(inv: str | None) -> str:
    """Canonical prefix of an investigation agency: police (CSĐT) or security (ANĐT)."""
    if not inv:
        return ""
    security = "ANĐT" in inv or "An ninh" in inv
    return "Cơ quan An ninh điều tra " if security else "Cơ quan Cảnh sát điều tra "


def extract_units(
    text: str, *, published: date | None, publisher_province: str | None
) -> tuple[UnitMention, ...]:
    """Police units mentioned in `text`, first mention of each, in text order."""
    prep = prepare(text)
    clean, norm = prep.clean, prep.norm
    publisher = publisher_province_of(publisher_province, published)
    if publisher is None and search_cued(prep, _BARE_CUES, _BARE_PROVINCE) is not None:
        publisher = _sole_province(prep, text, published)
    found: list[UnitMention] = []
    for m in finditer_from(_LOCAL, norm, cue_starts(prep, _LOCAL_STARTS)):
        unit = _local(m, clean, published, publisher)
        if unit is not None:
            found.append(unit)
    starts = cue_starts(prep, _DEPT_STARTS)
    found.extend(
        _departments(finditer_from(_DEPT, norm, starts), norm, clean, published, publisher)
    )
    found.extend(
        UnitMention("Bộ Công an", "Bộ Công an", "ministry", span=(m.start(), m.end()))
        for m in _MINISTRY.finditer(norm)
    )
    return _dedupe(sorted(found, key=lambda u: u.span))


# "Công an tỉnh" / "Công an thành phố" with no name after it (an implicit unit).
_BARE_PROVINCE = re.compile(rf"(?i:công an (?:tỉnh|thành phố|tp\.?))(?!\.?\s*[{UP}\d])")
_BARE_CUES = re.compile("công an (?:tỉnh|thành phố|tp)")  # on the lowered text


def _sole_province(prep: Prepared, text: str, published: date | None) -> Province | None:
    """With no publisher province, an implicit "Công an tỉnh" is the one province the
    text names (None when it names none or several)."""

    def compute(_: Prepared) -> Province | None:
        places = extract_places(text, as_of=published, publisher_province=None)
        names = {p.province for p in places if p.province and p.method != "implicit"}
        return publisher_province_of(names.pop(), published) if len(names) == 1 else None

    return memoised(prep, f"sole_province:{published}", compute)


def _local(
    m: re.Match[str], clean: str, published: date | None, publisher: Province | None
) -> UnitMention | None:
    span = (m.start(), m.end())
    surface = clean[span[0] : span[1]]
    prefix = (m["pre"] or "").lower()
    name = m["name"] or m["bare"]
    inv = _investigation(m["inv"])
    if name is None:
        if _LEVEL.get(prefix) != "province":
            return None
        return _implicit(surface, span, inv, prefix, publisher)
    name = clean[m.start("name") : m.end("name")] if m["name"] else name
    level = "province" if m["bare"] else ("city" if prefix.startswith(("tp", "thành")) else "")
    level = level or ("district" if _LEVEL[prefix] == "district" else _LEVEL[prefix])
    part = Part(level, prefix, name, 0, 0, False)
    place = resolve_chain([part], surface, span, as_of=published, publisher=publisher)
    if place is None:
        return None
    if place.kind == "province":
        prov = resolve_province(place.province or place.province_2025 or name, published)
        city = prov is not None and prov[0].city
        canonical = f"Công an {'thành phố' if city else 'tỉnh'} {place.province}"
        return UnitMention(surface, inv + canonical, "province", None, place.province,
                           place.province_code, span=span)  # fmt: skip
    unit_level: UnitLevel = "district" if place.kind == "district" else "commune"
    admin = place.district if unit_level == "district" else place.commune
    canonical = f"Công an {admin[:1].lower()}{admin[1:]}" if admin else surface
    valid = unit_level != "district" or published is None or published <= DISTRICT_POLICE_UNTIL
    return UnitMention(surface, inv + canonical, unit_level, None, place.province,
                       place.province_code, valid=valid, span=span)  # fmt: skip


def _implicit(
    surface: str, span: tuple[int, int], inv: str, prefix: str, publisher: Province | None
) -> UnitMention:
    if publisher is None:
        return UnitMention(surface, surface, "province", implicit=True, span=span)
    kind = "thành phố" if publisher.city else "tỉnh"
    return UnitMention(surface, f"{inv}Công an {kind} {publisher.short}", "province", None,
                       publisher.short, publisher.code, implicit=True, span=span)  # fmt: skip


def _departments(
    matches: Iterator[re.Match[str]],
    norm: str, clean: str, published: date | None, publisher: Province | None,
) -> list[UnitMention]:  # fmt: skip
    out: list[UnitMention] = []
    for m in matches:
        code = m["code1"] or m["code2"] or m["code3"]
        if code is None:
            code = UNIT_ALIASES.get(m["dept"].lower())
        name = UNIT_CODES.get(code or "", m["named"] or m["dept"] or code or "")
        ministry = code is not None and not code.startswith("P")
        level: UnitLevel = "ministry" if ministry else "province"
        span = (m.start(), m.end())
        after = _LOCAL.match(norm, m.end() + 1) if norm[m.end() : m.end() + 1] == " " else None
        owner = _local(after, clean, published, publisher) if after else None
        if ministry:
            out.append(UnitMention(clean[span[0] : span[1]], name, level, code, span=span))
        elif owner is not None:
            out.append(UnitMention(clean[span[0] : span[1]], name, level, code, owner.province,
                                   owner.province_code, owner.implicit, span=span))  # fmt: skip
        else:
            prov = publisher
            out.append(UnitMention(clean[span[0] : span[1]], name, level, code,
                                   prov.short if prov else None, prov.code if prov else None,
                                   implicit=True, span=span))  # fmt: skip
    return out


def _dedupe(units: list[UnitMention]) -> tuple[UnitMention, ...]:
    seen: set[tuple[str, str | None, str]] = set()
    out: list[UnitMention] = []
    for u in units:
        key = (u.canonical_name, u.code, u.level)
        if key not in seen:
            seen.add(key)
            out.append(u)
    return tuple(out)
