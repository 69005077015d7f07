"""`bench/structure.py --sweep`: the structuring over every corpus text, trouble counted
without labels (issue 15 item 5).

In: the 2,100 texts of `<shared>/corpus/police-texts/baomoi-2017.jsonl.gz` as records
(bench/real_corpus.py: published 2017-06-30, outlet "newspaper", no publisher province).
Out: counts per corpus filter (police-cues / weak-cues-only / no-police-cues / all), the
structuring's records/s (CPU time of `structure_article` alone, after one warm-up call that
loads the tables), and with `examples` a few
cases per counter (text id, value, the sentence holding it). Counters:

- persons: distinct full names (two syllables or more) per text.
- persons.common_word: a name that is a common word or a place, by any of
  - `.place`: the whole name (tone key) is the short name of a province, legacy district
    or commune of either scheme in scrapers/police/data (gazetteer): "Hai Bà Trưng";
  - `.word`: its first syllable is one of scrapers.police.lexicon.NOT_NAME (title, unit,
    time and function words: "Phòng", "Sau", "Tại"), or the name holds a cue phrase of the
    relevance, crime or legal-action tables (relevance.toml, crimes.toml, legal.toml);
  - `.phrase`: the name is written in lower case (same words, tone-insensitive, within
    one clause) at least PHRASE_MIN times in the corpus: a common phrase capitalised at a
    sentence start or in a glued caption ("Tuy Nhiên", "Cơ Quan").
- persons.cut_short: the name is followed in the text by one more capitalised syllable of
  NOT_NAME and then by punctuation or a lower-case word ("Hà Ngọc" of "Hà Ngọc Chiến –",
  "Nguyễn Văn" of "Nguyễn Văn Tỉnh, trú"): a given name that is also a stop word, cut off.
  Clause openers (CLAUSE_STARTS: "Theo", "Trong", ...) are left out: after a name they
  start a glued caption or sentence.
- persons.no_family_name: the first syllable is not a family name of lexicon.SURNAMES
  (35 common ones; rarer real family names are counted too: a lead, not an error count).
- crimes / crimes.no_article: distinct non-administrative crimes per text (label and
  article), and those with no Criminal Code article.
- places.inferred: districts and communes whose surface does not name their province (by
  its short name or a press alias of provinces.json: "TP.HCM"): the province was resolved,
  not read; `.outside_others`: of those, the province is
  none of the provinces of the article's other places; `.alone`: no other place to agree.
- relevance.near_threshold: relevance within ±NEAR of the threshold of relevance.toml.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bench.real_corpus import FILTERS, OUTLET_TYPE, corpus_record, iter_corpus, sentence_of
from bench.real_corpus import article_sentences as sentences_of
from scrapers.police.gazetteer import gazetteer
from scrapers.police.lexicon import LOW, NOT_NAME, SURNAMES, UP
from scrapers.police.rules import table
from scrapers.police.structure import structure_article
from scrapers.text import tone_key

PHRASE_MIN = 2
NEAR = 0.1
ROWS = (
    "texts", "police_affairs", "persons", "persons.common_word", "persons.common_word.place",
    "persons.common_word.word", "persons.common_word.phrase", "persons.cut_short",
    "persons.no_family_name",
    "crimes", "crimes.no_article", "places.inferred", "places.inferred.outside_others",
    "places.inferred.alone", "relevance.near_threshold",
)  # fmt: skip
EXAMPLE_ROWS = tuple(r for r in ROWS if r not in ("texts", "police_affairs", "persons", "crimes"))
_CLAUSE = re.compile(r"[^\w\s]+")
# NOT_NAME words that start a clause: after a name they begin a glued caption or sentence
# ("Đối tượng Nguyễn Văn A Theo tài liệu, ..."), they do not end a cut name.
CLAUSE_STARTS = frozenset(
    ("Theo", "Tại", "Trong", "Ngoài", "Khi", "Sau", "Với", "Và", "Của", "Các", "Những")
)


@dataclass(frozen=True)
class Example:
    text_id: str
    value: str
    sentence: str


@dataclass
class SweepResult:
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # filter → row → count
    examples: dict[str, list[Example]] = field(default_factory=dict)
    cpu_s: float = 0.0
    texts: int = 0
    flagged: set[tuple[str, str]] = field(default_factory=set)  # (text id, name key)

    def add(self, filter_: str, row: str, example: Example | None = None) -> None:
        self.counts.setdefault(filter_, Counter())[row] += 1
        if example is not None:
            self.examples.setdefault(row, []).append(example)

    def total(self, row: str) -> int:
        return sum(c[row] for c in self.counts.values())

    def figures(self) -> dict[str, Any]:
        rate = self.texts / self.cpu_s if self.cpu_s else None
        by_filter = {f: {r: self.counts.get(f, Counter())[r] for r in ROWS} for f in FILTERS}
        by_filter["all"] = {r: self.total(r) for r in ROWS}
        return {"records_per_s": rate, "cpu_s": self.cpu_s, "counts": by_filter}


# ---- word lists -------------------------------------------------------------------------


@cache
def place_names() -> frozenset[str]:
    """Tone keys of every province, district and commune short name (both schemes)."""
    gaz = gazetteer()
    names = {p.short for t in gaz.provinces.values() for p in t.values()}
    names |= {u.short for t in gaz.units.values() for u in t.values()}
    return frozenset(tone_key(n) for n in names if not n[-1].isdigit())


@cache
def cue_phrases() -> frozenset[str]:
    rel, crimes = table("relevance"), table("crimes")
    cues = [*rel["cues"], *rel["negative"], *crimes["charges"], *crimes["terms"]]
    cues += [c for phrases in table("legal")["actions"].values() for c in phrases]
    return frozenset(tone_key(c) for c in cues)


_NOT_NAME = frozenset(tone_key(w) for w in NOT_NAME)
_SURNAMES = frozenset(tone_key(w) for w in SURNAMES)


def _grams(words: list[str]) -> Iterable[str]:
    for i in range(len(words)):
        for j in range(i + 1, len(words) + 1):
            yield " ".join(words[i:j])


def cut_syllable(name: str, text: str) -> str | None:
    """The NOT_NAME syllable that follows `name` in `text` and ends a name run there."""
    after = re.compile(rf"(?<!\w){re.escape(name)} ([{UP}][{LOW}]*)(?=\s*[^\w\s]|\s*$|\s+[{LOW}])")
    for m in after.finditer(text):
        if m.group(1) in NOT_NAME and m.group(1) not in CLAUSE_STARTS:
            return m.group(1)
    return None


def word_kinds(name: str) -> list[str]:
    """The common-word rules (other than `.phrase`) a full name breaks."""
    key = tone_key(name)
    words = key.split()
    kinds = ["place"] if key in place_names() else []
    if words[0] in _NOT_NAME or any(g in cue_phrases() for g in _grams(words)):
        kinds.append("word")
    return kinds


def lower_counts(texts: Iterable[str], names: set[str]) -> Counter[str]:
    """How often each name key (tone key, 2+ words) is written in lower case in `texts`:
    runs of lower-case words within one clause (punctuation splits clauses)."""
    sizes = sorted({len(n.split()) for n in names})
    found: Counter[str] = Counter()
    for text in texts:
        for clause in _CLAUSE.split(text):
            words = [tone_key(w) if w.islower() else "" for w in clause.split()]
            for size in sizes:
                for i in range(len(words) - size + 1):
                    gram = words[i : i + size]
                    if all(gram) and (key := " ".join(gram)) in names:
                        found[key] += 1
    return found


# ---- sweep ------------------------------------------------------------------------------


def sweep(limit: int | None = None) -> SweepResult:
    result = SweepResult()
    threshold = float(table("relevance")["threshold"])
    texts: list[str] = []
    names: dict[str, list[tuple[str, str, str, list[str]]]] = {}  # key → (filter, id, name, sents)
    for n, text in enumerate(iter_corpus()):
        if limit is not None and n >= limit:
            break
        record = corpus_record(text)
        if n == 0:  # load the rule tables and the gazetteer outside the timing
            structure_article(record, outlet_type=OUTLET_TYPE)
        cpu = time.process_time()
        out = structure_article(record, outlet_type=OUTLET_TYPE)
        result.cpu_s += time.process_time() - cpu
        result.texts += 1
        texts.append("\n".join([text["title"], text["sapo"], text["body"]]))
        parts = sentences_of(record)
        _count_text(result, text, out, parts, threshold, names)
    for key, count in lower_counts(texts, set(names)).items():
        if count >= PHRASE_MIN:
            for filter_, text_id, name, parts in names[key]:
                value = f"{name} (lower case ×{count})"
                result.flagged.add((text_id, key))
                result.add(filter_, "persons.common_word.phrase", _ex(text_id, value, name, parts))
    _common_union(result, names)
    return result


def _ex(text_id: str, value: str, needle: str, parts: list[str]) -> Example:
    return Example(text_id, value, sentence_of(parts, needle))


def _count_text(
    result: SweepResult,
    text: dict[str, Any],
    out: dict[str, Any],
    parts: list[str],
    threshold: float,
    names: dict[str, list[tuple[str, str, str, list[str]]]],
) -> None:
    f, tid = text["filter"], text["id"]
    result.add(f, "texts")
    if out["is_police_affairs"]:
        result.add(f, "police_affairs")
    if abs(out["relevance"] - threshold) <= NEAR + 1e-9:
        result.add(f, "relevance.near_threshold", Example(tid, str(out["relevance"]), parts[0]))
    full_text = "\n".join([text["title"], text["sapo"], text["body"]])
    _persons(result, f, tid, out, parts, names, full_text)
    seen: set[tuple[str, str | None]] = set()
    for c in out["crimes"]:
        if c["administrative"] or (c["label"], c["article"]) in seen:
            continue
        seen.add((c["label"], c["article"]))
        result.add(f, "crimes")
        if not c["article"]:
            value = c["label"] if c["label"] == c["surface"] else f"{c['label']} ({c['surface']})"
            result.add(f, "crimes.no_article", _ex(tid, value, c["surface"], parts))
    _places(result, f, tid, out, parts)


def _persons(
    result: SweepResult,
    f: str,
    tid: str,
    out: dict[str, Any],
    parts: list[str],
    names: dict[str, list[tuple[str, str, str, list[str]]]],
    full_text: str,
) -> None:
    seen: set[str] = set()
    for p in out["persons"]:
        name = p["name"]
        if not name or len(name.split()) < 2 or (key := tone_key(name.rstrip("."))) in seen:
            continue
        seen.add(key)
        result.add(f, "persons")
        names.setdefault(key, []).append((f, tid, name, parts))
        for kind in word_kinds(name.rstrip(".")):
            result.flagged.add((tid, key))
            result.add(f, f"persons.common_word.{kind}", _ex(tid, name, p["surface"], parts))
        # A shortened name ("Đỗ Thị X.") ends at its period: nothing was cut.
        if not name.endswith(".") and (cut := cut_syllable(name, full_text)) is not None:
            result.add(f, "persons.cut_short", _ex(tid, f"{name} + {cut}", f"{name} {cut}", parts))
        if key.split()[0] not in _SURNAMES:
            result.add(f, "persons.no_family_name", _ex(tid, name, p["surface"], parts))


def _common_union(
    result: SweepResult, names: dict[str, list[tuple[str, str, str, list[str]]]]
) -> None:
    """persons.common_word: persons flagged by any of the three rules, each once."""
    for key, entries in names.items():
        for f, tid, name, parts in entries:
            if (tid, key) in result.flagged:
                result.add(f, "persons.common_word", _ex(tid, name, name, parts))


@cache
def _province_names(code: str) -> tuple[str, ...]:
    """Tone keys a text may name a legacy province by: its short name and press aliases."""
    gaz = gazetteer()
    short = gaz.provinces["legacy"][code].short
    return (tone_key(short), *(alias for alias, c in gaz.aliases.items() if c == code))


def _names_province(place: dict[str, Any]) -> bool:
    surface = tone_key(place["surface"])
    return any(name in surface for name in _province_names(place["province_code"]))


def _places(result: SweepResult, f: str, tid: str, out: dict[str, Any], parts: list[str]) -> None:
    places = [p for p in out["places"] if p["province_code"]]
    for i, p in enumerate(places):
        if p["kind"] not in ("district", "commune") or _names_province(p):
            continue
        value = f"{p['surface']} → {p['province']}"
        result.add(f, "places.inferred", _ex(tid, value, p["surface"], parts))
        others = {q["province_code"] for j, q in enumerate(places) if j != i}
        if not others:
            result.add(f, "places.inferred.alone", _ex(tid, value, p["surface"], parts))
        elif p["province_code"] not in others:
            other_names = sorted({q["province"] for j, q in enumerate(places) if j != i})
            shown = f"{value} (others: {', '.join(other_names)})"
            result.add(f, "places.inferred.outside_others", _ex(tid, shown, p["surface"], parts))


# ---- report -----------------------------------------------------------------------------


def sweep_lines(result: SweepResult, examples: int) -> list[str]:
    rate = result.texts / result.cpu_s if result.cpu_s else 0.0
    ms = 1000 * result.cpu_s / result.texts if result.texts else 0.0
    lines = [
        f"sweep: {result.texts} corpus texts, structuring {ms:.2f} ms CPU/record, "
        f"{rate:.0f} records/s per core",
        f"{'counter':<34}" + "".join(f"{f:>16}" for f in (*FILTERS, "all")),
    ]
    for row in ROWS:
        cells = [result.counts.get(f, Counter())[row] for f in FILTERS] + [result.total(row)]
        lines.append(f"{row:<34}" + "".join(f"{c:>16}" for c in cells))
    if examples > 0:
        for row in EXAMPLE_ROWS:
            found = result.examples.get(row, [])
            lines.append(f"\n{row}: {len(found)} (first {min(examples, len(found))})")
            lines += [f"  {e.text_id}  {e.value}  | {e.sentence}" for e in found[:examples]]
    return lines
