"""Records for the event side of police structuring (pure): classification, crimes, legal
steps, figures, event times, wanted notices, scam warnings, case-key features.

Every record keeps the `surface` text exactly as written (NFC) next to the resolved value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CrimeContext = Literal["incident", "charge", "summary", "warning", "general", "prior", "negated"]
# How a crime mention's `article` was chosen (see scrapers/police/crimes.py).
CrimeMethod = Literal[
    "quoted_charge", "charge_name", "frame", "article_number", "press_term", "resolved", "none"
]
Qualifier = Literal["=", ">", ">=", "<", "<=", "~"]
LegalMethod = Literal["phrase", "context", "bare"]
TimePrecision = Literal["minute", "hour", "part_of_day", "day", "month", "year"]


@dataclass(frozen=True, slots=True)
class Classification:
    """Relevance, genre and multi-label topics of one article."""

    relevance: float  # 0..1
    is_police_affairs: bool
    genre: str  # incident_report | case_progress | ... (see data/genre.toml)
    genre_confidence: float  # 0..1
    topics: tuple[tuple[str, float], ...]  # (slug, confidence), best first


@dataclass(frozen=True, slots=True)
class CrimeMention:
    """A crime (or administrative violation) named in the text."""

    surface: str  # as written: "tội phạm tín dụng đen", "Lừa đảo chiếm đoạt tài sản"
    label: str  # official offence name or press-term label
    article: str | None  # Criminal Code 2015 article when one is meant ("174"), else None
    articles: tuple[str, ...]  # every candidate article (press terms may map to several)
    chapter: str | None  # Roman numeral of the BLHS 2015 chapter ("XVI"), when known
    context: CrimeContext
    quoted_charge: bool  # the charge name was quoted after tội / hành vi
    administrative: bool  # an administrative violation (VPHC), not a crime
    start: int  # character offsets in the prepared (NFC) text
    end: int
    method: CrimeMethod  # how `article` was chosen; "none" when there is none
    confidence: float  # 0..1, of `article` (0 when None)


@dataclass(frozen=True, slots=True)
class LegalAction:
    """One procedural step: khởi tố bị can, bắt tạm giam, truy nã, xét xử, ..."""

    action: str  # slug from data/legal.toml ("khoi_to_bi_can")
    surface: str  # the verb phrase as written
    subjects: tuple[str, ...]  # names or initials as written ("Nguyễn Văn A", "N.V.A.")
    authority: str | None  # "Cơ quan CSĐT Công an tỉnh Thanh Hóa", as written
    start: int
    end: int
    # "phrase": the verb phrase names the step; "context": read from around a general verb
    # or from a mention implying it ("theo cáo trạng"); "bare": khoi_to, step not said.
    method: LegalMethod = "phrase"


@dataclass(frozen=True, slots=True)
class Figure:
    """A quantity: "hơn 2,7 kg heroin" → 2.7 kg, qualifier ">", subject "heroin"."""

    surface: str
    value: float  # scale words applied: "1,2 tỷ đồng" → 1.2e9
    unit: str  # "kg", "VND", "%", "vụ", "bị can", ...
    qualifier: Qualifier
    subject: str | None  # what is counted or weighed, when named right after the unit
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class EventTime:
    """A time in the text resolved against the publish date."""

    surface: str  # "Sáng 19-6", "khoảng 22h30 ngày 15/6", "rạng sáng cùng ngày"
    start: str | None  # ISO date "2020-06-19" or datetime "2020-06-15T22:30:00+07:00"
    precision: TimePrecision
    part_of_day: str | None  # sáng | trưa | chiều | tối | đêm | khuya | rạng sáng | ...
    year_inferred: bool  # the year came from the publish date, not the text
    relative: bool  # resolved from the previous time ("cùng ngày", "hôm sau")
    offset: int  # character offset in the prepared text


@dataclass(frozen=True, slots=True)
class WantedNotice:
    """Fields of a quyết định truy nã (domain notes §3.4); None where not stated."""

    name: str | None
    other_names: tuple[str, ...]
    birth_date: str | None  # as written ("12/03/1985") when a full date is given
    birth_year: int | None
    sex: str | None
    residence: str | None
    id_features: str | None
    charge: str | None  # offence label
    article: str | None
    decision_no: str | None
    decision_date: str | None  # as written
    issuing_authority: str | None
    contact_phone: str | None


@dataclass(frozen=True, slots=True)
class ScamWarning:
    """A scam warning: modus, channels, impersonated organisation, advice, amount lost."""

    modus: tuple[str, ...]  # slugs from data/notices.toml
    channels: tuple[str, ...]
    impersonated_org: str | None
    advice: tuple[str, ...]  # advice sentences as written
    amount_lost: float | None  # VND, largest amount stated


@dataclass(frozen=True, slots=True)
class CaseFeatures:
    """Features that link reports of one case across articles (see cases.py)."""

    event_date: str | None  # ISO date
    province: str | None  # province code in the 2025 scheme
    person_keys: tuple[str, ...]  # "nguyen van a|1990" (folded name | birth year or "?")
    articles: tuple[str, ...]  # Criminal Code articles, sorted
    quantities: tuple[str, ...]  # "2.7|kg|heroin", sorted
    blocking_keys: tuple[str, ...]  # index keys for candidate lookup
