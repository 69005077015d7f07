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
from scrapers.police.model import PersonMention, PersonMethod, PersonRole, RoleMethod, UnitMention
from scrapers.police.person_details import (
    Details,
    parse_details,
    role_before,
    state_titles,
    title_before,
)
from scrapers.police.person_merge import merge
from scrapers.police.person_names import HARD_STOP, SOFT_STOP, trim_end, uncued_names
from scrapers.police.prep import Prepared, finditer_from, first_words, line_breaks, prepare
from scrapers.police.prep import cached_fold_key as fold_key
from scrapers.police.units import extract_units

# A name syllable: never a title, unit or clause word; the first one not a given name that
# is also such a word either ("Chiến", "Sáng": "Ngô Văn Chiến" but not "Chiến sĩ Lê Văn A").
_FIRST = rf"(?!(?:{HARD_STOP}|{SOFT_STOP}|{RANK_RE})(?![{LOW}]))[{UP}][{LOW}]*(?![{UP}{LOW}\d])"
_SYL = rf"(?!(?:{HARD_STOP}|{RANK_RE})(?![{LOW}]))[{UP}][{LOW}]*(?![{UP}{LOW}\d])"
_FULL = rf"{_FIRST}(?: {_SYL}){{0,4}}"
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
    rf"|(?P<role>(?i:{_ROLE_CUE}))(?: là| gồm:?)?|(?<!đàn )(?<!Đàn )(?P<hon>(?i:{_HONORIFIC}))"
    rf"|(?P<post>(?i:{_POST})))"
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
_DETAIL_CUE = re.compile(
    r"[,(]\s*(?:SN|sinh năm|sinh (?:ngày |tháng )?\d|\d{1,3} tuổi)|\(\s*(?:19|20)\d{2}\s*[,)]"
)
# Both name forms begin with a capital: the lookahead spares the look-behind and the
# stop-word test at every other position of the searched window.
_DETAILED = re.compile(rf"(?=[{UP}])(?<![\w.])(?P<name>{_INITIALS}|{_FIRST}(?: {_SYL}){{1,4}}\.?)$")
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
            found.append(_plain(named.span("name"), prep, published, "details"))
            _cover(covered, found[-1].span)
            taken.add(named.start("name"))
    names_only = bytearray(len(norm))  # 1 inside a name found (its details excluded)
    for p in found:
        _cover(names_only, (p.span[0], p.span[0] + _name_end_in(p)))
    for start, end in uncued_names(norm, breaks):
        if start in taken or names_only[start] or (covered[start] and _in_address(norm, start)):
            continue
        found.append(_plain((start, end), prep, published, "surname"))
        _cover(covered, found[-1].span)
    return merge(norm, sorted(found, key=lambda p: p.span))


_ADDRESS = re.compile(r"(?i:trú|ngụ|đktt|hktt|địa chỉ|quê|nơi ở)[^()]*$")


def _in_address(norm: str, pos: int) -> bool:
    """Inside the residence of a person's details ("(46 tuổi, ĐKTT 35/89 Tôn Đức Thắng,
    Trần Nguyên Hãn)"): street names, not persons."""
    return _ADDRESS.search(norm, max(0, pos - 120), pos) is not None


def _name_end_in(p: PersonMention) -> int:
    """Offset in `p.surface` where the name (and the cue before it) ends."""
    at = p.surface.find(p.name) if p.name else -1
    return len(p.surface) if at < 0 or p.name is None else at + len(p.name)


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
        # "Bà Rịa - Vũng Tàu", "Anh Sơn": a capitalised honorific that begins a place name;
        # "quận Hai Bà Trưng": one inside a capitalised run.
        if _CAP_BEFORE.search(norm, max(0, m.start() - 12), m.start()) is not None:
            return True
        words = norm[m.start("hon") : name_end].split(" ")
        keys = gazetteer().bare_keys
        return any(" ".join(words[:n]).lower() in keys for n in range(2, len(words) + 1))
    return False


_CAP_BEFORE = re.compile(rf"(?<![\w])[{UP}][{LOW}]* $")


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
    name_end = trim_end(norm, m.start("name"), name_end)
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
    how: RoleMethod = "cue"
    if role == "other" and title_before(norm, m.start()):
        role, how = "official", "title"
    elif role == "other":
        role, how = _role_around(prep, m.start(), max(end, details.end))
    unit = _unit(titles, published, publisher) if titles else None
    surface = clean[m.start() : max(end, details.end)]
    return _build(surface, name, anonymised, (m.start(), max(end, details.end)), rank=rank,
                  titles=titles, role=role, details=details, unit=unit,
                  method="cue", role_method=how)  # fmt: skip


def _plain(
    span: tuple[int, int], prep: Prepared, published: date | None, method: PersonMethod
) -> PersonMention:
    """A person found with no cue word before the name: by its details or its shape."""
    norm, clean = prep.norm, prep.clean
    start, end = span
    name = clean[start:end]
    anonymised = _anonymised(name)
    if name.endswith(".") and not anonymised:
        name, end = name[:-1], end - 1
    titles, after = _titles(norm, clean, end)
    details = parse_details(norm, clean, after, published)
    stop = max(after, details.end)
    role: PersonRole = "other"
    how: RoleMethod = "none"
    if title_before(norm, start) or state_titles(titles):
        role, how = "official", "title"
    else:
        role, how = _role_around(prep, start, stop)
    return _build(clean[start:stop], name, anonymised, (start, stop), rank=None, titles=titles,
                  role=role, details=details, unit=None, method=method,
                  role_method=how)  # fmt: skip


def _role_around(prep: Prepared, start: int, end: int) -> tuple[PersonRole, RoleMethod]:
    """Role from what follows the mention, else from the nearest cue before it."""
    after = role_after(prep.norm, end)
    if after is not None:
        return after, "after"
    before = role_before(prep, start)
    return before, ("none" if before == "other" else "context")


def role_after(norm: str, pos: int) -> PersonRole | None:
    """Role from what the text says right after a mention ("… (32 tuổi) tử vong")."""
    m = _ROLE_AFTER.match(norm, pos)
    if m is None or m.lastgroup is None:
        return None
    role: PersonRole = m.lastgroup  # type: ignore[assignment]
    return role


_NAME_PARTS = re.compile(r"[ .]")
_INITIALS_ONLY = re.compile(_INITIALS)


# Shortened last syllables the press writes with a period: "Nguyễn Thị Bích Ng.", "Hà Thị Tr.".
_CLUSTERS = frozenset(["Ng", "Nh", "Ngh", "Tr", "Th", "Ch", "Ph", "Kh", "Gh", "Gi", "Qu"])


def _anonymised(name: str) -> bool:
    if name.endswith(".") and name[:-1].rsplit(" ", 1)[-1] in _CLUSTERS:
        return True
    return any(len(part.rstrip(".")) == 1 for part in _NAME_PARTS.split(name) if part)


def _build(
    surface: str, name: str, anonymised: bool, span: tuple[int, int], *, rank: str | None,
    titles: tuple[str, ...], role: PersonRole, details: Details, unit: UnitMention | None,
    method: PersonMethod, role_method: RoleMethod,
) -> PersonMention:  # fmt: skip
    return PersonMention(
        surface=surface, name=None if _initials_only(name) else name, rank=rank,
        titles=titles, role=role, birth_year=details.birth_year,
        birth_year_estimated=details.estimated, age=details.age, residence=details.residence,
        anonymised=anonymised, name_key=fold_key(name.rstrip(".")), unit=unit, span=span,
        method=method, role_method=role_method,
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
