"""Handlers of the CLI commands (argparse namespace + settings → exit code)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from scrapers.errors import ScrapeError
from scrapers.serialize import record_to_dict
from worker.article_ingest import parse_body
from worker.bootstrap import load_configured_sources, open_runtime
from worker.containment import is_input_fault
from worker.context import IngestContext
from worker.db.engine import transaction
from worker.db.migrate import current_revision, upgrade
from worker.db.models import Source
from worker.fetch import Fetcher
from worker.health import resume_source
from worker.item_state import failed_items, item_counts, source_item_counts
from worker.pipeline import SourceRunSummary, run_source
from worker.progress import ProgressLine
from worker.settings import Settings
from worker.sources import SourceConfig
from worker.warmup import warm_up

logger = logging.getLogger(__name__)


def _pick_sources(settings: Settings, keys: list[str]) -> tuple[list[SourceConfig], list[str]]:
    loaded = load_configured_sources(settings)
    problems = [str(e) for e in loaded.errors]
    unknown = [k for k in keys if k not in loaded.sources]
    problems += [f"unknown source: {k}" for k in unknown]
    chosen = (
        [loaded.sources[k] for k in keys if k in loaded.sources]
        if keys
        else [s for s in loaded.sources.values() if s.enabled]
    )
    return chosen, problems


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    sources, problems = _pick_sources(settings, args.source)
    for problem in problems:
        print(f"newsworker: {problem}", file=sys.stderr)
    if not sources:
        print("newsworker: no source to ingest", file=sys.stderr)
        return 1
    runtime = open_runtime(settings)
    warm_up()
    progress = ProgressLine(sys.stderr) if sys.stderr.isatty() and not args.json else None
    with Fetcher(settings) as fetcher:
        ctx = IngestContext(settings, runtime.sessions, fetcher)
        for source in sources:
            try:
                summary = run_source(ctx, source, progress.update if progress else None)
            except Exception as exc:
                logger.exception("source run raised", extra={"source": source.key})
                if not is_input_fault(exc):
                    print(f"newsworker: {source.key}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    return 1  # the database is unreachable: the command could not run
                summary = _crashed(source, exc)
            _report(summary, args.json, progress)
    return 0


def _crashed(source: SourceConfig, exc: Exception) -> SourceRunSummary:
    """A source whose run raised past run_source's own boundary (say its row could not
    be written): reported as failing, and the next source still runs."""
    summary = SourceRunSummary(source.key, ok=False)
    summary.discovery_errors.append(f"{type(exc).__name__}: {exc}")
    return summary


def _report(summary: SourceRunSummary, as_json: bool, progress: ProgressLine | None) -> None:
    if progress is not None:
        progress.clear()
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False), flush=True)
        return
    counts = ", ".join(
        f"{k} {getattr(summary, k)}"
        for k in ("discovered", "fetched", "created", "updated", "unchanged", "not_modified",
                  "removed", "failed")
    )  # fmt: skip
    waiting = ", ".join(
        f"{k} {getattr(summary, k)}"
        for k in ("retried", "deferred", "given_up")
        if getattr(summary, k)
    )
    state = "ok" if summary.ok else "FAILED"
    print(f"{summary.source}: {state}: {counts}" + (f"; items {waiting}" if waiting else ""))
    for error in summary.discovery_errors:
        print(f"  discovery error: {error}")
    if not summary.ok and summary.fetched and summary.failed == summary.fetched:
        print(f"  every article attempted failed: newsworker sources --failed {summary.source}")


def _parse_one(path: str, url: str, source: SourceConfig | None) -> dict[str, Any]:
    body = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    return record_to_dict(parse_body(body, None, url, source))


def _source_named(settings: Settings, key: str | None) -> SourceConfig | None:
    if key is None:
        return None
    sources, problems = _pick_sources(settings, [key])
    if problems:
        raise SystemExit(f"newsworker: {'; '.join(problems)}")
    return sources[0]


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    source = _source_named(settings, args.source)
    if args.batch:
        return _parse_batch(Path(args.batch), source)
    if not args.file or not args.url:
        print("newsworker parse: give FILE and --url, or --batch LIST.jsonl", file=sys.stderr)
        return 2
    try:
        record = _parse_one(args.file, args.url, source)
    except (OSError, ScrapeError) as exc:
        print(f"newsworker parse: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0


def _parse_batch(batch: Path, source: SourceConfig | None) -> int:
    with batch.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                job = json.loads(line)
                out = _parse_one(str(job["path"]), str(job["url"]), source)
            except (OSError, ScrapeError, ValueError, KeyError, TypeError) as exc:
                out = {"error": f"{type(exc).__name__}: {exc}"}
            print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def _source_rows(settings: Settings) -> list[dict[str, Any]]:
    runtime = open_runtime(settings)
    with runtime.sessions() as session:
        rows = session.scalars(select(Source).order_by(Source.key)).all()
        items = item_counts(session)
        return [
            {
                "key": r.key, "name": r.name, "enabled": r.enabled,
                "last_success_at": r.last_success_at.isoformat() if r.last_success_at else None,
                "consecutive_errors": r.consecutive_errors, "last_error_kind": r.last_error_kind,
                "last_error": r.last_error, "paused_reason": r.paused_reason,
                "next_check_at": r.next_check_at.isoformat() if r.next_check_at else None,
                "last_counts": r.last_counts, **source_item_counts(items, r.key),
            }
            for r in rows
        ]  # fmt: skip


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    if args.resume:
        runtime = open_runtime(settings)
        with transaction(runtime.sessions) as session:
            resumed = resume_source(session, args.resume)
        print(f"{args.resume}: {'resumed' if resumed else 'was not paused'}")
        return 0
    if args.failed:
        return _failed_items(settings, args.failed, args.json)
    loaded = load_configured_sources(settings)
    stored = {row["key"]: row for row in _source_rows(settings)}
    for key in sorted(set(loaded.sources) | set(stored)):
        row = stored.get(key) or {
            "key": key, "last_success_at": None, "consecutive_errors": 0,
            **source_item_counts({}, key),
        }  # fmt: skip
        row["configured"] = key in loaded.sources
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(_health_line(row))
    for error in loaded.errors:
        if args.json:  # every line of --json is JSON
            print(json.dumps({"config_error": str(error), "path": error.path}, ensure_ascii=False))
        else:
            print(f"config error: {error}")
    return 0


def _failed_items(settings: Settings, key: str, as_json: bool) -> int:
    """`sources --failed KEY`: the source's remembered failing items, given up first."""
    runtime = open_runtime(settings)
    with runtime.sessions() as session:
        if session.get(Source, key) is None:
            print(f"newsworker: unknown source: {key}", file=sys.stderr)
            return 1
        items = failed_items(session, key)
    for item in items:
        if as_json:
            print(json.dumps(item, ensure_ascii=False))
            continue
        when = item["next_try_at"] if item["state"] == "backoff" else item["gave_up_at"]
        status = f" {item['last_http_status']}" if item["last_http_status"] else ""
        print(
            f"{item['state']:<8} {item['failures']:>3} failures  {when}  "
            f"[{item['last_stage']}/{item['last_kind']}{status}] {item['url']}"
        )
    return 0


def _health_line(row: dict[str, Any]) -> str:
    state = "ok" if not row.get("consecutive_errors") else f"{row['consecutive_errors']} errors"
    if not row.get("configured", True):
        state = "no valid file"  # stored, but its file is gone or broken (see config error)
    elif row.get("paused_reason"):
        state = f"paused: {row['paused_reason']}"
    last = row.get("last_success_at") or "never"
    items = ""
    if row.get("items_backing_off") or row.get("items_given_up"):
        items = f"  items: {row['items_backing_off']} backing off, {row['items_given_up']} given up"
    error = (
        f"  last error [{row.get('last_error_kind')}]: {row['last_error']}"
        if row.get("last_error")
        else ""
    )
    return f"{row['key']:<28} {state:<14} last success {last}{items}{error}"


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    runtime = open_runtime(settings, migrate=False)
    if args.action == "upgrade":
        upgrade(runtime.engine)
    print(current_revision(runtime.engine) or "empty")
    return 0
