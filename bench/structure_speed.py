"""Speed of the whole police structuring step (`structure_article`) and of each extractor.

Texts: the seed article (~5 KB, ../shared/corpus/seeds/), the seed plus an arrest paragraph,
ten generated police articles (tests/fixtures/corpus_site.py) and the four corpus article
pages parsed with scrapers.article.parse_article. Each timed call gets a text never seen
before (a counter is appended), so the preparation caches never hit across calls.

Prints CPU ms per record (time.process_time, best of several repetitions: the bench box is
shared) and records/s per core for the whole step, then per extractor on the seed article
(each on a fresh text, so each includes its own text preparation; the whole step shares it).

Run: python bench/structure_speed.py [--repeat 5] [--n 60]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapers.police.crimes import extract_crimes
from scrapers.police.figures import extract_figures
from scrapers.police.genre import classify_article
from scrapers.police.keys import search_keys
from scrapers.police.legal import extract_legal_actions
from scrapers.police.notices import extract_scam, extract_wanted
from scrapers.police.persons import extract_persons
from scrapers.police.places import extract_places
from scrapers.police.structure import article_text, structure_article
from scrapers.police.times import extract_event_times
from scrapers.police.units import extract_units
from scrapers.records import ArticleRecord

SHARED = Path(__file__).resolve().parents[2] / "shared/corpus"
SEED = SHARED / "seeds/000_678036b57beabb10.txt"
PUBLISHED = datetime(2020, 6, 19, 10, 30, tzinfo=timezone(timedelta(hours=7)))
EXTRA = (
    "Khoảng 22h30 ngày 15/6, Cơ quan CSĐT Công an tỉnh đã khởi tố vụ án, khởi tố bị can, "
    "bắt tạm giam Nguyễn Văn Hùng (SN 1990) về tội “Mua bán trái phép chất ma túy”, thu giữ "
    "hơn 2,7 kg heroin và 1.500 viên ma túy tổng hợp, 1,2 tỷ đồng."
)
OPTIONS = {"outlet_type": "police_portal", "publisher_province": "Thanh Hóa"}


def _record(title: str, lead: str | None, paras: list[str], when: datetime | None) -> ArticleRecord:
    return ArticleRecord(
        url="https://bench.test/a", canonical_url="https://bench.test/a", title=title,
        lead=lead, paragraphs=tuple(paras), published_at=when,
    )  # fmt: skip


def seed_record() -> ArticleRecord:
    paras = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    title = paras[0].removeprefix("date 2020-06").strip()
    return _record(title, paras[1], paras[2:], PUBLISHED)


def records() -> dict[str, list[ArticleRecord]]:
    seed = seed_record()
    sets = {"seed": [seed], "seed+arrest": [replace(seed, paragraphs=(*seed.paragraphs, EXTRA))]}
    try:
        from tests.fixtures import corpus_site

        specs = [corpus_site.make_spec("/p", "https://bench.test", i, 3) for i in range(10)]
        sets["generated"] = [
            _record(s.title, s.lead, list(s.paragraphs), s.published_at) for s in specs
        ]
    except ImportError:  # run outside the repo root
        pass
    pages = sorted((SHARED / "pages").glob("*_article_*.html"))
    if pages:
        from scrapers.article import parse_article

        sets["corpus pages"] = [
            parse_article(p.read_bytes(), "https://bench.test/a") for p in pages
        ]
    return sets


def best_ms(fn: Callable[[int], object], n: int, repeat: int) -> float:
    """Best CPU ms per call over `repeat` runs of `n` calls; fn gets a unique counter."""
    best, counter = float("inf"), 0
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(n):
            counter += 1
            fn(counter)
        best = min(best, (time.process_time() - start) / n)
    return best * 1000


def _fresh(record: ArticleRecord, i: int) -> ArticleRecord:
    return replace(record, paragraphs=(*record.paragraphs[:-1], f"{record.paragraphs[-1]} {i}"))


def whole_step(recs: list[ArticleRecord], n: int, repeat: int) -> float:
    def run(i: int) -> None:
        for rec in recs:
            structure_article(_fresh(rec, i), **OPTIONS)  # type: ignore[arg-type]

    for i in range(3):
        run(-1 - i)
    return best_ms(run, n, repeat) / len(recs)


def extractors(record: ArticleRecord) -> dict[str, Callable[[str], object]]:
    day = PUBLISHED.date()
    title, lead = record.title, record.lead or ""
    return {
        "classify (relevance, genre, topics)": lambda t: classify_article(
            title, lead, t, outlet_type="police_portal"
        ),
        "persons": lambda t: extract_persons(t, published=day, publisher_province="Thanh Hóa"),
        "units": lambda t: extract_units(t, published=day, publisher_province="Thanh Hóa"),
        "places": lambda t: extract_places(t, as_of=day, publisher_province="Thanh Hóa"),
        "crimes": extract_crimes,
        "legal actions": extract_legal_actions,
        "figures": extract_figures,
        "event times": lambda t: extract_event_times(t, published=PUBLISHED),
        "wanted + scam": lambda t: (extract_wanted(t), extract_scam(t)),
        "search_keys (not in the step)": search_keys,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--n", type=int, default=60, help="calls per repetition")
    args = parser.parse_args()
    sets = records()
    print("whole structure_article step (CPU ms/record, records/s per core):")
    for name, recs in sets.items():
        size = sum(len(article_text(r).encode()) for r in recs) // len(recs)
        ms = whole_step(recs, max(1, args.n // len(recs)), args.repeat)
        print(f"  {name:<14} {len(recs):>2} x ~{size:>5} B  {ms:7.3f} ms  {1000 / ms:7.0f} rec/s")
    seed = sets["seed"][0]
    text = article_text(seed)
    print(f"per extractor on the seed article ({len(text.encode())} B, fresh text each call):")
    for name, fn in extractors(seed).items():
        ms = best_ms(lambda i, fn=fn: fn(f"{text} {i}"), args.n, args.repeat)  # type: ignore[misc]
        print(f"  {name:<32} {ms:7.3f} ms")


if __name__ == "__main__":
    main()
