"""Ingest benchmark: a loopback site of N article pages built from the real corpus pages
(varied text), ingested on SQLite with politeness off.

Prints articles/s, CPU ms per article by stage (fetch, parse, store, plan, discover), peak
RSS, and the cost of a second run with nothing changed (requests, CPU ms per source).
The site runs in a child process so its CPU is not counted.

    python bench/ingest.py [--articles 2000] [--dense]

Run it under jemalloc, as the image runs every process (Dockerfile: LD_PRELOAD):

    LD_PRELOAD=libjemalloc.so.2 python bench/ingest.py

Without the preload it measures the C library's malloc; the first line says which ran.

Article text reads like real incident reports (one cast per article, mostly narrative
sentences, about the length of the corpus page each template comes from); --dense puts a
person, unit, crime, place, date and figures into every sentence instead.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.helpers import ingest_context, make_settings, write_source
from tests.fixtures.corpus_site import make_spec, populate_news_site, render
from tests.fixtures.site import FixtureSite
from worker.pipeline import run_source
from worker.warmup import warm_up


def _serve(count: int, dense: bool, ready: Any, stop: Any, counts: Any) -> None:
    with FixtureSite() as site:
        populate_news_site(site, count=count, dense=dense)
        ready.put(site.base_url)
        while not stop.is_set():
            counts.value = site.count()
            time.sleep(0.05)


def _source_toml(base: str, count: int) -> str:
    return f"""
name = "Bench outlet"
outlet_type = "newspaper"
min_delay_seconds = 0
max_articles_per_run = {count + 10}
[[discover]]
kind = "sitemap"
url = "{base}/tin-tuc/sitemap.xml"
max_pages = 50
"""


def _run(ctx: Any, source: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    summary = run_source(ctx, source)
    return summary, time.perf_counter() - wall, time.process_time() - cpu


def allocator() -> str:
    """ "jemalloc" when it is mapped into this process (LD_PRELOAD), else "system"."""
    with open("/proc/self/maps", encoding="utf-8") as maps:
        return "jemalloc" if any("libjemalloc" in line for line in maps) else "system"


def _lxml_reference(dense: bool) -> float:
    """CPU ms to build an lxml.html tree of one of the site's pages: the issue's cost floor
    ("about 1 ms" on the reference machine), printed so figures from a slower or busier
    machine can be put in proportion."""
    pages = [render(make_spec("/r", "http://bench.test", i, 0, dense=dense)) for i in range(8)]
    start = time.process_time()
    for _ in range(5):
        for page in pages:
            lxml.html.document_fromstring(page)
    return 1000 * (time.process_time() - start) / (5 * len(pages))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument(
        "--dense",
        action="store_true",
        help="every sentence names a person, unit, crime, place and figures (stress case)",
    )
    args = parser.parse_args()
    ready, stop, counts = mp.Queue(), mp.Event(), mp.Value("i", 0)
    server = mp.Process(
        target=_serve, args=(args.articles, args.dense, ready, stop, counts), daemon=True
    )
    server.start()
    base = ready.get(timeout=300)
    _lxml_reference(args.dense)  # warm
    reference_before = _lxml_reference(args.dense)
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/bench.sqlite3"
        settings = make_settings(Path(tmp), db, fetch_timeout_seconds=30.0)
        source = write_source(settings, "bench", _source_toml(base, args.articles))
        with ingest_context(settings) as (ctx, _runtime):
            warm_up()  # as `newsworker ingest` and the Celery worker do before the first article
            first, wall, cpu = _run(ctx, source)
            timings = dict(ctx.timings.cpu_seconds)
            time.sleep(0.2)
            before = counts.value
            second, wall2, cpu2 = _run(ctx, source)
            time.sleep(0.2)
            requests2 = counts.value - before
    stop.set()
    server.join(5)
    n = max(first.created, 1)
    print(f"allocator               {allocator()}")
    print(f"articles created        {first.created} (failed {first.failed})")
    print(f"wall time               {wall:.2f} s  → {first.created / wall:.1f} articles/s")
    print(f"CPU time                {cpu:.2f} s  → {first.created / cpu:.1f} articles/s per core")
    # "parse" includes "structure" (the police structuring step runs inside parse_page).
    timings["parse"] = timings.get("parse", 0.0) - timings.get("structure", 0.0)
    for stage in ("discover", "plan", "fetch", "parse", "structure", "store"):
        print(f"  CPU ms/article {stage:<9} {1000 * timings.get(stage, 0.0) / n:.2f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS                {peak_mb:.0f} MB")
    print(
        f"reference: lxml.html tree of one of these pages {reference_before:.2f} ms CPU "
        f"before the run, {_lxml_reference(args.dense):.2f} ms after"
    )
    print(
        f"no-change re-run        created {second.created}, updated {second.updated}, "
        f"requests {requests2}, wall {1000 * wall2:.1f} ms, CPU {1000 * cpu2:.1f} ms"
    )


if __name__ == "__main__":
    main()
