"""`newsworker export`: stored records → JSON lines, CSV or Parquet, with the API's filters."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The CLI builds its parser from this module on every start: heavy imports stay inside the
# functions that need them.
if TYPE_CHECKING:
    from worker.query import ArticleQuery
    from worker.settings import Settings

FILTER_OPTIONS = (
    "province", "outlet_type", "since", "until", "time_field", "topic", "genre",
    "crime_article", "person", "q", "story_id", "case_id", "status",
)  # fmt: skip


def add_export_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="write stored records (filters as in GET /articles)")
    p.add_argument("--format", choices=("jsonl", "csv", "parquet"), default="jsonl")
    p.add_argument("--output", "-o", default="-", help="file path, - for stdout")
    p.add_argument("--source", action="append", default=[], metavar="KEY")
    for name in ("province", "outlet-type", "topic", "genre", "crime-article", "person"):
        p.add_argument(f"--{name}")
    p.add_argument("--q", "-q", help="full-text search, with or without diacritics")
    p.add_argument("--since", help="ISO date/time (Vietnamese time when no offset)")
    p.add_argument("--until", help="ISO date/time, exclusive")
    p.add_argument("--time-field", choices=("published_at", "first_seen_at"),
                   default="published_at", help="what --since/--until compare")  # fmt: skip
    p.add_argument("--story", dest="story_id", type=int, metavar="ID")
    p.add_argument("--case", dest="case_id", type=int, metavar="ID")
    p.add_argument("--status", choices=("active", "removed"))
    p.add_argument("--police-only", action="store_true", help="police-affairs records only")
    p.add_argument("--changed-since", type=datetime.fromisoformat, metavar="ISO",
                   help="only records stored or updated since (incremental exports)")  # fmt: skip


def query_from_args(args: argparse.Namespace) -> ArticleQuery:
    """The export options → the API's validated query (ValidationError on bad values)."""
    from worker.query import ArticleFilters

    raw: dict[str, Any] = {n: getattr(args, n) for n in FILTER_OPTIONS}
    raw = {k: v for k, v in raw.items() if v is not None}
    if args.source:
        raw["source"] = list(args.source)
    if args.police_only:
        raw["is_police_affairs"] = True
    return ArticleFilters(**raw).to_query()


def _write(fmt: str, rows: Any, output: str) -> int:
    from worker.export import write_csv, write_jsonl

    if fmt == "parquet":
        from worker.export_parquet import write_parquet

        return write_parquet(rows, sys.stdout.buffer if output == "-" else output)
    writer = write_csv if fmt == "csv" else write_jsonl
    if output == "-":
        return writer(rows, sys.stdout)
    with Path(output).open("w", encoding="utf-8", newline="") as out:
        return writer(rows, out)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from pydantic import ValidationError

    from worker.bootstrap import open_runtime
    from worker.export import export_rows
    from worker.query import VN

    try:
        query = query_from_args(args)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print(f"newsworker export: {problems}", file=sys.stderr)
        return 2
    changed = args.changed_since
    if changed is not None and changed.tzinfo is None:
        changed = changed.replace(tzinfo=VN)
    runtime = open_runtime(settings)
    with runtime.sessions() as session:
        rows = export_rows(session, query, changed_since=changed)
        count = _write(args.format, rows, args.output)
    print(f"exported {count} records", file=sys.stderr)
    return 0
