"""Matching and counting of the real police set: one hand label against one structuring.

In: a label of tests/golden/police_real/labels/ (format in RULES.md there) and the dict
`structure_article` returns for the same text. Out: counts per field (added into a
`SplitScore`) and the errors, each with the value and the text's sentence holding it.

Comparison rules (names and provinces with bench/structure.py's keys: case- and
tone-placement-insensitive; a trailing period of a shortened name, "Nguyễn Văn T.", ignored):

- persons: the set of labelled names against the predicted names. Predicted persons with
  no full name (initials only, "N.V.A.") or a single syllable ("anh Hùng") are not persons
  under the labelling rules: neither credited nor counted as errors (counted apart, as
  `ignored`). A predicted name equal to an `optional_persons` name is ignored too.
- persons.rank / persons.birth_year / persons.role: accuracy over matched persons (a name
  in both sets; its predicted values are those of every mention of the name). Rank right
  when the predicted ranks are exactly the labelled one (none when the label has none).
  Birth year right when the predicted years are exactly the written one; when only an age
  is written, a single predicted year within (2017 - age) ± 1; none predicted when neither is
  written; a missing prediction where the label has a year or an age is wrong. Role right
  when a predicted role is one the label accepts.
- crime_articles, legal_actions: sets per text (Criminal Code articles of non-administrative
  crimes; legal-action slugs).
- provinces: (2017 province, 2025 province) pairs of every resolved place but those the
  record marks `role: "listed"` (named in passing in a long list of provinces); a pair right
  only when both names are; predicted pairs equal to an `optional_provinces` pair ignored.
  Residence places count: the labels put a residence in another province in
  `optional_provinces` and the event's own province in `provinces`.
  `provinces.2025` scores the 2025 names alone (what a consumer of the 2025 map sees).
- relevance: is_police_affairs against `relevant` (accuracy and confusion counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.real_corpus import YEAR, sentence_of
from bench.structure import FieldScore, _accepted, _predicted_persons, person_key, province_key
from scrapers.police.rules import table
from scrapers.text import tone_key

PR_FIELDS = ("persons", "crime_articles", "provinces", "provinces.2025", "legal_actions")
ACC_FIELDS = ("persons.rank", "persons.birth_year", "persons.role", "relevance")


@dataclass(frozen=True)
class RealError:
    text_id: str
    field: str
    kind: str  # "FP" | "FN" | "wrong"
    value: str
    sentence: str

    def line(self) -> str:
        return f"{self.text_id}  {self.field}  {self.kind}  {self.value}  | {self.sentence}"


@dataclass
class Accuracy:
    right: int = 0
    wrong: int = 0
    written_right: int = 0  # among labels with a value written (rank, year or age)
    written: int = 0

    @property
    def total(self) -> int:
        return self.right + self.wrong

    @property
    def accuracy(self) -> float | None:
        return self.right / self.total if self.total else None

    def add(self, ok: bool, written: bool = False) -> None:
        self.right += ok
        self.wrong += not ok
        self.written += written
        self.written_right += written and ok


@dataclass
class SplitScore:
    texts: int = 0
    pr: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in PR_FIELDS})
    acc: dict[str, Accuracy] = field(default_factory=lambda: {f: Accuracy() for f in ACC_FIELDS})
    confusion: dict[str, int] = field(default_factory=lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
    ignored: dict[str, int] = field(default_factory=lambda: {"initials": 0, "one_syllable": 0})
    errors: list[RealError] = field(default_factory=list)


def name_key(name: str) -> str:
    return person_key(name.strip().rstrip(".").strip())


def pair_key(place: dict[str, Any]) -> str:
    return f"{province_key(place['province'])}>{province_key(place['province_2025'])}"


def score_text(
    split: SplitScore, text_id: str, label: dict[str, Any], out: dict[str, Any], text: list[str]
) -> None:
    """Add one text's counts and errors to `split`; `text` is the text's sentences."""
    split.texts += 1
    _persons(split, text_id, label, out, text)
    _crimes(split, text_id, label, out, text)
    _provinces(split, text_id, label, out, text)
    _legal(split, text_id, label, out, text)
    _relevance(split, text_id, label, out, text)


Shown = dict[str, tuple[str, str]]  # comparison key → (value shown, needle of its sentence)


def _add(
    split: SplitScore, name: str, text_id: str, exp: Shown, got: Shown, text: list[str]
) -> None:
    """Score one P/R field; list its FN and FP with their sentences."""
    split.pr[name].add(text_id, set(exp), set(got))
    found = [("FN", exp[k]) for k in sorted(set(exp) - set(got))]
    found += [("FP", got[k]) for k in sorted(set(got) - set(exp))]
    for kind, (value, needle) in found:
        split.errors.append(RealError(text_id, name, kind, value, sentence_of(text, needle)))


def _full_persons(split: SplitScore, out: dict[str, Any]) -> dict[str, Any]:
    kept = []
    for p in out["persons"]:
        if not p["name"]:
            split.ignored["initials"] += 1
        elif len(p["name"].split()) < 2:
            split.ignored["one_syllable"] += 1
        else:
            kept.append(p)
    return {"persons": kept}


def _persons(
    split: SplitScore, text_id: str, label: dict[str, Any], out: dict[str, Any], text: list[str]
) -> None:
    full = _full_persons(split, out)
    people = {name_key(k): v for k, v in _predicted_persons(full).items()}
    shown = {name_key(p["name"]): (p["name"], p["surface"]) for p in reversed(full["persons"])}
    exp = {name_key(p["name"]): p for p in label["persons"]}
    optional = {name_key(n) for n in label["optional_persons"]} - set(exp)
    got = {k: shown[k] for k in people if k not in optional}
    _add(split, "persons", text_id, {k: (p["name"],) * 2 for k, p in exp.items()}, got, text)
    for key in sorted(set(exp) & set(people)):
        _matched(split, text_id, exp[key], people[key], text)


def _matched(
    split: SplitScore, text_id: str, p: dict[str, Any], got: dict[str, Any], text: list[str]
) -> None:
    checks = (
        ("persons.rank", rank_ok(p["rank"], got["ranks"]), p["rank"] is not None),
        ("persons.birth_year", year_ok(p["birth_year"], p["age"], got["years"]), _written(p)),
        ("persons.role", bool(got["roles"] & _accepted(p["role"])), True),
    )
    values = {
        "persons.rank": (p["rank"], sorted(got["ranks"])),
        "persons.birth_year": (f"{p['birth_year']} age {p['age']}", sorted(got["years"])),
        "persons.role": (p["role"], sorted(got["roles"])),
    }
    for name, ok, written in checks:
        split.acc[name].add(ok, written)
        if not ok:
            want, have = values[name]
            value = f"{p['name']}: label {want}, got {have}"
            split.errors.append(
                RealError(text_id, name, "wrong", value, sentence_of(text, p["name"]))
            )


def _written(p: dict[str, Any]) -> bool:
    return p["birth_year"] is not None or p["age"] is not None


def rank_ok(rank: str | None, predicted: set[str]) -> bool:
    want = {tone_key(rank)} if rank else set()
    return {tone_key(r) for r in predicted} == want


def year_ok(birth_year: int | None, age: int | None, predicted: set[int]) -> bool:
    if birth_year is not None:
        return predicted == {birth_year}
    if age is not None:
        return len(predicted) == 1 and abs(next(iter(predicted)) - (YEAR - age)) <= 1
    return not predicted


def _crimes(
    split: SplitScore, text_id: str, label: dict[str, Any], out: dict[str, Any], text: list[str]
) -> None:
    exp = {str(a): (str(a), "") for a in label["crime_articles"]}
    got: Shown = {}
    for c in out["crimes"]:
        if c["article"] and not c["administrative"]:
            got.setdefault(c["article"], (f"{c['article']} ({c['label']})", c["surface"]))
    _add(split, "crime_articles", text_id, exp, got, text)


def _pair(place: dict[str, Any]) -> str:
    return f"{place['province']} > {place['province_2025']}"


def _provinces(
    split: SplitScore, text_id: str, label: dict[str, Any], out: dict[str, Any], text: list[str]
) -> None:
    places = [p for p in out["places"] if p["province"] and p.get("role") != "listed"]
    optional = {pair_key(p) for p in label["optional_provinces"]}
    exp = {pair_key(p): (_pair(p), p["province"]) for p in label["provinces"]}
    got = {pair_key(p): (_pair(p), p["surface"]) for p in reversed(places)}
    got = {k: v for k, v in got.items() if k not in optional or k in exp}
    _add(split, "provinces", text_id, exp, got, text)
    optional_2025 = {province_key(p["province_2025"]) for p in label["optional_provinces"]}
    exp_2025 = {province_key(p["province_2025"]) or "": "" for p in label["provinces"]}
    got_2025 = {province_key(p["province_2025"]) or "": "" for p in places}
    got_2025 = {k: v for k, v in got_2025.items() if k not in optional_2025 or k in exp_2025}
    split.pr["provinces.2025"].add(text_id, set(exp_2025), set(got_2025))


def _legal(
    split: SplitScore, text_id: str, label: dict[str, Any], out: dict[str, Any], text: list[str]
) -> None:
    cues = table("legal")["actions"]
    exp = {
        a: (a, next((c for c in cues.get(a, ()) if sentence_of(text, c)), ""))
        for a in label["legal_actions"]
    }
    got = {a["action"]: (a["action"], a["surface"]) for a in reversed(out["legal_actions"])}
    _add(split, "legal_actions", text_id, exp, got, text)


def _relevance(
    split: SplitScore, text_id: str, label: dict[str, Any], out: dict[str, Any], text: list[str]
) -> None:
    want, got = bool(label["relevant"]), bool(out["is_police_affairs"])
    split.confusion[("t" if want == got else "f") + ("p" if got else "n")] += 1
    split.acc["relevance"].add(want == got, True)
    if want != got:
        value = f"label {want}, got {got} (relevance {out['relevance']})"
        split.errors.append(
            RealError(text_id, "relevance", "wrong", value, text[0] if text else "")
        )
