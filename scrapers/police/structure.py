"""Structuring stage: a parsed ArticleRecord → its police-affairs structure (pure).

In: the record (title, lead, paragraphs, published_at) and the publisher's context (outlet
type, province, relevance threshold). Out: a plain dict under record.police with
`relevance`, `is_police_affairs`, `genre`, `topics`, `persons`, `units`, `places`,
`crimes`, `legal_actions`, `figures`, `event_times`, `wanted`, `scam`, `case` (the
case-linking features; the stored `case_id` and `story_id` are added by the worker).
Surface text is kept beside every resolved value.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from scrapers.police.cases import case_key_features
from scrapers.police.crimes import extract_crimes
from scrapers.police.figures import extract_figures
from scrapers.police.gazetteer import Province
from scrapers.police.genre import classify_article
from scrapers.police.legal import extract_legal_actions
from scrapers.police.model import PersonMention, PersonRole, PlaceMention
from scrapers.police.model_events import EventTime, LegalAction, WantedNotice
from scrapers.police.notices import extract_scam, extract_wanted
from scrapers.police.persons import extract_persons
from scrapers.police.places import extract_places, publisher_province_of
from scrapers.police.prep import cached_fold_key as fold_key
from scrapers.police.repeats import merge_figures, merge_legal_actions
from scrapers.police.times import extract_event_times
from scrapers.police.units import extract_units
from scrapers.records import ArticleRecord
from scrapers.text import text_prefix

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CASE_ROLES = frozenset({"suspect", "accused", "defendant", "wanted", "victim"})
STRUCTURE_VERSION = "4"
# Structuring reads at most this many characters of an article (title, lead and body
# joined). Real articles are far shorter (the longest of the 2,100 police-texts corpus
# texts: 19.6k characters), while a hostile 10 MB page cost minutes and gigabytes. The
# record keeps its whole text; its police object then says `truncated_at`: how many
# characters were read.
STRUCTURE_MAX_CHARS = 200_000


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """Dataclasses, tuples and nested values → JSON-ready dicts and lists."""
    if type(value) in _SCALARS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def article_text(record: ArticleRecord) -> str:
    return "\n".join([record.title, record.lead or "", *record.paragraphs])


def _publish_date(record: ArticleRecord) -> date | None:
    return record.published_at.astimezone(VN).date() if record.published_at else None


# Legal steps that say what their subjects are ("tạm giữ hình sự Tạ Văn Hưng" → suspect).
_ACTION_ROLES: dict[str, PersonRole] = {
    "bat_qua_tang": "suspect", "bat_khan_cap": "suspect", "tam_giu": "suspect",
    "khoi_to_bi_can": "accused", "bat_tam_giam": "accused", "de_nghi_truy_to": "accused",
    "truy_to": "accused", "xet_xu": "defendant", "truy_na": "wanted",
}  # fmt: skip


def _with_stated_facts(
    persons: tuple[PersonMention, ...],
    legal: tuple[LegalAction, ...],
    wanted: WantedNotice | None,
) -> tuple[PersonMention, ...]:
    """Persons completed from the legal steps naming them (role of a person with no role
    cue) and from a wanted notice's fields (birth year of the wanted person)."""
    roles: dict[str, PersonRole] = {}
    for action in legal:
        role = _ACTION_ROLES.get(action.action)
        for subject in action.subjects if role else ():
            roles.setdefault(fold_key(subject), role)  # type: ignore[arg-type]
    wanted_key = fold_key(wanted.name) if wanted and wanted.name and wanted.birth_year else None
    out = []
    for person in persons:
        key = fold_key(person.name) if person.name else None
        role = roles.get(key or "") if person.role == "other" else None
        year = wanted.birth_year if wanted and key and key == wanted_key else None
        role, year = role or person.role, person.birth_year or year
        same = role is person.role and year is person.birth_year  # most persons: as found
        how = "legal" if role is not person.role else person.role_method
        out.append(person if same else replace(person, role=role, birth_year=year, role_method=how))
    return tuple(out)


def _case_province(
    places: tuple[PlaceMention, ...], title_len: int, publisher: Province | None
) -> str | None:
    """2025 code of the province where the case happened: the publisher's province when
    the text names it; else the province named most often after the title (the lead and
    body tell where; a title may name the origin: "heroin từ Nghệ An về Thanh Hóa"), the
    first of those on a tie; else the first province named."""
    codes = [p.province_2025_code for p in places if p.province_2025_code]
    if not codes:
        return None
    if publisher is not None and (own := set(publisher.codes_2025) & set(codes)):
        return next(c for c in codes if c in own)
    body = [p.province_2025_code for p in places if p.province_2025_code and p.span[0] > title_len]
    if body:
        return max(body, key=lambda c: (body.count(c), -body.index(c)))
    return codes[0]


def _case(
    persons: tuple[PersonMention, ...],
    places: tuple[PlaceMention, ...],
    times: tuple[EventTime, ...],
    text_parts: dict[str, Any],
    publisher_province: str | None,
) -> dict[str, Any]:
    named = [(p.name, p.birth_year) for p in persons if p.name and p.role in CASE_ROLES]
    province = _case_province(places, text_parts["title_len"], text_parts["publisher"])
    # A day-precision time dates the incident; a month period ("từ tháng 3/2022") only
    # when there is none.
    dated = [t.start for t in times if t.start and t.precision not in ("month", "year")]
    dated = dated or [t.start for t in times if t.start]
    event_date = dated[0] if dated else None
    features = case_key_features(
        event_date=event_date,
        province=province or publisher_province,  # (a 2025 code, or the name as given)
        persons=named,
        crimes=text_parts["crimes"],
        figures=text_parts["figures"],
    )
    return dict(plain(features))


def structure_article(
    record: ArticleRecord,
    *,
    outlet_type: str = "newspaper",
    publisher_province: str | None = None,
    relevance_threshold: float | None = None,
) -> dict[str, Any]:
    text, truncated_at = text_prefix(article_text(record), STRUCTURE_MAX_CHARS)
    title = text_prefix(record.title, STRUCTURE_MAX_CHARS)[0]
    lead = text_prefix(record.lead or "", STRUCTURE_MAX_CHARS)[0]
    published = _publish_date(record)
    verdict = classify_article(title, lead, text, outlet_type=outlet_type)
    keep = verdict.is_police_affairs
    if relevance_threshold is not None:
        keep = verdict.relevance >= relevance_threshold
    legal = merge_legal_actions(extract_legal_actions(text))
    wanted = extract_wanted(text)
    persons = _with_stated_facts(
        extract_persons(text, published=published, publisher_province=publisher_province),
        legal,
        wanted,
    )
    places = extract_places(text, as_of=published, publisher_province=publisher_province)
    times = extract_event_times(text, published=record.published_at)
    parts = {
        "crimes": extract_crimes(text, published),
        "figures": merge_figures(extract_figures(text)),
        "title_len": len(" ".join(title.split())),
        "publisher": publisher_province_of(publisher_province, published),
    }
    structure = {
        "version": STRUCTURE_VERSION,
        "relevance": verdict.relevance,
        "is_police_affairs": keep,
        "genre": verdict.genre,
        "genre_confidence": verdict.genre_confidence,
        "topics": [{"topic": t, "confidence": c} for t, c in verdict.topics],
        "persons": plain(persons),
        "units": plain(
            extract_units(text, published=published, publisher_province=publisher_province)
        ),
        "places": plain(places),
        "crimes": plain(parts["crimes"]),
        "legal_actions": plain(legal),
        "figures": plain(parts["figures"]),
        "event_times": plain(times),
        "wanted": plain(wanted),
        "scam": plain(extract_scam(text)),
        "case": _case(persons, places, times, parts, publisher_province),
    }
    if truncated_at is not None:
        structure["truncated_at"] = truncated_at
    return structure


def with_police(
    record: ArticleRecord,
    *,
    outlet_type: str = "newspaper",
    publisher_province: str | None = None,
    relevance_threshold: float | None = None,
) -> ArticleRecord:
    police = structure_article(
        record,
        outlet_type=outlet_type,
        publisher_province=publisher_province,
        relevance_threshold=relevance_threshold,
    )
    return replace(record, police=police)
