"""Case-key features (pure): one record's event date, province, persons, crimes and figures
in; a stable CaseFeatures out, plus the rule that compares two of them.

Reports of one case (arrest → prosecution → trial; portal → cand.com.vn → provincial
paper) share few words but the same facts. Features, all normalised so that equal facts
give equal strings regardless of outlet style:
- event_date: ISO date of the first resolved event time (the incident, not publication);
- province: 2025-scheme province code (resolved by the places module);
- person_keys: "folded name|birth year" ("nguyen van a|1990"; "?" when the year is not
  stated); initials are kept as initials ("n.v.a.|?"), never expanded;
- articles: Criminal Code articles of the non-administrative crime mentions;
- quantities: "value|unit|subject" of figures that identify a case (drugs, money, counts of
  victims), values printed with up to 3 significant decimals.

How to compare two records (`case_similarity`):
1. a candidate must share a blocking key: (province, article), (province, person key) or
   (person key with birth year) — each a cheap index lookup;
2. the provinces differ (both known) → 0: not the same case;
3. score = 0.45 · person overlap (a key with birth year counts fully, without 0.5)
          + 0.2  · article overlap (Jaccard)
          + 0.2  · quantity overlap (any identical quantity → 1)
          + 0.15 · date agreement (same day 1, ±1 day 0.7, ±7 days 0.3; unknown 0.3);
4. link when score ≥ CASE_LINK_THRESHOLD (0.5): a shared named person with birth year plus
   one other agreeing fact, or, without persons, articles + quantities + date together.
Later stages of a case have later dates, so the date weighs least.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from scrapers.police.model_events import CaseFeatures, CrimeMention, Figure
from scrapers.text import fold_key

CASE_LINK_THRESHOLD = 0.5
# Units whose quantities identify a case; "%" and counts of documents do not.
_CASE_UNITS = frozenset(
    {"kg", "g", "tấn", "viên", "bánh", "gói", "tép", "lít", "VND", "USD", "khẩu", "quả",
     "bị can", "bị cáo", "đối tượng", "người", "nạn nhân", "tài khoản", "xe", "ô tô"}
)  # fmt: skip


def person_key(name: str, birth_year: int | None) -> str:
    """'Nguyễn Văn A', 1990 → 'nguyen van a|1990'."""
    return f"{' '.join(fold_key(name).split())}|{birth_year if birth_year else '?'}"


def quantity_key(figure: Figure) -> str:
    value = f"{figure.value:.3f}".rstrip("0").rstrip(".")
    return f"{value}|{figure.unit}|{figure.subject or ''}"


def case_key_features(
    *,
    event_date: date | str | None,
    province: str | None,
    persons: Iterable[tuple[str, int | None]],
    crimes: Iterable[CrimeMention],
    figures: Iterable[Figure],
) -> CaseFeatures:
    """Features for linking this record's case with other records (see module doc)."""
    day = event_date.isoformat() if isinstance(event_date, date) else event_date
    day = day[:10] if day else None
    keys = sorted({person_key(name, year) for name, year in persons if name.strip()})
    articles = sorted({c.article for c in crimes if c.article and not c.administrative})
    quantities = sorted({quantity_key(f) for f in figures if f.unit in _CASE_UNITS})
    return CaseFeatures(
        event_date=day,
        province=province,
        person_keys=tuple(keys),
        articles=tuple(articles),
        quantities=tuple(quantities),
        blocking_keys=_blocking(province, keys, articles),
    )


def _blocking(
    province: str | None, persons: Sequence[str], articles: Sequence[str]
) -> tuple[str, ...]:
    out: set[str] = set()
    where = province or "?"
    for article in articles:
        out.add(f"pa:{where}:{article}")
    for key in persons:
        out.add(f"pp:{where}:{key}")
        if not key.endswith("|?"):
            out.add(f"p:{key}")
    return tuple(sorted(out))


def case_similarity(a: CaseFeatures, b: CaseFeatures) -> float:
    """0..1 agreement of two records' case features (weights in the module doc)."""
    if a.province and b.province and a.province != b.province:
        return 0.0
    score = 0.45 * _person_overlap(a.person_keys, b.person_keys)
    score += 0.2 * _jaccard(set(a.articles), set(b.articles))
    score += 0.2 * (1.0 if set(a.quantities) & set(b.quantities) else 0.0)
    score += 0.15 * _date_agreement(a.event_date, b.event_date)
    return round(score, 3)


def same_case(a: CaseFeatures, b: CaseFeatures) -> bool:
    return case_similarity(a, b) >= CASE_LINK_THRESHOLD


def _person_overlap(a: Sequence[str], b: Sequence[str]) -> float:
    shared = set(a) & set(b)
    if any(not key.endswith("|?") for key in shared):
        return 1.0
    if shared:
        return 0.5
    names_a = {k.split("|")[0] for k in a}
    return 0.5 if names_a & {k.split("|")[0] for k in b} else 0.0


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _date_agreement(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.3
    days = abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    if days == 0:
        return 1.0
    return 0.7 if days <= 1 else 0.3 if days <= 7 else 0.0
