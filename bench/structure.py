"""Police structuring against hand annotations: precision/recall per field, and speed.

Inputs are the golden texts in tests/golden/police/ (see README.md there): per text an
`<name>.input.json` (the fields of a parsed record, or a path to an HTML page) and an
`<name>.expected.json` written by hand. `structure_article` runs on each record; its
output is compared field by field with the annotation:

- persons: (name, rank) pairs; a name also seen without a rank counts once, with its rank;
  names compared case/tone-placement-insensitively, initials by their letters ("N.V.A.");
- persons.role (accepted roles per person) and persons.birth_year (±1 when the text gives
  an age, exact otherwise) on the persons found;
- crime articles: primary Criminal Code article of every non-administrative crime mention;
- provinces: (province as of the article date, 2025 province) of every place;
- units: department code when there is one, else the canonical unit name;
- genre (one label), topics (slugs), figures (value, unit), event dates (an annotated
  "YYYY-MM" matches any day of that month), legal actions (slugs).

Speed: the structuring step only (parsing excluded), on the same records cycled many times
(28 distinct texts per cycle, more than the 8–16 entry text caches of the extractors hold,
so no cache hit across records), in one process: CPU time per record and records/s per core
(best of several rounds; process time, so other load on the box does not count).

Run: python bench/structure.py [--rounds 5] [--cycles 20]

Real texts (issue 15), see bench/real_report.py and bench/structure_sweep.py:
  --real [--split dev|val|all] [--labels DIR] [--errors N]   adds the hand-labelled real set's
      scores after the synthetic ones (--real-only: without them);
  --sweep [--sweep-examples N] [--limit N]   trouble counts over the 2,100 corpus texts;
  --json   the figures as one JSON object instead of the text report.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapers.article import parse_article
from scrapers.police.model_events import CaseFeatures
from scrapers.police.structure import structure_article
from scrapers.records import ArticleRecord
from scrapers.text import fold_key, tone_key

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden" / "police"
FIELDS = (
    "persons",
    "persons.role",
    "persons.birth_year",
    "crime_articles",
    "provinces",
    "units",
    "genre",
    "topics",
    "figures",
    "event_dates",
    "legal_actions",
)
TARGETS = {"persons": (0.95, 0.90), "crime_articles": (0.95, 0.90), "provinces": (0.95, 0.90)}
TARGET_RECORDS_PER_S = 500.0


@dataclass(frozen=True)
class GoldenText:
    name: str
    record: ArticleRecord
    outlet_type: str
    publisher_province: str | None
    expected: dict[str, Any]

    def structure(self) -> dict[str, Any]:
        return structure_article(
            self.record, outlet_type=self.outlet_type, publisher_province=self.publisher_province
        )


def _record(spec: dict[str, Any], folder: Path) -> ArticleRecord:
    if "html" in spec:
        html = (folder / spec["html"]).read_text(encoding="utf-8")
        return parse_article(html, spec["url"])
    return ArticleRecord(
        url=spec["url"],
        canonical_url=spec["url"],
        title=spec["title"],
        lead=spec["lead"],
        paragraphs=tuple(spec["paragraphs"]),
        published_at=datetime.fromisoformat(spec["published_at"]),
    )


def load_golden(folder: Path = GOLDEN) -> list[GoldenText]:
    """Every `<name>.input.json` with its `<name>.expected.json`, sorted by name."""
    out: list[GoldenText] = []
    for path in sorted(folder.glob("*.input.json")):
        name = path.name.removesuffix(".input.json")
        spec = json.loads(path.read_text(encoding="utf-8"))
        expected = json.loads((folder / f"{name}.expected.json").read_text(encoding="utf-8"))
        out.append(
            GoldenText(
                name=name,
                record=_record(spec, folder),
                outlet_type=spec["outlet_type"],
                publisher_province=spec["publisher_province"],
                expected=expected,
            )
        )
    return out


# ---- keys -------------------------------------------------------------------------------


def person_key(name: str, anonymised: bool = False) -> str:
    """Comparable person name: tone key; initials by their folded letters ("nva")."""
    if anonymised or re.fullmatch(r"(?:\w\.\s?)+\w?\.?", name.strip()):
        return re.sub(r"[.\s]", "", fold_key(name))
    return " ".join(tone_key(name).split())


_PROVINCE_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.?)\s+")


def province_key(name: str | None) -> str | None:
    if not name:
        return None
    return _PROVINCE_PREFIX.sub("", " ".join(tone_key(name).split()))


def unit_key(name: str, code: str | None) -> str:
    return code if code else " ".join(tone_key(name).split())


def figure_key(value: float, unit: str) -> str:
    return f"{float(value):.6g}|{unit}"


def _predicted_persons(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Name key → {ranks, roles, birth_years} over every mention of that name."""
    people: dict[str, dict[str, Any]] = {}
    for p in out["persons"]:
        if p["name"]:
            key = person_key(p["name"])
        elif p["name_key"]:  # initials only ("N.V.A."): the letters are in name_key
            key = person_key(p["name_key"], anonymised=True)
        else:
            continue
        slot = people.setdefault(key, {"ranks": set(), "roles": set(), "years": set()})
        if p["rank"]:
            slot["ranks"].add(p["rank"])
        slot["roles"].add(p["role"])
        if p["birth_year"]:
            slot["years"].add(p["birth_year"])
    return people


def _accepted(value: str | list[str]) -> set[str]:
    return {value} if isinstance(value, str) else set(value)


# ---- per-text comparison ----------------------------------------------------------------


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)  # (text, "missed: …")

    def add(self, text: str, expected: set[str], predicted: set[str]) -> None:
        hit = expected & predicted
        self.tp += len(hit)
        self.fp += len(predicted - hit)
        self.fn += len(expected - hit)
        self.misses += [(text, f"missed {v}") for v in sorted(expected - hit)]
        self.misses += [(text, f"extra {v}") for v in sorted(predicted - hit)]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def compare(expected: dict[str, Any], out: dict[str, Any]) -> dict[str, tuple[set[str], set[str]]]:
    """Field → (expected values, predicted values) as comparable strings."""
    res: dict[str, tuple[set[str], set[str]]] = {}
    people = _predicted_persons(out)
    exp_people = expected["persons"]
    res["persons"] = (
        {f"{person_key(p['name'], p.get('anonymised', False))}|{p['rank']}" for p in exp_people},
        {f"{k}|{r}" for k, v in people.items() for r in (v["ranks"] or {None})},
    )
    found = {person_key(p["name"], p.get("anonymised", False)): p for p in exp_people}
    roles_exp, roles_got = set(), set()
    years_exp, years_got = set(), set()
    for key, p in found.items():
        if p["birth_year"]:
            years_exp.add(f"{key}|{p['birth_year']}")
        if key not in people:
            continue
        accepted = _accepted(p["role"])
        roles_exp.add(f"{key}|{'/'.join(sorted(accepted))}")
        got = people[key]["roles"]
        roles_got.add(
            f"{key}|{'/'.join(sorted(accepted))}"
            if got & accepted
            else f"{key}|{'/'.join(sorted(got))}"
        )
        tolerance = 1 if p.get("age") is not None else 0
        for year in people[key]["years"]:
            ok = p["birth_year"] and abs(year - p["birth_year"]) <= tolerance
            years_got.add(f"{key}|{p['birth_year'] if ok else year}")
    for key, v in people.items():  # birth years given to persons nobody annotated
        if key not in found:
            years_got |= {f"{key}|{y}" for y in v["years"]}
    res["persons.role"] = (roles_exp, roles_got)
    res["persons.birth_year"] = (years_exp, years_got)
    res["crime_articles"] = (
        set(expected["crime_articles"]),
        {c["article"] for c in out["crimes"] if c["article"] and not c["administrative"]},
    )
    res["provinces"] = (
        {
            f"{province_key(p['province'])}>{province_key(p['province_2025'])}"
            for p in expected["provinces"]
        },
        {
            f"{province_key(p['province'])}>{province_key(p['province_2025'])}"
            for p in out["places"]
            if p["province"] and p.get("role") != "listed"
        },
    )
    res["units"] = (
        {unit_key(u["name"], u["code"]) for u in expected["units"]},
        {unit_key(u["canonical_name"], u["code"]) for u in out["units"]},
    )
    res["genre"] = ({expected["genre"]}, {out["genre"]})
    res["topics"] = (set(expected["topics"]), {t["topic"] for t in out["topics"]})
    res["figures"] = (
        {figure_key(f["value"], f["unit"]) for f in expected["figures"]},
        {figure_key(f["value"], f["unit"]) for f in out["figures"]},
    )
    dates_exp = set(expected["event_times"])
    dates_got = set()
    for t in out["event_times"]:
        if t["start"]:
            day = t["start"][:10]
            dates_got.add(next((e for e in dates_exp if day.startswith(e)), day))
    res["event_dates"] = (dates_exp, dates_got)
    res["legal_actions"] = (
        set(expected["legal_actions"]),
        {a["action"] for a in out["legal_actions"]},
    )
    return res


def extra_checks(expected: dict[str, Any], out: dict[str, Any]) -> list[str]:
    """Annotated facts outside the P/R fields: press-term candidates, administrative
    violations, wanted-notice and scam-warning fields. Returns the misses."""
    misses: list[str] = []
    for item in expected.get("crime_multi", []):
        term = tone_key(item["term"])
        cands = [set(c["articles"]) for c in out["crimes"] if term in tone_key(c["surface"])]
        if not any(set(item["articles"]) <= c for c in cands):
            misses.append(f"crime_multi {item['term']}→{item['articles']}")
    if expected.get("administrative") and not any(c["administrative"] for c in out["crimes"]):
        misses.append("administrative violation not flagged")
    for kind in ("wanted", "scam"):
        want = expected.get(kind)
        if not want:
            continue
        got = out.get(kind) or {}
        for key, value in want.items():
            have = got.get(key)
            if isinstance(value, list):
                ok = isinstance(have, list) and set(value) <= set(have)
            else:
                ok = have == value
            if not ok:
                misses.append(f"{kind}.{key}: expected {value!r}, got {have!r}")
    return misses


def case_features(out: dict[str, Any]) -> CaseFeatures:
    c = out["case"]
    return CaseFeatures(
        event_date=c["event_date"],
        province=c["province"],
        person_keys=tuple(c["person_keys"]),
        articles=tuple(c["articles"]),
        quantities=tuple(c["quantities"]),
        blocking_keys=tuple(c["blocking_keys"]),
    )


def score(texts: Iterable[GoldenText]) -> tuple[dict[str, FieldScore], list[tuple[str, str]]]:
    scores = {f: FieldScore() for f in FIELDS}
    extras: list[tuple[str, str]] = []
    for t in texts:
        out = t.structure()
        for name, (exp, got) in compare(t.expected, out).items():
            scores[name].add(t.name, exp, got)
        extras += [(t.name, m) for m in extra_checks(t.expected, out)]
    return scores, extras


# ---- speed ------------------------------------------------------------------------------


def speed(texts: list[GoldenText], *, rounds: int, cycles: int) -> tuple[float, float]:
    """(best CPU ms per record, wall ms per record of that round)."""
    calls: list[Callable[[], dict[str, Any]]] = [t.structure for t in texts]
    for call in calls:  # warm the rule tables and the gazetteer once
        call()
    best_cpu, best_wall = float("inf"), float("inf")
    n = len(calls) * cycles
    for _ in range(rounds):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(cycles):
            for call in calls:
                call()
        cpu = (time.process_time() - cpu0) / n
        if cpu < best_cpu:
            best_cpu, best_wall = cpu, (time.perf_counter() - wall0) / n
    return best_cpu * 1000, best_wall * 1000


# ---- report -----------------------------------------------------------------------------


def synthetic_lines(rounds: int, cycles: int) -> tuple[list[str], dict[str, Any]]:
    """The synthetic goldens' section: per-field scores, speed, misses; and its figures."""
    texts = load_golden()
    scores, extras = score(texts)
    lines = [
        f"police structuring vs hand annotations: {len(texts)} texts ({GOLDEN})",
        f"{'field':<20} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}  target",
    ]
    for name in FIELDS:
        s = scores[name]
        target = TARGETS.get(name)
        mark = ""
        if target:
            ok = s.precision >= target[0] and s.recall >= target[1]
            mark = f"P≥{target[0]} R≥{target[1]} {'ok' if ok else 'MISSED'}"
        lines.append(
            f"{name:<20} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.precision:>9.3f} {s.recall:>7.3f}  {mark}"
        )
    cpu_ms, wall_ms = speed(texts, rounds=rounds, cycles=cycles)
    rate = 1000 / cpu_ms
    verdict = "ok" if rate >= TARGET_RECORDS_PER_S else "MISSED"
    lines.append(
        f"speed: {cpu_ms:.2f} ms CPU/record ({wall_ms:.2f} ms wall), {rate:.0f} records/s per core"
        f"  target ≥{TARGET_RECORDS_PER_S:.0f} {verdict}"
        f"  ({len(texts)} texts × {cycles} cycles, best of {rounds})"
    )
    lines.append("\nmisses (text: field missed/extra value):")
    for name in FIELDS:
        lines += [f"  {text}: {name} {what}" for text, what in scores[name].misses]
    lines += [f"  {text}: {what}" for text, what in extras]
    figures = {
        name: {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": s.precision, "recall": s.recall}
        for name, s in scores.items()
    }
    return lines, {"fields": figures, "cpu_ms_per_record": cpu_ms, "records_per_s": rate}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--real", action="store_true", help="also score the real labelled set")
    parser.add_argument("--real-only", action="store_true", help="the real set, no synthetic")
    parser.add_argument("--split", choices=("dev", "val", "all"), default="all")
    parser.add_argument("--labels", type=Path, default=None, help="label folder (real set)")
    parser.add_argument("--errors", type=int, default=None, help="errors listed per split")
    parser.add_argument("--sweep", action="store_true", help="whole-corpus sweep, no labels")
    parser.add_argument("--sweep-examples", type=int, default=0, help="examples per counter")
    parser.add_argument("--limit", type=int, default=None, help="sweep: first N texts only")
    parser.add_argument("--json", action="store_true", help="figures as one JSON object")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    sections: list[list[str]] = []
    figures: dict[str, Any] = {}
    if args.sweep:
        from bench.structure_sweep import sweep, sweep_lines

        result = sweep(limit=args.limit)
        sections.append(sweep_lines(result, args.sweep_examples))
        figures["sweep"] = result.figures()
    else:
        if not args.real_only:
            lines, figures["synthetic"] = synthetic_lines(args.rounds, args.cycles)
            sections.append(lines)
        if args.real or args.real_only:
            from bench.real_report import SPLITS, real_json, report_lines, score_real

            scores = score_real(args.labels) if args.labels else score_real()
            shown = (*SPLITS, "all") if args.split == "all" else (args.split,)
            head = f"real police set ({args.labels or 'tests/golden/police_real/labels'}):"
            sections.append(["", head, *report_lines(scores, shown, args.errors)])
            figures["real"] = {s: f for s, f in real_json(scores).items() if s in shown}
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return
    for lines in sections:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
