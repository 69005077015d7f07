"""Person mentions of one text → persons (pure): repeated mentions merged, roles shared
along a list of names, birth years shared between the records of one name.

In: PersonMention tuples in text order (persons.py). Out: the merged tuple.
"""

from __future__ import annotations

import re
from dataclasses import replace

from scrapers.police.model import PersonMention
from scrapers.police.person_names import names
from scrapers.police.prep import cached_fold_key as fold_key

# Between two names of one list: "A, B và C", "A (SN 1990), B", "A; B".
_LIST_GAP = re.compile(r"\s*(?:,|;|và|cùng|,\s*và)\s*")
# Role methods that come from the person's own cue: they may lead a list.
_STRONG = ("cue", "title", "after", "list")
# Roles a list does not share: officials carry their own rank or title.
_UNSHARED = ("other", "official")
# Role methods that are guesses: a repeated name with one of them is the same person.
_WEAK = ("context", "none")


def merge(text: str, found: list[PersonMention]) -> tuple[PersonMention, ...]:
    """One record per (name, rank, role); a later bare given name joins its full name, a
    repeated name whose role is only guessed joins the person already found."""
    found = _share_list_details(text, _share_list_roles(text, found))
    out: list[PersonMention] = []
    index: dict[tuple[str, str | None, str], int] = {}
    for p in found:
        if _given_name_only(p):
            full = [i for i, o in enumerate(out) if _ends_with(o, p)]
            if full:  # "ông Hà" after "Trần Phú Hà": what it says about the role counts
                _take_role(out, full[-1], p)
                continue
        key = _key(p)
        if key not in index and p.name and p.role_method in _WEAK:
            same = next((i for i, o in enumerate(out) if o.name_key == p.name_key), None)
            if same is not None:
                _take_role(out, same, p)
                index[_key(out[same])] = same
                key = _key(out[same])
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
    return _share_birth_years(_fold_given_names(out))


def _take_role(out: list[PersonMention], i: int, p: PersonMention) -> None:
    """The role a later mention says, when the person found has none."""
    if out[i].role == "other" and p.role != "other":
        out[i] = replace(out[i], role=p.role, role_method=p.role_method)


def _key(p: PersonMention) -> tuple[str, str | None, str]:
    return (p.name_key or fold_key(p.surface), p.rank, p.role)


def _given_name_only(p: PersonMention) -> bool:
    """A given name without its family name: "Hà", "Phương Nga" (two syllables, the first
    not a family name)."""
    if not p.name or p.anonymised:
        return False
    parts = p.name.split(" ")
    return len(parts) == 1 or (len(parts) == 2 and parts[0] not in names().surnames)


def _ends_with(full: PersonMention, given: PersonMention) -> bool:
    return bool(full.name_key and full.name_key.endswith(" " + (given.name_key or "")))


def _fold_given_names(out: list[PersonMention]) -> list[PersonMention]:
    """A given name met before its full name ("bị cáo Phương Nga ... Trương Hồ Phương
    Nga") joins the full name too."""
    kept: list[PersonMention] = []
    for p in out:
        if not _given_name_only(p):
            kept.append(p)
        elif not any(_ends_with(o, p) for o in out if o is not p):
            # Not a full name (RULES: a given name alone is not a person's name): the
            # mention stays, its name is None like initials; name_key keeps the given name.
            two = p.name is not None and " " in p.name
            kept.append(replace(p, name=None) if two else p)
    return kept


def _share_list_roles(text: str, found: list[PersonMention]) -> list[PersonMention]:
    """Names listed after one role cue share it: "các bị can Nguyễn Văn A (SN 1990), Trần
    Văn B và Lê Văn C" are all accused."""
    out = list(found)
    for i in range(1, len(out)):
        prev, p = out[i - 1], out[i]
        if p.role_method in _STRONG or prev.role_method not in _STRONG or prev.role in _UNSHARED:
            continue
        gap = text[prev.span[1] : p.span[0]]
        if _LIST_GAP.fullmatch(gap) is not None and p.rank is None:
            out[i] = replace(p, role=prev.role, role_method="list")
    return out


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


def _shared_details(p: PersonMention) -> bool:
    """Details stated for the whole list: "A và B (cùng SN 1998, trú ...)"."""
    tail = p.surface[len(p.name or "") :].lstrip(" ,(")
    return tail.startswith("cùng ") and (p.birth_year is not None or p.age is not None)


def _share_list_details(text: str, found: list[PersonMention]) -> list[PersonMention]:
    """The names listed before "(cùng SN 1998)" / "(cùng 21 tuổi)" share that year or age."""
    out = list(found)
    for i in range(len(out) - 1, 0, -1):
        if not _shared_details(out[i]):
            continue
        src, j = out[i], i
        while j > 0 and _LIST_GAP.fullmatch(text[out[j - 1].span[1] : out[j].span[0]]):
            j -= 1
            p = out[j]
            if p.birth_year is None and p.age is None:
                out[j] = replace(p, birth_year=src.birth_year, age=src.age,
                                 birth_year_estimated=src.birth_year_estimated)  # fmt: skip
    return out
