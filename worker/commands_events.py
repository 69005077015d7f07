"""CLI handlers for notifications: `newsworker relay`, `events [redeliver]`, `webhooks`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time

from sqlalchemy import select

from worker.bootstrap import open_runtime
from worker.context import utcnow
from worker.db.engine import transaction
from worker.db.models import Event
from worker.notify.admin import endpoint_stats, redeliver
from worker.notify.config import load_notify_config
from worker.notify.relay import event_message, sequence_pending
from worker.notify.service import run_supervised
from worker.settings import Settings


def cmd_relay(args: argparse.Namespace, settings: Settings) -> int:
    """Runs until SIGTERM/SIGINT: database and Redis outages are waited out, anything
    else is logged and the loop restarted. A bad notify.toml still stops it at start."""
    load_notify_config(settings.config_dir)
    runtime = open_runtime(settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_supervised(runtime, stop, interval=args.interval)
    return 0


def start_relay_thread(settings: Settings) -> threading.Event:
    """For `newsworker run`: the supervised relay beside the embedded worker, stopped with
    it. The thread outlives database and Redis outages and restarts after a crash."""
    load_notify_config(settings.config_dir)
    runtime = open_runtime(settings)
    stop = threading.Event()
    thread = threading.Thread(
        target=run_supervised, args=(runtime, stop), daemon=True, name="relay"
    )
    thread.start()
    return stop


def cmd_events(args: argparse.Namespace, settings: Settings) -> int:
    """Pull: sequenced events after a cursor as JSON lines (the same as /changes)."""
    if getattr(args, "events_action", None) == "redeliver":
        return cmd_redeliver(args, settings)
    runtime = open_runtime(settings)
    after = args.after
    while True:
        with transaction(runtime.sessions) as session:
            sequence_pending(session, utcnow())  # pull works without a relay running
        with runtime.sessions() as session:
            stmt = select(Event).where(Event.seq > after).order_by(Event.seq).limit(args.limit)
            if args.type:
                stmt = stmt.where(Event.type.in_(args.type))
            events = list(session.scalars(stmt))
        for event in events:
            print(json.dumps(event_message(event), ensure_ascii=False), flush=True)
        if events:
            after = events[-1].seq or after
        if not args.follow and len(events) < args.limit:
            return 0
        if not events:
            time.sleep(args.poll)


def cmd_redeliver(args: argparse.Namespace, settings: Settings) -> int:
    """Reset webhook deliveries to pending (a fresh retry schedule)."""
    if not (args.failed or args.since is not None or args.endpoint):
        print("newsworker: give --failed, --since SEQ and/or --endpoint NAME", file=sys.stderr)
        return 2
    runtime = open_runtime(settings)
    result = redeliver(
        runtime.sessions, utcnow(), endpoint=args.endpoint, failed_only=args.failed,
        since=args.since, enable=args.enable,
    )  # fmt: skip
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"reset {result['reset']} deliveries; enabled: {', '.join(result['enabled']) or '-'}")
    if result["still_disabled"]:
        names = ", ".join(result["still_disabled"])
        print(f"disabled endpoints (their deliveries wait; use --enable): {names}")
    return 0


def cmd_webhooks(args: argparse.Namespace, settings: Settings) -> int:
    stats = endpoint_stats(open_runtime(settings).sessions)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    for e in stats:
        counts = " ".join(f"{k}={v}" for k, v in e["deliveries"].items())
        reason = f" ({e['disabled_reason']})" if e["disabled_reason"] else ""
        print(f"{e['name']:<20} {e['status']}{reason}  {counts}  {e['url']}")
    if not stats:
        print("no webhook endpoints (configure them in notify.toml)")
    return 0
