"""Extraction quality benchmark: our parser against trafilatura (a bench/test-only dependency).

Part A — Vietnamese goldens (tests/golden/articles/<name>.json, pages located as the golden
test does): per field, ours vs trafilatura side by side — title exact, lead exact, authors
set, published_at to the minute (and to the day, trafilatura's precision), body paragraph
F1 and token F1, captions F1 — plus pages/s (extraction only, several repetitions).

Part B — generic pages (../shared/corpus/generic-eval/): article text scored with the
set's rule (with/without segments → TP/FN/FP/TN, precision, recall, F1, accuracy) for
`parse_article` and for `trafilatura.extract` with default settings, plus pages/s. The
text we score is the article text a record delivers: lead + "\\n" + "\\n".join(paragraphs)
(decided for issue 3: the lead is article text, and trafilatura's output keeps the intro
too) — the headline "ours lead+body" line. "ours body-only" (paragraphs without the lead)
stays printed as a secondary line. A page that raises finds nothing.

    python bench/extract.py [--part a|b|both] [--limit N] [--repeat R] [--json]
                            [--failures FILE]

--failures FILE writes the generic-eval pages where our lead+body text loses most against
trafilatura (their "with" segments we miss, "without" segments we keep) to FILE.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura

from bench.scoring import (
    SegmentCounts,
    exact,
    paragraph_f1,
    same_day,
    same_minute,
    same_set,
    score_segments,
    split_authors,
    split_paragraphs,
    token_f1,
)
from scrapers.article import parse_article
from scrapers.encoding import decode_html
from scrapers.records import ArticleRecord
from tests.scrapers.test_golden_articles import CASES, FETCHED, GOLDEN

REPO = Path(__file__).resolve().parents[1]
NA = None  # a field the extractor does not have


def shared_dir() -> Path:
    """Same rule as tests/conftest.py: NEWSWORKER_SHARED_DIR, else ../shared."""
    env = os.environ.get("NEWSWORKER_SHARED_DIR")
    return Path(env) if env else REPO.parent / "shared"


# --------------------------------------------------------------------------- Part A


@dataclass(frozen=True, slots=True)
class GoldenPage:
    name: str
    url: str
    page: bytes
    expected: dict[str, Any]
    selectors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Fields:
    """What one extractor produced for one page; None for a field it does not have."""

    title: str | None
    lead: str | None
    authors: list[str] | None
    published_at: datetime | None
    published_day: date | None
    paragraphs: list[str]
    captions: list[str] | None
    has_lead: bool = True
    has_minute: bool = True


def load_goldens() -> tuple[list[GoldenPage], list[str]]:
    """Every <name>.json under the golden dir whose page can be found; skipped names too."""
    cases = {case.name: case for case in CASES}
    corpus_pages = shared_dir() / "corpus" / "pages"
    pages: list[GoldenPage] = []
    skipped: list[str] = []
    for path in sorted(GOLDEN.glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        case = cases.get(path.stem)
        if case is not None and case.corpus_file is not None:
            page_path = corpus_pages / case.corpus_file
        else:
            page_path = GOLDEN / f"{path.stem}.html"
        if not page_path.exists():
            skipped.append(f"{path.stem}: page not found ({page_path})")
            continue
        url = case.url if case is not None else expected["url"]
        selectors = dict(case.selectors) if case is not None else {}
        pages.append(GoldenPage(path.stem, url, page_path.read_bytes(), expected, selectors))
    return pages, skipped


def run_ours(page: GoldenPage) -> ArticleRecord:
    return parse_article(page.page, page.url, selectors=page.selectors or None, fetched_at=FETCHED)


def run_trafilatura_meta(page: GoldenPage) -> Any:
    return trafilatura.bare_extraction(page.page, url=page.url, with_metadata=True)


def ours_fields(record: ArticleRecord) -> Fields:
    published = record.published_at
    return Fields(
        title=record.title,
        lead=record.lead,
        authors=list(record.authors),
        published_at=published,
        published_day=published.date() if published else None,
        paragraphs=list(record.paragraphs),
        captions=[c.text for c in record.captions],
    )


def trafilatura_fields(document: Any) -> Fields:
    if document is None:
        return Fields(None, NA, [], None, None, [], NA, has_lead=False, has_minute=False)
    raw_date = getattr(document, "date", None)
    return Fields(
        title=document.title,
        lead=NA,
        authors=split_authors(document.author),
        published_at=None,
        published_day=date.fromisoformat(raw_date[:10]) if raw_date else None,
        paragraphs=split_paragraphs(document.text),
        captions=NA,
        has_lead=False,
        has_minute=False,
    )


def expected_fields(expected: dict[str, Any]) -> Fields:
    raw = expected.get("published_at")
    published = datetime.fromisoformat(raw) if raw else None
    return Fields(
        title=expected.get("title"),
        lead=expected.get("lead"),
        authors=list(expected.get("authors") or []),
        published_at=published,
        published_day=published.date() if published else None,
        paragraphs=list(expected.get("paragraphs") or []),
        captions=[c["text"] for c in expected.get("captions") or []],
    )


# Field rows of the Part A table: (label, kind) where kind "bool" = share of pages right,
# "f1" = mean F1 over pages.
FIELD_ROWS: tuple[tuple[str, str], ...] = (
    ("title exact", "bool"),
    ("lead exact", "bool"),
    ("authors set", "bool"),
    ("published_at minute", "bool"),
    ("published_at day", "bool"),
    ("body paragraph F1", "f1"),
    ("body token F1", "f1"),
    ("lead+body paragraph F1", "f1"),
    ("lead+body token F1", "f1"),
    ("captions F1", "f1"),
)


def score_fields(got: Fields, gold: Fields) -> dict[str, float | None]:
    """One page: field label → 1.0/0.0 (bool rows) or F1, None where the extractor has no
    such field."""
    with_lead = [gold.lead or "", *gold.paragraphs]
    got_with_lead = [got.lead or "", *got.paragraphs]
    return {
        "title exact": float(exact(got.title, gold.title)),
        "lead exact": float(exact(got.lead, gold.lead)) if got.has_lead else None,
        "authors set": float(same_set(got.authors or [], gold.authors or [])),
        "published_at minute": (
            float(same_minute(got.published_at, gold.published_at)) if got.has_minute else None
        ),
        "published_at day": float(same_day(got.published_day, gold.published_day)),
        "body paragraph F1": paragraph_f1(got.paragraphs, gold.paragraphs).f1,
        "body token F1": token_f1(got.paragraphs, gold.paragraphs).f1,
        "lead+body paragraph F1": paragraph_f1(got_with_lead, with_lead).f1,
        "lead+body token F1": token_f1(got_with_lead, with_lead).f1,
        "captions F1": (
            paragraph_f1(got.captions, gold.captions or []).f1 if got.captions is not None else None
        ),
    }


def mean_or_none(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def pages_per_second(run: Callable[[Any], Any], items: Sequence[Any], repeat: int) -> float:
    """Time `run` over all items, `repeat` times; extraction only."""
    elapsed = 0.0
    for _ in range(repeat):
        for item in items:
            start = time.perf_counter()
            run(item)
            elapsed += time.perf_counter() - start
    return len(items) * repeat / elapsed if elapsed else 0.0


def part_a(repeat: int) -> dict[str, Any]:
    pages, skipped = load_goldens()
    per_page: dict[str, dict[str, dict[str, float | None]]] = {}
    for page in pages:
        gold = expected_fields(page.expected)
        per_page[page.name] = {
            "ours": score_fields(ours_fields(run_ours(page)), gold),
            "trafilatura": score_fields(trafilatura_fields(run_trafilatura_meta(page)), gold),
        }
    summary = {
        tool: {
            label: mean_or_none([per_page[p][tool][label] for p in per_page])
            for label, _ in FIELD_ROWS
        }
        for tool in ("ours", "trafilatura")
    }
    speed = {
        "ours": pages_per_second(run_ours, pages, repeat),
        "trafilatura": pages_per_second(run_trafilatura_meta, pages, repeat),
    }
    return {
        "pages": len(pages),
        "skipped": skipped,
        "summary": summary,
        "per_page": per_page,
        "pages_per_s": speed,
        "repeat": repeat,
    }


def _cell(value: float | None, kind: str, pages: int) -> str:
    if value is None:
        return "n/a"
    if kind == "bool":
        return f"{round(value * pages)}/{pages} ({value:.0%})"
    return f"{value:.3f}"


def print_part_a(result: dict[str, Any]) -> None:
    pages = result["pages"]
    print(f"Part A — Vietnamese goldens: {pages} pages")
    for note in result["skipped"]:
        print(f"  skipped {note}")
    print(f"  {'field':<24} {'ours':>14} {'trafilatura':>14}")
    for label, kind in FIELD_ROWS:
        ours = _cell(result["summary"]["ours"][label], kind, pages)
        theirs = _cell(result["summary"]["trafilatura"][label], kind, pages)
        print(f"  {label:<24} {ours:>14} {theirs:>14}")
    speed = result["pages_per_s"]
    print(
        f"  {'pages/s':<24} {speed['ours']:>14.1f} {speed['trafilatura']:>14.1f}"
        f"   ({result['repeat']} repetitions; trafilatura with metadata)"
    )
    print("  trafilatura gives dates to the day only and has no lead or caption field; the")
    print("  lead+body rows score lead and body together, as a generic extractor outputs them.")
    print("  misses per page (fields below 1.0):")
    for name, tools in result["per_page"].items():
        for tool, scores in tools.items():
            misses = [f"{k}={v:.2f}" for k, v in scores.items() if v is not None and v < 1.0]
            print(f"    {name:<28} {tool:<12} {', '.join(misses) or '-'}")


# --------------------------------------------------------------------------- Part B


@dataclass(frozen=True, slots=True)
class EvalPage:
    url: str
    file: str
    with_: list[str]
    without: list[str]
    html: str


@dataclass(slots=True)
class ToolRun:
    """One extractor over the generic-eval pages."""

    counts: SegmentCounts = field(default_factory=SegmentCounts)
    per_page: list[SegmentCounts] = field(default_factory=list)
    bodies: list[str | None] = field(default_factory=list)
    raised: list[str | None] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def record(self, page: EvalPage, body: str | None, error: BaseException | None) -> None:
        counts = score_segments(body, page.with_, page.without)
        self.raised.append(f"{type(error).__name__}: {error}" if error else None)
        if error is not None:
            name = type(error).__name__
            self.errors[name] = self.errors.get(name, 0) + 1
        self.counts.add(counts)
        self.per_page.append(counts)
        self.bodies.append(body)

    def summary(self, pages: int) -> dict[str, Any]:
        c = self.counts
        return {
            "tp": c.tp,
            "fn": c.fn,
            "fp": c.fp,
            "tn": c.tn,
            "precision": c.precision,
            "recall": c.recall,
            "f1": c.f1,
            "accuracy": c.accuracy,
            "pages_per_s": pages / self.seconds if self.seconds else 0.0,
            "errors": dict(self.errors),
        }


def eval_dir() -> Path:
    return shared_dir() / "corpus" / "generic-eval"


def load_eval(limit: int | None) -> list[EvalPage]:
    base = eval_dir()
    data = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    items = list(data.items())[:limit] if limit else list(data.items())
    pages = []
    for url, item in items:
        raw = gzip.decompress((base / "pages" / f"{item['file']}.gz").read_bytes())
        html = decode_html(raw, None).text
        pages.append(EvalPage(url, item["file"], item["with"], item["without"], html))
    return pages


def _timed(
    call: Callable[[str, str], Any], page: EvalPage
) -> tuple[Any, float, BaseException | None]:
    """Run one extractor on one page; the wall time of the call only."""
    start = time.perf_counter()
    try:
        value = call(page.html, page.url)
    except Exception as exc:  # noqa: BLE001 — a failing page is scored, not fatal
        return None, time.perf_counter() - start, exc
    return value, time.perf_counter() - start, None


OURS = "ours lead+body"  # the headline figure
OURS_BODY = "ours body-only"


def _ours_generic(html: str, url: str) -> ArticleRecord:
    return parse_article(html, url)


def _trafilatura_generic(html: str, url: str) -> str | None:
    result: str | None = trafilatura.extract(html, url=url)
    return result


def run_generic(pages: Sequence[EvalPage]) -> dict[str, ToolRun]:
    runs = {OURS: ToolRun(), "trafilatura": ToolRun(), OURS_BODY: ToolRun()}
    for page in pages:
        record, seconds, error = _timed(_ours_generic, page)
        runs[OURS].seconds += seconds
        runs[OURS].record(page, article_text(record) if record else None, error)
        runs[OURS_BODY].record(page, "\n".join(record.paragraphs) if record else None, error)
        text, seconds, error = _timed(_trafilatura_generic, page)
        runs["trafilatura"].seconds += seconds
        runs["trafilatura"].record(page, text, error)
    runs[OURS_BODY].seconds = runs[OURS].seconds
    return runs


def article_text(record: ArticleRecord) -> str:
    """The article text a record delivers: lead, then the paragraphs."""
    return "\n".join([record.lead or "", *record.paragraphs])


def part_b(limit: int | None) -> tuple[dict[str, Any], list[EvalPage], dict[str, ToolRun]]:
    pages = load_eval(limit)
    runs = run_generic(pages)
    result = {
        "pages": len(pages),
        "tools": {name: run.summary(len(pages)) for name, run in runs.items()},
    }
    return result, pages, runs


def print_part_b(result: dict[str, Any]) -> None:
    print(f"Part B — generic-eval: {result['pages']} pages (segment rule of its README)")
    header = ("tool", "TP", "FN", "FP", "TN", "prec", "recall", "F1", "acc", "pages/s")
    print("  {:<16} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>8}".format(*header))
    for name, s in result["tools"].items():
        print(
            f"  {name:<16} {s['tp']:>6} {s['fn']:>6} {s['fp']:>6} {s['tn']:>6}"
            f" {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"
            f" {s['accuracy']:>6.3f} {s['pages_per_s']:>8.1f}"
        )
    for name, s in result["tools"].items():
        if s["errors"]:
            print(f"  {name} raised on: {s['errors']}")
    print(f"  '{OURS}' is the figure: the article text a record delivers (lead + paragraphs,")
    print(f"  as trafilatura keeps the intro); '{OURS_BODY}' (paragraphs only) for information.")


# --------------------------------------------------------------------------- Part C


def _loss(ours: SegmentCounts, theirs: SegmentCounts) -> int:
    return (theirs.tp - ours.tp) + (ours.fp - theirs.fp)


def write_failures(path: Path, pages: Sequence[EvalPage], runs: dict[str, ToolRun]) -> int:
    """Write the pages ranked by how much worse we do than trafilatura; return their count."""
    ours, theirs = runs[OURS].per_page, runs["trafilatura"].per_page
    ranked = sorted(
        range(len(pages)),
        key=lambda i: (-_loss(ours[i], theirs[i]), -(ours[i].fn + ours[i].fp), pages[i].file),
    )
    blocks: list[str] = []
    for i in ranked:
        loss = _loss(ours[i], theirs[i])
        if loss <= 0:
            break
        blocks.append(_failure_block(pages[i], runs[OURS], i, theirs[i], loss))
    header = (
        "# generic-eval pages where parse_article (lead + paragraphs) loses against"
        " trafilatura.extract\n"
        "# loss = (trafilatura TP - our TP) + (our FP - trafilatura FP); worst first\n\n"
    )
    path.write_text(header + "\n".join(blocks), encoding="utf-8")
    return len(blocks)


def _failure_line(page: EvalPage, ours: SegmentCounts, theirs: SegmentCounts, loss: int) -> str:
    return (
        f"loss {loss:>2}  ours TP {ours.tp}/{ours.tp + ours.fn} FP {ours.fp}"
        f"  traf TP {theirs.tp}/{theirs.tp + theirs.fn} FP {theirs.fp}  {page.file}  {page.url}"
    )


def _failure_block(
    page: EvalPage, run: ToolRun, index: int, theirs: SegmentCounts, loss: int
) -> str:
    body, ours, raised = run.bodies[index], run.per_page[index], run.raised[index]
    missing = [s for s in page.with_ if s not in (body or "")]
    kept = [s for s in page.without if s in (body or "")]
    lines = [
        _failure_line(page, ours, theirs, loss),
        f"  page: generic-eval/pages/{page.file}.gz",
        *([f"  parse_article raised {raised}"] if raised else []),
        *(f"  missing with:    {s!r}" for s in missing),
        *(f"  kept without:    {s!r}" for s in kept),
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("a", "b", "both"), default="both")
    parser.add_argument("--limit", type=int, default=None, help="first N generic-eval pages")
    parser.add_argument("--repeat", type=int, default=5, help="timing repetitions (Part A)")
    parser.add_argument("--json", action="store_true", help="also print results as JSON")
    parser.add_argument("--failures", type=Path, default=None, help="write Part C to FILE")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"trafilatura_version": trafilatura.__version__}
    if args.part in ("a", "both"):
        results["part_a"] = part_a(args.repeat)
        print_part_a(results["part_a"])
    if args.part in ("b", "both") or args.failures:
        results["part_b"], pages, runs = part_b(args.limit)
        print_part_b(results["part_b"])
        if args.failures:
            count = write_failures(args.failures, pages, runs)
            print(
                f"Part C — {count} pages where we lose to trafilatura, worst first: {args.failures}"
            )
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
