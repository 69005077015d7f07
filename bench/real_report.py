"""`bench/structure.py --real`: the structuring scored on the hand-labelled real police set.

In: the label folder (default tests/golden/police_real/labels), the manifest's splits and
the corpus texts (bench/real_corpus.py). Runs `structure_article` (the entry point behind
`with_police`, which the ingest calls) on each labelled text, scores it with
bench/real_score.py and prints per split (dev, val and both together, side by side) one
line per field with the counts, P/R/F1 or accuracy, and the issue-15 target with a
pass/FAIL mark; then the relevance confusion counts and the errors one per line (text id,
field, FP/FN/wrong, value, the sentence of the text where it occurs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.real_corpus import (
    LABELS,
    MANIFEST,
    OUTLET_TYPE,
    article_sentences,
    corpus_record,
    iter_corpus,
    load_labels,
)
from bench.real_score import ACC_FIELDS, PR_FIELDS, SplitScore, score_text
from scrapers.police.structure import structure_article

SPLITS = ("dev", "val")
# Issue 15 targets: (precision, recall) for set fields, accuracy for the others.
PR_TARGETS: dict[str, tuple[float | None, float | None]] = {
    "persons": (0.97, 0.95),
    "crime_articles": (0.97, 0.95),
    "provinces": (0.97, None),
    "legal_actions": (None, 0.95),
}
ACC_TARGETS = {"persons.rank": 0.98, "persons.birth_year": 0.98, "relevance": 0.98}
COLUMN = 44


def score_real(
    labels: Path = LABELS, manifest: Path = MANIFEST, corpus: Path | None = None
) -> dict[str, SplitScore]:
    """Split name ("dev", "val", "all") → its score; every labelled text is structured once."""
    wanted = {t.id: t for t in load_labels(labels, manifest)}
    scores = {name: SplitScore() for name in (*SPLITS, "all")}
    for text in iter_corpus(corpus):
        item = wanted.pop(text["id"], None)
        if item is None:
            continue
        record = corpus_record(text)
        out = structure_article(record, outlet_type=OUTLET_TYPE)
        parts = article_sentences(record)
        for name in (item.split, "all"):
            score_text(scores[name], item.id, item.label, out, parts)
    if wanted:
        raise ValueError(f"labelled ids not in the corpus: {', '.join(sorted(wanted))}")
    return scores


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def pr_figures(split: SplitScore, name: str) -> dict[str, Any]:
    s = split.pr[name]
    p, r = _ratio(s.tp, s.tp + s.fp), _ratio(s.tp, s.tp + s.fn)
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r else None
    target = PR_TARGETS.get(name)
    verdict = None
    if target:
        pairs = [(v, t) for v, t in ((p, target[0]), (r, target[1])) if t is not None]
        verdict = None if any(v is None for v, _ in pairs) else all(v >= t for v, t in pairs)  # type: ignore[operator]
    return {
        "tp": s.tp,
        "fp": s.fp,
        "fn": s.fn,
        "precision": p,
        "recall": r,
        "f1": f1,
        "pass": verdict,
    }


def acc_figures(split: SplitScore, name: str) -> dict[str, Any]:
    a = split.acc[name]
    target = ACC_TARGETS.get(name)
    value = a.accuracy
    verdict = None if target is None or value is None else value >= target
    return {
        "right": a.right, "total": a.total, "accuracy": value, "pass": verdict,
        "written_right": a.written_right, "written": a.written,
    }  # fmt: skip


def _mark(verdict: bool | None, has_target: bool) -> str:
    if not has_target:
        return ""
    return "n/a" if verdict is None else ("pass" if verdict else "FAIL")


def _pr_cell(f: dict[str, Any], has_target: bool) -> str:
    counts = f"{f['tp']}/{f['fp']}/{f['fn']}"
    figures = f"{_fmt(f['precision'])} {_fmt(f['recall'])} {_fmt(f['f1'])}"
    return f"{counts:>11} {figures} {_mark(f['pass'], has_target):<4}"


WRITTEN = ("persons.rank", "persons.birth_year")  # fields where a label may be null


def _acc_cell(f: dict[str, Any], has_target: bool, name: str) -> str:
    counts = f"{f['right']}/{f['total']}"
    written = f"(written {f['written_right']}/{f['written']})" if name in WRITTEN else ""
    return f"{counts:>11} {_fmt(f['accuracy'])} {written:<17} {_mark(f['pass'], has_target):<4}"


def _target_text(name: str) -> str:
    if name in PR_TARGETS:
        p, r = PR_TARGETS[name]
        return " ".join(t for t in (p and f"P≥{p}", r and f"R≥{r}") if t)
    return f"acc≥{ACC_TARGETS[name]}" if name in ACC_TARGETS else ""


def report_lines(
    scores: dict[str, SplitScore], shown: tuple[str, ...], errors: int | None
) -> list[str]:
    """The printed section: header, one line per field, confusion, ignored, errors
    (`shown`: the splits side by side)."""
    head = "".join(f"{f'{s} ({scores[s].texts} texts)':<{COLUMN}}" for s in shown)
    lines = [
        f"{'':<20}{head}target",
        f"{'field':<20}"
        + f"{'TP/FP/FN':>11} {'    P':>5} {'    R':>5} {'   F1':>5} mark".ljust(COLUMN)
        * len(shown),
    ]
    for name in PR_FIELDS:
        cells = "".join(
            _pr_cell(pr_figures(scores[s], name), name in PR_TARGETS).ljust(COLUMN) for s in shown
        )
        lines.append(f"{name:<20}{cells}{_target_text(name)}")
    lines.append(f"{'':<20}" + f"{'right/all':>11} {'  acc':>5}".ljust(COLUMN) * len(shown))
    for name in ACC_FIELDS:
        cells = "".join(
            _acc_cell(acc_figures(scores[s], name), name in ACC_TARGETS, name).ljust(COLUMN)
            for s in shown
        )
        lines.append(f"{name:<20}{cells}{_target_text(name)}")
    conf = "".join(
        f"{'TP {tp} FP {fp} FN {fn} TN {tn}'.format(**scores[s].confusion):<{COLUMN}}"
        for s in shown
    )
    ignored = "initials {initials}, one syllable {one_syllable}"
    ign = "".join(f"{ignored.format(**scores[s].ignored):<{COLUMN}}" for s in shown)
    lines += [f"{'relevance confusion':<20}{conf}", f"{'ignored predicted':<20}{ign}"]
    return lines + error_lines(scores, shown, errors)


def error_lines(
    scores: dict[str, SplitScore], shown: tuple[str, ...], errors: int | None
) -> list[str]:
    """Per split (not "all": it repeats them), the errors one a line, at most `errors`."""
    lines: list[str] = []
    for s in (x for x in shown if x != "all"):
        found = sorted(scores[s].errors, key=lambda e: (e.text_id, e.field, e.kind, e.value))
        cut = found if errors is None else found[:errors]
        lines.append(
            f"\nerrors, {s} split: {len(found)}"
            + (f" (first {len(cut)})" if len(cut) < len(found) else "")
        )
        lines += [f"  {e.line()}" for e in cut]
    return lines


def real_json(scores: dict[str, SplitScore]) -> dict[str, Any]:
    return {
        s: {
            "texts": score.texts,
            **{name: pr_figures(score, name) for name in PR_FIELDS},
            **{name: acc_figures(score, name) for name in ACC_FIELDS},
            "relevance_confusion": dict(score.confusion),
            "ignored_predicted": dict(score.ignored),
            "errors": [e.__dict__ for e in score.errors] if s != "all" else len(score.errors),
        }
        for s, score in scores.items()
    }
