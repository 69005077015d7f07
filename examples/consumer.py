"""Example consumer of newsworker change events (Redis Streams), safe against crashes.

    python examples/consumer.py --redis redis://localhost:6379/0 --out changes.jsonl

What it does, and why:

1. Joins the consumer group `--group` on the stream `--stream` (default
   `newsworker:events`), creating the group at the stream start if needed.
2. For each entry: if the event id was already applied (de-dup table in a local SQLite
   file, `--state`), skip; else apply the effect (append the event JSON as one line to
   `--out`) and record the id — then XACK. The relay delivers at least once and a
   consumer can crash after its effect and before XACK, so the same event can arrive
   twice: the de-dup table makes the effect happen once.
   The effect is made exactly once even for a plain file: the file length after the
   append is committed in the same SQLite transaction as the seen id, and on start the
   file is truncated back to the committed length (dropping a line appended by a
   consumer that died before committing).
3. Claims stale pending entries (XAUTOCLAIM, idle > `--claim-idle-ms`) left by consumers
   that died before XACK, and re-reads its own pending entries on restart.
4. Tracks the highest applied seq. Sequence numbers are global and gapless, so an entry
   whose seq is more than last+1 means entries were lost to it (the stream is bounded
   with MAXLEN and was trimmed past this consumer, or it was created late): it then
   catches up from the pull cursor (`newsworker events --after <last seq>`, command in
   `--pull-cmd`) before going on. Gap checks assume an unfiltered stream (no filters in
   the [stream] section of notify.toml) and one state file per group (one active
   consumer, standbys on the same host claim its entries when it dies); pass
   `--no-gap-check` otherwise.

Seen ids are kept `--seen-ttl-days` (default 7): longer than any redelivery window.

Test hook: CONSUMER_CRASH_AFTER_SEQ=N makes the process exit abruptly (code 17) right
after committing the effect of the event with seq N, before XACK.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import redis

logger = logging.getLogger("consumer")
CRASH_ENV = "CONSUMER_CRASH_AFTER_SEQ"
Entry = tuple[bytes, dict[bytes, bytes]]


class State:
    """Local SQLite: seen event ids (with TTL), last applied seq, committed output length."""

    def __init__(self, path: Path, out: Path, ttl_days: float) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, seq INT, at REAL)")
        self.db.execute("CREATE TABLE IF NOT EXISTS state (k TEXT PRIMARY KEY, v INT)")
        self.out = out
        self.ttl = ttl_days * 86400
        self._recover_output()

    def _get(self, key: str) -> int:
        row = self.db.execute("SELECT v FROM state WHERE k = ?", (key,)).fetchone()
        return int(row[0]) if row else 0

    @property
    def last_seq(self) -> int:
        return self._get("last_seq")

    def _recover_output(self) -> None:
        committed = self._get("out_len")
        self.out.touch()
        if self.out.stat().st_size > committed:
            logger.warning("dropping uncommitted output", extra={"bytes": committed})
            with self.out.open("r+b") as fh:
                fh.truncate(committed)

    def seen(self, event_id: str) -> bool:
        row = self.db.execute("SELECT 1 FROM seen WHERE id = ?", (event_id,)).fetchone()
        return row is not None

    def apply(self, event: dict[str, Any]) -> bool:
        """The effect, exactly once. Returns False when the event was already applied."""
        if self.seen(event["id"]):
            return False
        line = (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            with self.out.open("ab") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
                size = fh.tell()
            self.db.execute(
                "INSERT INTO seen VALUES (?, ?, ?)", (event["id"], event["seq"], time.time())
            )
            self.db.execute("INSERT OR REPLACE INTO state VALUES ('out_len', ?)", (size,))
            self.db.execute(
                "INSERT INTO state VALUES ('last_seq', ?) ON CONFLICT(k) DO UPDATE "
                "SET v = max(v, excluded.v)",
                (event["seq"],),
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return True

    def purge(self) -> None:
        self.db.execute("DELETE FROM seen WHERE at < ?", (time.time() - self.ttl,))


class Consumer:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.r = redis.Redis.from_url(args.redis)
        self.state = State(Path(args.state), Path(args.out), args.seen_ttl_days)
        self.crash_after = int(os.environ.get(CRASH_ENV, "0") or 0)
        self.handled = 0

    def ensure_group(self) -> None:
        try:
            self.r.xgroup_create(self.args.stream, self.args.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def handle(self, entry_id: bytes, fields: dict[bytes, bytes]) -> None:
        event = json.loads(fields[b"data"])
        last = self.state.last_seq
        if not self.args.no_gap_check and event["seq"] > last + 1:
            logger.warning("gap in stream", extra={"after": last, "got": event["seq"]})
            self.catch_up(last, event["seq"])
        applied = self.state.apply(event)
        if applied and event["seq"] == self.crash_after:
            os._exit(17)  # test hook: effect committed, XACK never sent
        self.r.xack(self.args.stream, self.args.group, entry_id)
        self.handled += 1

    def catch_up(self, after: int, until: int) -> None:
        """Pull cursor: apply every event after `after` up to `until - 1`."""
        while after < until - 1:
            cmd = [*shlex.split(self.args.pull_cmd), "--after", str(after), "--limit", "1000"]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300)
            page = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
            if not page:
                raise RuntimeError(f"pull cursor has no events after {after} (wanted {until})")
            for event in page:
                if event["seq"] >= until:
                    return
                self.state.apply(event)
                after = event["seq"]

    def claim_stale(self) -> int:
        start, count = "0-0", 0
        while True:
            reply = self.r.xautoclaim(
                self.args.stream, self.args.group, self.args.name,
                self.args.claim_idle_ms, start_id=start, count=100,
            )  # fmt: skip
            start, entries = reply[0], reply[1]
            for entry_id, fields in entries:
                if fields:  # None/empty: the entry was trimmed away meanwhile
                    self.handle(entry_id, fields)
                    count += 1
                else:
                    self.r.xack(self.args.stream, self.args.group, entry_id)
            if start in (b"0-0", "0-0"):
                return count

    def read(self, cursor: str, block: int | None) -> int:
        streams = {self.args.stream: cursor}
        count = 100
        if self.args.max_events > 0:
            count = min(count, self.args.max_events - self.handled)
        if count <= 0:
            return 0
        reply = self.r.xreadgroup(
            self.args.group, self.args.name, streams, count=count, block=block
        )
        entries: list[Entry] = reply[0][1] if reply else []
        for entry_id, fields in entries:
            self.handle(entry_id, fields)
        return len(entries)

    def run(self) -> int:
        self.ensure_group()
        while self.read("0", None):  # our own pending entries from before a restart
            pass
        idle_since = time.monotonic()
        while self.args.max_events <= 0 or self.handled < self.args.max_events:
            got = self.claim_stale() + self.read(">", self.args.block_ms)
            if got:
                idle_since = time.monotonic()
            elif (
                self.args.exit_when_idle
                and time.monotonic() - idle_since > self.args.exit_when_idle
            ):
                break
            self.state.purge()
        return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
    p.add_argument("--stream", default="newsworker:events")
    p.add_argument("--group", default="example")
    p.add_argument("--name", default=f"consumer-{os.getpid()}", help="consumer name in the group")
    p.add_argument("--out", default="changes.jsonl", help="the effect: events appended here")
    p.add_argument("--state", default="consumer-state.sqlite3", help="seen ids and cursor")
    p.add_argument("--seen-ttl-days", type=float, default=7.0)
    p.add_argument("--claim-idle-ms", type=int, default=60_000)
    p.add_argument("--block-ms", type=int, default=1000)
    p.add_argument("--pull-cmd", default="newsworker events", help="pull cursor command")
    p.add_argument("--no-gap-check", action="store_true")
    p.add_argument("--max-events", type=int, default=0, help="stop after N entries (0: never)")
    p.add_argument("--exit-when-idle", type=float, default=0, help="stop after S idle seconds")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    return Consumer(parse_args(argv)).run()


if __name__ == "__main__":
    raise SystemExit(main())
