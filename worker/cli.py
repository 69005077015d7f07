"""Command line: `newsworker ingest | parse | export | sources | serve | db`.

Exit codes: 0 the command completed (per-source failures are in its output), 1 it could
not run (database unreachable, nothing to do), 2 bad usage or settings.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from worker.commands_export import add_export_parser
from worker.errors import NewsworkerError
from worker.logs import setup_logging
from worker.settings import get_settings


def _add_ingest(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ingest", help="run one full ingest cycle in this process")
    p.add_argument("--source", action="append", default=[], metavar="KEY")
    p.add_argument("--json", action="store_true", help="print one JSON summary per source")


def _add_parse(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("parse", help="parse saved article pages and print records as JSON")
    p.add_argument("file", nargs="?", help="HTML file, or - for stdin")
    p.add_argument("--url", help="the URL the page was fetched from")
    p.add_argument("--batch", metavar="LIST.jsonl", help='lines {"path": ..., "url": ...}')
    p.add_argument("--source", metavar="KEY", help="apply this source's selectors")


def _add_runtime(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, text in (
        ("worker", "run a Celery worker (consumes ingest and re-ingest tasks)"),
        ("run", "worker and scheduler in one process (laptop mode)"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--concurrency", type=int, default=1)
        p.add_argument("--pool", choices=("prefork", "solo", "threads"), default=None)
    sub.add_parser("beat", help="run the scheduler (exactly one per deployment)")


def _add_reingest(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("reingest", help="request a re-ingest, backfill or re-parse")
    p.add_argument("--source", metavar="KEY")
    p.add_argument("--since", help="ISO date/time (Vietnamese time when no offset)")
    p.add_argument("--until", help="ISO date/time")
    p.add_argument("--max-pages", type=int, help="pagination depth for the backfill")
    p.add_argument("--url")
    p.add_argument("--reparse", action="store_true", help="re-parse stored pages, no fetching")
    p.add_argument("--parser-version-below", metavar="V")
    p.add_argument("--key", help="idempotency key: the same key runs once")
    p.add_argument("--wait", action="store_true", help="show progress until done")
    p.add_argument("--here", action="store_true", help="execute in this process, no worker")
    p.add_argument("--json", action="store_true")
    r = sub.add_parser("requests", help="show re-ingest requests")
    r.add_argument("id", nargs="?", type=int)
    r.add_argument("--json", action="store_true")


def _add_events(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    relay = sub.add_parser("relay", help="publish outbox events to the stream and webhooks")
    relay.add_argument("--interval", type=float, default=0.5, help="idle poll, seconds")
    p = sub.add_parser("events", help="print change events as JSON lines (pull cursor)")
    p.add_argument("--after", type=int, default=0, metavar="SEQ")
    p.add_argument("--type", action="append", default=[], metavar="T")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--follow", action="store_true", help="keep printing new events")
    p.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)
    actions = p.add_subparsers(dest="events_action", required=False)
    r = actions.add_parser("redeliver", help="replay webhook deliveries (failed by default)")
    r.add_argument("--endpoint", metavar="NAME", help="only this webhook endpoint")
    r.add_argument("--failed", action="store_true", help="only failed deliveries")
    r.add_argument("--since", type=int, metavar="SEQ", help="events with seq >= SEQ")
    r.add_argument("--enable", action="store_true", help="re-enable disabled endpoint(s)")
    r.add_argument("--json", action="store_true")
    w = sub.add_parser("webhooks", help="list webhook endpoints with status and counts")
    w.add_argument("--json", action="store_true")


def _positive(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("must be between 1 and 64")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsworker", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _add_ingest(sub)
    _add_parse(sub)
    add_export_parser(sub)
    _add_runtime(sub)
    _add_reingest(sub)
    _add_events(sub)
    sources = sub.add_parser("sources", help="show each source's health")
    sources.add_argument("--json", action="store_true")
    sources.add_argument("--resume", metavar="KEY", help="clear an automatic pause")
    sources.add_argument(
        "--failed", metavar="KEY", help="list the source's failing items: backing off, given up"
    )
    serve = sub.add_parser("serve", help="run the read API (HTTP, OpenAPI at /docs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=_positive, default=1,
                       help="processes (each with NEWSWORKER_API_CONCURRENCY slots)")  # fmt: skip
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=("upgrade", "current"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
        setup_logging(settings)
        from worker import commands, commands_api, commands_events, commands_export, commands_ops

        name = f"cmd_{args.command}"
        modules = (commands, commands_ops, commands_events, commands_api, commands_export)
        handler = next(getattr(m, name) for m in modules if hasattr(m, name))
        return int(handler(args, settings))
    except NewsworkerError as exc:
        print(f"newsworker: {exc}", file=sys.stderr)
        return 2 if exc.kind in ("settings", "source_config") else 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
