"""Golden structured records (issue 6): the seed page and 27 synthetic police-news texts
in tests/golden/police/ (see README.md there).

1. `test_full_output`: `structure_article` output equals the reviewed
   `<name>.out.json`. Regenerate with
   `pytest tests/scrapers/police/test_golden_structure.py --regen-golden`, then review the diff.
2. `test_hand_annotations`: everything in the hand-written `<name>.expected.json` is found
   (persons with rank, birth years, crime articles, provinces, units, genre, topics, figures,
   event dates, legal actions, press-term candidates, administrative flag, wanted/scam
   fields), except the entries of KNOWN_MISSES — which must still be misses, so the table
   shrinks when the extractors improve. Extra (unannotated) values and person roles are
   measured by bench/structure.py, not asserted here.
3. `test_case_linking`: the two reports of one case link; unrelated cases do not.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.structure import GOLDEN, case_features, compare, extra_checks, load_golden
from scrapers.police.cases import same_case

pytestmark = pytest.mark.golden

TEXTS = {t.name: t for t in load_golden()}
CHECKED = (
    "persons",
    "persons.birth_year",
    "crime_articles",
    "provinces",
    "units",
    "genre",
    "topics",
    "figures",
    "event_dates",
    "legal_actions",
    "extra",
    "same_case",
)

# (text, field) → annotated values the extractors do not find yet. Values are in the
# comparison form of bench.structure.compare. Every entry is a real miss; fix the extractor,
# then delete the entry (the test fails while a listed miss is found again).
KNOWN_MISSES: dict[tuple[str, str], set[str]] = {
    # units: regiments of the mobile police are not a unit form.
    ("feature_young_soldiers_2023", "units"): {"trung đoàn cảnh sát cơ động bắc trung bộ"},
    # units: the gazetteer has no validity dates for district type changes (Bến Cát became a
    # city in 2023; in 2022 it was "thị xã Bến Cát").
    ("smuggling_binhduong_2022", "units"): {"công an thị xã bến cát"},
    # genre: period totals of fines ("Từ ngày 1/1 đến ngày 19/1 … xử phạt 1.136 trường hợp")
    # read as an incident report.
    ("drunk_driving_haiduong_2025", "genre"): {"summary_report"},
    # genre: a wanted person's surrender is classed as a wanted notice.
    ("wanted_surrender_hatinh_2022", "genre"): {"case_progress"},
    # topics: offline fraud and a general crime campaign get no trat_tu_xa_hoi topic.
    ("fraud_merged_hcm_2025", "topics"): {"trat_tu_xa_hoi"},
    ("tet_peak_summary_2021", "topics"): {"trat_tu_xa_hoi"},
}


def _out_path(name: str) -> Any:
    return GOLDEN / f"{name}.out.json"


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_full_output(name: str, regen_golden: bool) -> None:
    out = TEXTS[name].structure()
    path = _out_path(name)
    if regen_golden:
        path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    assert path.exists(), f"no golden for {name}: run with --regen-golden and review it"
    assert json.loads(json.dumps(out)) == json.loads(path.read_text(encoding="utf-8"))


def _missing(name: str) -> dict[str, set[str]]:
    text = TEXTS[name]
    out = text.structure()
    found = {f: exp - got for f, (exp, got) in compare(text.expected, out).items() if f in CHECKED}
    found["extra"] = set(extra_checks(text.expected, out))
    return {f: v for f, v in found.items() if v}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_hand_annotations(name: str) -> None:
    missing = _missing(name)
    known = {f: v for (text, f), v in KNOWN_MISSES.items() if text == name and f != "same_case"}
    unexpected = {f: v - known.get(f, set()) for f, v in missing.items()}
    assert not {f: v for f, v in unexpected.items() if v}, "annotated values not found"
    fixed = {f: v - missing.get(f, set()) for f, v in known.items()}
    assert not {f: v for f, v in fixed.items() if v}, "found now: remove from KNOWN_MISSES"


def test_known_misses_name_real_texts() -> None:
    assert {text for text, _ in KNOWN_MISSES} <= set(TEXTS)
    assert {field for _, field in KNOWN_MISSES} <= set(CHECKED)


def test_case_linking() -> None:
    features = {name: case_features(t.structure()) for name, t in TEXTS.items()}
    linked = [
        (name, other) for name, t in TEXTS.items() for other in t.expected.get("same_case_as", [])
    ]
    assert linked, "no same-case pair annotated"
    for name, other in linked:
        known = other in KNOWN_MISSES.get((name, "same_case"), set())
        assert same_case(features[name], features[other]) is not known, (name, other, known)
    # Other drug cases (another province, another person) do not link with that case.
    for name in {pair[0] for pair in linked} | {pair[1] for pair in linked}:
        for unrelated in ("nfd_drug_hcm_2022", "drug_summary_6months_2021"):
            assert not same_case(features[name], features[unrelated]), (name, unrelated)
