"""CLI handlers for the runtime: worker, beat, run (embedded both), reingest, requests."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from sqlalchemy import select

from worker.bootstrap import open_runtime
from worker.db.models import ReingestRequest
from worker.progress import ProgressLine
from worker.requests import describe, execute_request, submit_request
from worker.settings import Settings


def _celery_argv(settings: Settings, args: argparse.Namespace, beat: bool) -> list[str]:
    argv = ["worker", f"--loglevel={settings.log_level}", f"--concurrency={args.concurrency}"]
    if args.pool:
        argv.append(f"--pool={args.pool}")
    if beat:
        schedule = (settings.data_dir / "celerybeat-schedule").resolve()
        argv += ["--beat", f"--schedule={schedule}"]
    return argv


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from worker.celery_app import app, prepare_embedded_broker
    from worker.watchdog import install_watchdog

    open_runtime(settings)  # migrate the embedded default before any task runs
    prepare_embedded_broker(settings)
    install_watchdog(settings)
    app.worker_main(_celery_argv(settings, args, beat=False))
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Worker and beat in one process: the laptop mode."""
    from worker.celery_app import app, prepare_embedded_broker
    from worker.commands_events import start_relay_thread
    from worker.watchdog import install_watchdog

    open_runtime(settings)
    prepare_embedded_broker(settings)
    install_watchdog(settings)
    stop_relay = start_relay_thread(settings)
    try:
        app.worker_main(_celery_argv(settings, args, beat=True))
    finally:
        stop_relay.set()
    return 0


def cmd_beat(args: argparse.Namespace, settings: Settings) -> int:
    from worker.celery_app import app, prepare_embedded_broker

    prepare_embedded_broker(settings)
    schedule = (settings.data_dir / "celerybeat-schedule").resolve()
    schedule.parent.mkdir(parents=True, exist_ok=True)
    app.start(["beat", f"--loglevel={settings.log_level}", f"--schedule={schedule}"])
    return 0


def _request_params(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    if args.reparse:
        return "reparse", {"source": args.source, "parser_version_below": args.parser_version_below}
    if args.url:
        return "url", {"url": args.url, "source": args.source}
    if args.source:
        return "source", {
            "source": args.source, "since": args.since, "until": args.until,
            "max_pages": args.max_pages,
        }  # fmt: skip
    raise SystemExit("newsworker reingest: give --source KEY, --url URL or --reparse")


def cmd_reingest(args: argparse.Namespace, settings: Settings) -> int:
    runtime = open_runtime(settings)
    kind, params = _request_params(args)
    request_id, created = submit_request(runtime.sessions, kind, params, args.key)
    if args.here:
        execute_request(runtime, request_id)
    elif created:
        from worker.tasks import process_request

        process_request.delay(request_id)
    if not args.wait and not args.here:
        print(request_id)
        return 0
    return _wait(runtime.sessions, request_id, args.json)


def _wait(sessions: Any, request_id: int, as_json: bool) -> int:
    progress = ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    while True:
        with sessions() as session:
            row = session.get(ReingestRequest, request_id)
            info = describe(row)
        if progress is not None:
            progress.update(f"request {request_id}", *info["progress"])
        if info["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    if progress is not None:
        progress.clear()
    print(json.dumps(info, ensure_ascii=False) if as_json else _request_line(info))
    return 0 if info["status"] == "done" else 1


def _request_line(info: dict[str, Any]) -> str:
    done, total = info["progress"]
    tail = info["error"] or json.dumps(info["result"], ensure_ascii=False)
    return f"#{info['id']} {info['kind']} {info['status']} {done}/{total} {tail}"


def cmd_requests(args: argparse.Namespace, settings: Settings) -> int:
    runtime = open_runtime(settings)
    stmt = select(ReingestRequest).order_by(ReingestRequest.id.desc()).limit(50)
    if args.id is not None:
        stmt = select(ReingestRequest).where(ReingestRequest.id == args.id)
    with runtime.sessions() as session:
        rows = [describe(r) for r in session.scalars(stmt)]
    if args.id is not None and not rows:
        print(f"newsworker: no request {args.id}", file=sys.stderr)
        return 1
    for info in rows:
        print(json.dumps(info, ensure_ascii=False) if args.json else _request_line(info))
    return 0
