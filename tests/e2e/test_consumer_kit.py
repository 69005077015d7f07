"""examples/consumer.py against real Redis and the pull cursor on SQLite: normal
consumption, a crash after the effect and before XACK (entries claimed by a restarted
consumer, the effect applied once), and a stream trimmed past the consumer (gap caught
up from `newsworker events --after`, no seq missing or doubled)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from worker.db.engine import make_engine, make_session_factory, transaction
from worker.db.migrate import upgrade
from worker.notify.config import StreamConfig
from worker.notify.events import emit
from worker.notify.relay import relay_once
from worker.notify.stream import stream_publisher

pytestmark = pytest.mark.db

REPO = Path(__file__).resolve().parents[2]
CONSUMER = REPO / "examples" / "consumer.py"


@dataclass
class Kit:
    tmp: Path
    db_url: str
    client: redis.Redis[bytes]
    client_url: str
    key: str

    def emit_and_relay(self, count: int) -> None:
        engine = make_engine(self.db_url)
        sessions = make_session_factory(engine)
        with transaction(sessions) as session:
            for i in range(count):
                emit(session, "source.failing", now=datetime.now(UTC),
                     payload={"i": i}, source_key="s")  # fmt: skip
        publish = stream_publisher(self.client, StreamConfig(key=self.key))
        relay_once(sessions, datetime.now(UTC), [("stream", publish)])
        engine.dispose()

    def run(self, name: str, *extra: str, crash_at: int = 0) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "NEWSWORKER_DATABASE_URL": self.db_url,
               "NEWSWORKER_DATA_DIR": str(self.tmp),
               "NEWSWORKER_CONFIG_DIR": str(self.tmp)}  # fmt: skip
        env.pop("CONSUMER_CRASH_AFTER_SEQ", None)
        if crash_at:
            env["CONSUMER_CRASH_AFTER_SEQ"] = str(crash_at)
        pull = shlex.join([sys.executable, "-m", "worker.cli", "events"])
        cmd = [sys.executable, str(CONSUMER), "--redis", self.client_url, "--stream", self.key,
               "--group", "g", "--name", name, "--out", str(self.out),
               "--state", str(self.tmp / "state.sqlite3"), "--pull-cmd", pull,
               "--block-ms", "100", "--exit-when-idle", "0.5", *extra]  # fmt: skip
        return subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=120, check=False
        )

    @property
    def out(self) -> Path:
        return self.tmp / "changes.jsonl"

    def seqs(self) -> list[int]:
        lines = self.out.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["seq"] for line in lines]

    def pending(self) -> int:
        return int(self.client.xpending(self.key, "g")["pending"])


@pytest.fixture
def kit(tmp_path: Path, sqlite_url: str, redis_url: str) -> Iterator[Kit]:
    upgrade(make_engine(sqlite_url))
    client = redis.Redis.from_url(redis_url)
    key = f"test:consumer:{tmp_path.name}"
    client.delete(key)
    yield Kit(tmp_path, sqlite_url, client, redis_url, key)
    client.delete(key)


def test_normal_consumption(kit: Kit) -> None:
    kit.emit_and_relay(20)
    done = kit.run("c1")
    assert done.returncode == 0, done.stderr
    assert kit.seqs() == list(range(1, 21))
    assert kit.pending() == 0
    kit.emit_and_relay(5)
    assert kit.run("c1").returncode == 0
    assert kit.seqs() == list(range(1, 26))


def test_crash_before_ack_is_claimed_and_applied_once(kit: Kit) -> None:
    kit.emit_and_relay(20)
    crashed = kit.run("c1", crash_at=7)
    assert crashed.returncode == 17, crashed.stderr
    assert kit.seqs() == list(range(1, 8))  # effect of 7 applied, never acked
    assert kit.pending() == 14  # 7 (unacked) and 8..20 read in the same batch
    # A different consumer claims the dead one's stale entries (XAUTOCLAIM).
    claimed = kit.run("c2", "--claim-idle-ms", "1")
    assert claimed.returncode == 0, claimed.stderr
    assert kit.seqs() == list(range(1, 21))  # 7 redelivered, applied once
    assert kit.pending() == 0


def test_restart_same_name_rereads_own_pending(kit: Kit) -> None:
    kit.emit_and_relay(10)
    assert kit.run("c1", crash_at=3).returncode == 17
    again = kit.run("c1")  # default claim idle 60 s: its own pending list is re-read
    assert again.returncode == 0, again.stderr
    assert kit.seqs() == list(range(1, 11))
    assert kit.pending() == 0


def test_trimmed_stream_gap_caught_up_from_pull_cursor(kit: Kit) -> None:
    kit.emit_and_relay(30)
    first = kit.run("c1", "--max-events", "10")
    assert first.returncode == 0, first.stderr
    assert kit.seqs() == list(range(1, 11))
    kit.emit_and_relay(50)
    kit.client.xtrim(kit.key, maxlen=20, approximate=False)  # 11..60 gone from the stream
    second = kit.run("c1")
    assert second.returncode == 0, second.stderr
    assert "gap in stream" in second.stderr
    assert kit.seqs() == list(range(1, 81))  # no gap, nothing twice
    assert kit.pending() == 0
