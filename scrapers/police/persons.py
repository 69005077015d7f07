"""Person mentions (pure): article text in, PersonMention tuple out.

Officials: rank (§3.1, any case, either tone placement) + name + titles bounded by the
title list and a unit phrase ("Đại tá Trần Phú Hà, Giám đốc Công an tỉnh"). Suspects,
defendants, victims: a role cue ("đối tượng", "bị can", "nạn nhân", ...) or a name followed
by "(SN 1990, trú tại ...)". Initials ("N.V.A.", "anh H.") are kept, flagged, never expanded.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from datetime import date
from functools import lru_cache

from scrapers.police.gazetteer import gazetteer
from scrapers.police.lexicon import LOW, RANK_BY_KEY, RANK_RE, RANKS, TITLE_RE, UP
from scrapers.police.model import PersonMention, PersonRole, UnitMention
from scrapers.police.person_details import Details, parse_details, role_before
from scrapers.police.prep import Prepared, finditer_from, first_words, line_breaks, prepare
from scrapers.police.prep import cached_fold_key as fold_key
from scrapers.police.units import extract_units

# Capitalised words that start a title, unit or clause, never a personal name.
_STOP = (
    "Giám|Phó|Trưởng|Thủ|Đội|Cục|Bộ|Thứ|Chánh|Chủ|Bí|Ủy|Viện|Chỉ|Công an|Phòng|Tỉnh|Huyện|"
    "Quận|Xã|Phường|Đồn|Trạm|Cơ quan|Tổng|Hiệu|Người|Điều|Trinh|Cán|Chiến|Ban|Sáng|Chiều|"
    "Tối|Trưa|Đêm|Ngày|Tháng|Tại|Theo|Khi|Sau|Trong|Ngoài|Với|Và|Của|Các|Những|Ông|Bà|Đồng chí"
)
_SYL = rf"(?!(?:{_STOP}|{RANK_RE})(?![{LOW}]))[{UP}][{LOW}]*(?![{UP}{LOW}\d])"
_FULL = rf"{_SYL}(?: {_SYL}){{0,4}}"
_INITIALS = rf"[{UP}]\.(?:\s?[{UP}]\.?)*"
_NAME = rf"(?P<name>{_INITIALS}|{_FULL}\.?)"
_ACADEMIC = r"(?:,?\s*(?:PGS\.?\s?TS|GS\.?\s?TS|TS|ThS|CN|KS|BS)\.?)*"
_ROLE_CUE = (
    r"đối tượng truy nã|đối tượng|bị can|bị cáo|nạn nhân|người bị hại|bị hại|nghi phạm|"
    r"nghi can|phạm nhân|tử tù|người làm chứng|nhân chứng"
)
_HONORIFIC = r"ông|bà|anh|chị|em|cháu|bé|đồng chí|đ/c"
# Role nouns of unranked officials written before the name ("Điều tra viên Thái Văn Lực").
_POST = r"điều tra viên|kiểm sát viên|thẩm phán|trinh sát|cán bộ"
_CUED = re.compile(
    # The lookahead lets the scanner reject most positions on one character.
    rf"(?=[ĐđTtHhBbNnPpÔôAaCcEeKk])(?<![\w])(?:(?P<rank>(?i:{RANK_RE})){_ACADEMIC}"
    rf"|(?P<role>(?i:{_ROLE_CUE}))(?: là)?|(?P<hon>(?i:{_HONORIFIC}))|(?P<post>(?i:{_POST})))"
    rf"\s+{_NAME}"
)
# Where a _CUED match can begin (checked on the lowered text first: much cheaper).
_CUED_STARTS = first_words(
    [*RANKS, *_ROLE_CUE.split("|"), *_HONORIFIC.split("|"), *_POST.split("|")]
)
# Right after a mention (and its details): what happened to the person.
_ROLE_AFTER = re.compile(
    r"\s*(?:(?P<victim>tử vong|thiệt mạng|bị thương|bị chiếm đoạt|bị lừa)"
    r"|(?P<accused>bị khởi tố|bị bắt tạm giam|bị truy tố)|(?P<defendant>bị xét xử|bị tuyên phạt)"
    r"|(?P<wanted>bị truy nã)|(?P<suspect>bị bắt|bị tạm giữ))(?![\w])"
)
# A name with no cue word, followed by birth year or age details.
# Found from the punctuation by `_detail_cues` (a whitespace-led scan tries every position).
_DETAIL_CUE = re.compile(r"[,(]\s*(?:SN|sinh năm|\d{1,3} tuổi)")
# Both name forms begin with a capital: the lookahead spares the look-behind and the
# stop-word test at every other position of the searched window.
_DETAILED = re.compile(rf"(?=[{UP}])(?<![\w.])(?P<name>{_INITIALS}|{_SYL}(?: {_SYL}){{1,4}}\.?)$")
_TITLE = re.compile(rf"(?:,\s*|\s+kiêm\s+|\s+-\s+)(?P<head>(?i:{TITLE_RE}))")
_TITLE_TAIL = re.compile(
    rf"(?: (?i:cảnh sát|an ninh|kỹ thuật|tham mưu|tổ chức|hậu cần|quản lý)(?: [{LOW}]+){{0,6}}?"
    r"(?= \(| Công an|[,;.]|$))?(?: \([A-Z]{1,2}\d{2}\))?"
    r"(?: (?:Cơ quan (?:CSĐT|Cảnh sát điều tra|ANĐT)|UBND|VKSND|TAND|HĐND|Tỉnh ủy|Thành ủy"
    r"|Huyện ủy|Đảng ủy|Ban Thường vụ Tỉnh ủy|Bộ Công an|Bộ Chỉ huy [A-ZĐ][\w ]{0,30}?(?= tỉnh)))?"
)
_ROLE: dict[str, PersonRole] = {
    "đối tượng truy nã": "wanted", "đối tượng": "suspect", "bị can": "accused",
    "bị cáo": "defendant", "nạn nhân": "victim", "người bị hại": "victim", "bị hại": "victim",
    "nghi phạm": "suspect", "nghi can": "suspect", "phạm nhân": "other", "tử tù": "other",
    "người làm chứng": "witness", "nhân chứng": "witness",
}  # fmt: skip


def extract_persons(
    text: str, *, published: date | None, publisher_province: str | None
) -> tuple[PersonMention, ...]:
    """Persons in `text` in text order; repeated mentions of one person are merged."""
    prep = prepare(text)
    norm = prep.norm
    found: list[PersonMention] = []
    taken: set[int] = set()
    covered = bytearray(len(norm))  # 1 inside the span of a person found
    breaks = line_breaks(prep)
    for m in finditer_from(_CUED, norm, _CUED_STARTS.starts(prep)):
        name_end = m.end("name")
        cut = _break_in(breaks, m.start(), name_end)
        if cut is not None and cut < m.start("name"):
            continue  # "… 12 đối tượng⏎Khoảng 15h": the cue ends its line
        if cut is not None:
            name_end = cut  # the name ends its line
        if _skip(m, norm, name_end, covered):
            continue
        person = _mention(m, name_end, prep, published, publisher_province)
        if person is not None:
            found.append(person)
            _cover(covered, person.span)
            taken.add(m.start("name"))
    for cue in _detail_cues(norm):
        lo = max(0, cue - 60)
        cut = _break_in(breaks, lo, cue)
        named = _DETAILED.search(norm, lo if cut is None else cut + 1, cue)
        if named is not None and named.start("name") not in taken and not covered[named.start()]:
            found.append(_plain(named, prep, published))
            _cover(covered, found[-1].span)
    return _merge(sorted(found, key=lambda p: p.span))


def _break_in(breaks: tuple[int, ...], lo: int, hi: int) -> int | None:
    """The last line break in [lo, hi), if any."""
    i = bisect_left(breaks, hi)
    return breaks[i - 1] if i and breaks[i - 1] >= lo else None


def _cover(covered: bytearray, span: tuple[int, int]) -> None:
    start, end = span[0], min(span[1], len(covered))
    if end > start:
        covered[start:end] = b"\x01" * (end - start)


def _skip(m: re.Match[str], norm: str, name_end: int, covered: bytearray) -> bool:
    """Cue + name shapes that are not a person mention."""
    if m["post"]:
        # "cán bộ Trung đoàn …": a role noun needs a full name, outside an earlier mention.
        name = norm[m.start("name") : name_end]
        return " " not in name or covered[m.start()] == 1
    if m["hon"] and m["hon"][0].isupper():
        # "Bà Rịa - Vũng Tàu", "Anh Sơn": a capitalised honorific that begins a place name.
        words = norm[m.start("hon") : name_end].split(" ")
        keys = gazetteer().bare_keys
        return any(" ".join(words[:n]).lower() in keys for n in range(2, len(words) + 1))
    return False


def _detail_cues(norm: str) -> list[int]:
    """Where the cue pattern with optional leading whitespace would match (finditer): at
    the "," or "(", moved back over the whitespace before it, never into the previous match."""
    out: list[int] = []
    end = 0
    for m in _DETAIL_CUE.finditer(norm):
        start = m.start()
        while start > end and norm[start - 1].isspace():
            start -= 1
        out.append(start)
        end = m.end()
    return out


def _mention(
    m: re.Match[str], name_end: int, prep: Prepared, published: date | None,
    publisher: str | None,
) -> PersonMention | None:  # fmt: skip
    norm, clean = prep.norm, prep.clean
    name = clean[m.start("name") : name_end].rstrip()
    rank = RANK_BY_KEY[m["rank"].lower()] if m["rank"] else None
    anonymised = _anonymised(name)
    if name.endswith(".") and not anonymised:
        name = name[:-1]
    end = m.start("name") + len(name)
    titles, end = _titles(norm, clean, end)
    if m["post"]:
        titles = (clean[m.start("post") : m.end("post")], *titles)
    details = parse_details(norm, clean, end, published)
    role: PersonRole = "official" if rank or m["post"] else "other"
    if role == "other":
        role = _ROLE.get((m["role"] or "").lower(), "other")
    if role == "other":
        role = role_after(norm, max(end, details.end)) or role_before(prep, m.start())
    unit = _unit(titles, published, publisher) if titles else None
    surface = clean[m.start() : max(end, details.end)]
    return _build(surface, name, anonymised, (m.start(), max(end, details.end)), rank=rank,
                  titles=titles, role=role, details=details, unit=unit)  # fmt: skip


def _plain(m: re.Match[str], prep: Prepared, published: date | None) -> PersonMention:
    norm, clean = prep.norm, prep.clean
    name = clean[m.start("name") : m.end("name")]
    anonymised = _anonymised(name)
    details = parse_details(norm, clean, m.end("name"), published)
    span = (m.start(), max(m.end(), details.end))
    role = role_after(norm, span[1]) or role_before(prep, m.start())
    return _build(clean[span[0] : span[1]], name, anonymised, span, rank=None, titles=(),
                  role=role, details=details, unit=None)  # fmt: skip


def role_after(norm: str, pos: int) -> PersonRole | None:
    """Role from what the text says right after a mention ("… (32 tuổi) tử vong")."""
    m = _ROLE_AFTER.match(norm, pos)
    if m is None or m.lastgroup is None:
        return None
    role: PersonRole = m.lastgroup  # type: ignore[assignment]
    return role


_NAME_PARTS = re.compile(r"[ .]")
_INITIALS_ONLY = re.compile(_INITIALS)


def _anonymised(name: str) -> bool:
    return any(len(part.rstrip(".")) == 1 for part in _NAME_PARTS.split(name) if part)


def _build(
    surface: str, name: str, anonymised: bool, span: tuple[int, int], *, rank: str | None,
    titles: tuple[str, ...], role: PersonRole, details: Details, unit: UnitMention | None,
) -> PersonMention:  # fmt: skip
    return PersonMention(
        surface=surface, name=None if _initials_only(name) else name, rank=rank,
        titles=titles, role=role, birth_year=details.birth_year,
        birth_year_estimated=details.estimated, age=details.age, residence=details.residence,
        anonymised=anonymised, name_key=fold_key(name.rstrip(".")), unit=unit, span=span,
    )  # fmt: skip


def _initials_only(name: str) -> bool:
    return _INITIALS_ONLY.fullmatch(name) is not None


def _titles(norm: str, clean: str, pos: int) -> tuple[tuple[str, ...], int]:
    titles: list[str] = []
    while (m := _TITLE.match(norm, pos)) is not None:
        end = m.end()
        unit = _UNIT_AFTER.match(norm, end)
        tail = _TITLE_TAIL.match(norm, end)
        end = max(end, tail.end() if tail else end)
        unit = _UNIT_AFTER.match(norm, end)
        if unit is not None:
            end = unit.end()
        titles.append(clean[m.start("head") : end])
        pos = end
    return tuple(titles), pos


_RUN = rf"[{UP}][{LOW}]*(?: [{UP}][{LOW}]*)*"
_UNIT_AFTER = re.compile(
    rf"(?: Cơ quan (?:CSĐT|Cảnh sát điều tra|ANĐT))?"
    rf" (?i:công an)(?: (?i:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|xã|phường|thị trấn)"
    rf"(?: (?:\d{{1,2}}|HCM|{_RUN}))?| {_RUN})"
    rf"| (?:UBND|VKSND|TAND|HĐND)(?: (?i:tỉnh|thành phố|huyện|xã|phường)(?: {_RUN})?)?"
)


@lru_cache(maxsize=2048)
def _unit(
    titles: tuple[str, ...], published: date | None, publisher: str | None
) -> UnitMention | None:
    for title in titles:
        units = extract_units(title, published=published, publisher_province=publisher)
        if units:
            return replace(units[-1], span=(0, 0))  # offsets were inside the title
    return None


def _merge(found: list[PersonMention]) -> tuple[PersonMention, ...]:
    """One record per (name, rank, role); a later bare given name joins its full name."""
    out: list[PersonMention] = []
    index: dict[tuple[str | None, str | None, str], int] = {}
    for p in found:
        key = (p.name_key or fold_key(p.surface), p.rank, p.role)
        if p.name and " " not in p.name:
            full = [
                i
                for i, o in enumerate(out)
                if o.name_key and o.name_key.endswith(" " + (p.name_key or ""))
            ]
            if full:  # "ông Hà" after "Trần Phú Hà": what it says about the role counts
                i = full[-1]
                if out[i].role == "other" and p.role != "other":
                    out[i] = replace(out[i], role=p.role)
                continue
        if key in index:
            i = index[key]
            old = out[i]
            out[i] = replace(
                old, titles=old.titles or p.titles, birth_year=old.birth_year or p.birth_year,
                age=old.age or p.age, residence=old.residence or p.residence,
                unit=old.unit or p.unit,
            )  # fmt: skip
            continue
        index[key] = len(out)
        out.append(p)
    return _share_birth_years(out)


def _share_birth_years(people: list[PersonMention]) -> tuple[PersonMention, ...]:
    """Records of one name (several roles) share its birth year when only one is stated, so
    a person is one case key ("… |1993"), not two ("… |1993" and "… |?")."""
    years: dict[str, set[int]] = {}
    for p in people:
        if p.name and p.name_key and p.birth_year:
            years.setdefault(p.name_key, set()).add(p.birth_year)
    out = []
    for p in people:
        known = years.get(p.name_key or "") if p.name else None
        one = next(iter(known)) if known is not None and len(known) == 1 else None
        out.append(replace(p, birth_year=one) if p.birth_year is None and one else p)
    return tuple(out)
