"""Record pieces for persons, police units and places (structuring stage contracts).

Frozen, slotted dataclasses. `surface` is the text as written (after NFC/whitespace
cleaning, see scrapers.text.clean_text); resolved values sit beside it. Offsets in `span`
index into clean_text(article_text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

UnitLevel = Literal["ministry", "province", "district", "commune", "other"]
PersonRole = Literal[
    "official", "suspect", "accused", "defendant", "victim", "wanted", "witness", "other"
]
# How a person was found: after a cue word (rank, role noun, honorific, "điều tra viên"),
# by the details after the name ("Nguyễn Văn A (SN 1990, trú ...)"), or by the name's shape
# alone (a capitalised run led by a family name, no cue word: a guess).
PersonMethod = Literal["cue", "details", "surname"]
# How the role was decided, strongest first: the cue word before the name ("bị can A"), an
# official title ("Giám đốc Sở Tư pháp A"), what the text says right after the name ("A tử
# vong"), the cue of the list the name is in, a legal step naming the person, the nearest
# role word earlier in the sentence (a guess), or nothing ("other" by default).
RoleMethod = Literal["cue", "title", "after", "list", "legal", "context", "none"]
# How the name was matched; "context": several units bear the name and the article's other
# places (or the publisher's province) decided; "implicit": no name, the publisher's province.
PlaceMethod = Literal["exact", "tone", "folded", "implicit", "alias", "context"]
# "event": where the reported events happened or the acting authority sits; "residence": a
# person's address or home town; "listed": one of a long list of provinces in the body.
PlaceRole = Literal["event", "residence", "listed"]
PlaceKind = Literal["province", "district", "commune", "economic_zone", "industrial_zone"]
Scheme = Literal["legacy", "2025"]


@dataclass(frozen=True, slots=True)
class UnitMention:
    """A police unit: "Phòng Cảnh sát hình sự (PC02)", "Công an tỉnh" (implicit)."""

    surface: str
    canonical_name: str
    level: UnitLevel
    code: str | None = None
    province: str | None = None  # short province name, in the scheme of the article date
    province_code: str | None = None
    implicit: bool = False  # province taken from the publisher, not from the text
    valid: bool = True  # False: a district-level unit named for a date after 2025-02-28
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class PersonMention:
    """One person as mentioned. Rank and titles belong to this mention, not the person."""

    surface: str
    name: str | None  # None when only initials are given
    rank: str | None = None  # canonical rank ("Đại úy"), §3.1
    titles: tuple[str, ...] = ()
    role: PersonRole = "other"
    birth_year: int | None = None
    birth_year_estimated: bool = False  # from age and publication year (±1)
    age: int | None = None
    residence: str | None = None
    anonymised: bool = False  # "N.V.A.", "anh H.": kept as written, never expanded
    name_key: str | None = None  # folded name (scrapers.text.fold_key)
    unit: UnitMention | None = None
    span: tuple[int, int] = (0, 0)
    method: PersonMethod = "cue"
    role_method: RoleMethod = "none"


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """An administrative place resolved as of the article date and mapped to 2025."""

    surface: str
    kind: PlaceKind
    scheme: Scheme  # which admin structure the mention was resolved in
    method: PlaceMethod
    province: str | None = None  # short name in the scheme of the article date
    province_code: str | None = None
    province_2025: str | None = None
    province_2025_code: str | None = None
    district: str | None = None  # legacy district ("Huyện Hoằng Hóa"), if any
    commune: str | None = None  # full commune name in `scheme` ("Xã Hoằng Quỳ")
    commune_code: str | None = None
    communes_2025: tuple[str, ...] = ()  # 2025 commune(s) it lies in / was merged into
    span: tuple[int, int] = (0, 0)
    role: PlaceRole = "event"
