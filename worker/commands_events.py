"""CLI handlers for notifications: `newsworker relay` and `newsworker events`."""

from __future__ import annotations

import argparse
import json
import signal
import threading
import time

from sqlalchemy import select

from worker.bootstrap import open_runtime
from worker.context import utcnow
from worker.db.engine import transaction
from worker.db.models import Event
from worker.notify.relay import event_message, sequence_pending
from worker.notify.service import run_relay
from worker.settings import Settings


def cmd_relay(args: argparse.Namespace, settings: Settings) -> int:
    runtime = open_runtime(settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_relay(runtime, stop, interval=args.interval)
    return 0


def start_relay_thread(settings: Settings) -> threading.Event:
    """For `newsworker run`: the relay beside the embedded worker, stopped with it."""
    runtime = open_runtime(settings)
    stop = threading.Event()
    threading.Thread(target=run_relay, args=(runtime, stop), daemon=True, name="relay").start()
    return stop


def cmd_events(args: argparse.Namespace, settings: Settings) -> int:
    """Pull: sequenced events after a cursor as JSON lines (the same as /changes)."""
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
