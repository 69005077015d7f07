"""Where an ingested article's CPU goes, by feature and by the issue that asked for it.

Runs the same loopback site and ingest as bench/ingest.py, with timing wrappers around
the functions that carry each feature (patched here only; the product is unchanged), and
prints CPU ms per article for each, inclusive, with the share of the total:

    LD_PRELOAD=libjemalloc.so.2 python bench/ingest_features.py [--articles 600] [--dense]

(jemalloc preloaded as in the image; see bench/ingest.py.)

Issue 2's spine (fetch, decode, lxml tree, parse passes, raw page archive, article,
revision and URL rows, commit) against what later issues added to every article: police
structuring, facets, story and case clustering (issue 6), search text (issue 7) and the
outbox event (issue 5). Parse passes include issue 3's extraction-quality work, which
cannot be told apart from the spine's own parsing.

Wrapped functions are timed inclusively with time.thread_time (a few microseconds of
overhead per call; ~15 calls per article); nested wrappers are not subtracted from their
callers, so "store, rest" is the store stage minus the wrapped parts inside it.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import _run, _serve, _source_toml, allocator  # bench/ingest.py

import scrapers.article
import worker.article_ingest
import worker.indexing
import worker.store
from tests.e2e.helpers import ingest_context, make_settings, write_source
from worker.warmup import warm_up

_SPENT: dict[str, float] = defaultdict(float)

# (label, issue, module, attribute): the name is patched where the pipeline looks it up.
_WRAPPED = (
    ("lxml tree", "2", scrapers.article, "load_tree"),
    ("raw page archive", "2", worker.article_ingest, "store_raw_page"),
    ("police structuring", "6", worker.article_ingest, "with_police"),
    ("story sketch", "6", worker.indexing, "sketch"),
    ("story clustering", "6", worker.indexing, "assign_story"),
    ("case clustering", "6", worker.indexing, "assign_case"),
    ("facets", "6/7", worker.indexing, "facets_of"),
    ("facet rows", "6/7", worker.indexing, "insert_rows"),
    ("search text", "7", worker.store, "index_columns"),
    ("outbox event", "5", worker.store, "emit_article_created"),
)


def _timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            _SPENT[label] += time.thread_time() - start

    return wrapper


def _install() -> None:
    for label, _issue, module, name in _WRAPPED:
        setattr(module, name, _timed(label, getattr(module, name)))


def _rows(stages: dict[str, float]) -> list[tuple[str, str, float]]:
    """(label, issue, seconds): stages with their wrapped parts taken out, then the parts."""
    inside_parse = _SPENT["lxml tree"]
    in_stage = ("lxml tree", "police structuring")  # timed inside parse / as its own stage
    inside_store = sum(_SPENT[label] for label, *_rest in _WRAPPED if label not in in_stage)
    parse = stages.get("parse", 0.0) - stages.get("structure", 0.0)
    rows = [
        ("fetch", "2", stages.get("fetch", 0.0)),
        ("lxml tree", "2", inside_parse),
        ("parse passes (with issue 3's)", "2/3", parse - inside_parse),
        ("raw page archive", "2", _SPENT["raw page archive"]),
        ("store, rest: rows, JSON, commit", "2", stages.get("store", 0.0) - inside_store),
        ("discover and plan", "2", stages.get("discover", 0.0) + stages.get("plan", 0.0)),
    ]
    rows += [
        (label, issue, _SPENT[label])
        for label, issue, _m, _n in _WRAPPED
        if issue != "2"
    ]  # fmt: skip
    return rows


def _report(rows: list[tuple[str, str, float]], created: int, cpu: float) -> None:
    n = max(created, 1)
    total = sum(seconds for _l, _i, seconds in rows)
    print(f"articles created        {created}; CPU {cpu:.2f} s → {created / cpu:.1f}/s per core")
    print(f"{'feature':<34} {'issue':>5} {'ms/article':>10} {'share':>6}")
    for label, issue, seconds in rows:
        print(f"{label:<34} {issue:>5} {1000 * seconds / n:>10.2f} {seconds / total:>6.1%}")
    spine = sum(seconds for _l, issue, seconds in rows if issue in ("2", "2/3"))
    print(f"{'issue 2 spine (with parse passes)':<34} {'':>5} {1000 * spine / n:>10.2f} "
          f"→ {n / spine:.1f} articles/s per core alone")  # fmt: skip
    print(f"{'all timed':<34} {'':>5} {1000 * total / n:>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--dense", action="store_true")
    args = parser.parse_args()
    print(f"allocator {allocator()}")
    _install()
    ready, stop, counts = mp.Queue(), mp.Event(), mp.Value("i", 0)
    server = mp.Process(
        target=_serve, args=(args.articles, args.dense, ready, stop, counts), daemon=True
    )
    server.start()
    base = ready.get(timeout=300)
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings(
            Path(tmp), f"sqlite:///{tmp}/bench.sqlite3", fetch_timeout_seconds=30.0
        )
        source = write_source(settings, "bench", _source_toml(base, args.articles))
        with ingest_context(settings) as (ctx, _runtime):
            warm_up()
            _SPENT.clear()
            first, _wall, cpu = _run(ctx, source)
            stages = dict(ctx.timings.cpu_seconds)
    stop.set()
    server.join(5)
    _report(_rows(stages), first.created, cpu)


if __name__ == "__main__":
    main()
