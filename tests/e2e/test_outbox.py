"""Transactional outbox and relay: exactly one event per change, gapless ordered sequence
under concurrent writers with late commits, at-least-once stream delivery with stable ids."""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from tests.e2e.helpers import ingest_context, redate_page, revisiting_feed_source
from tests.fixtures.corpus_site import edit_article, populate_news_site
from tests.fixtures.site import FixtureSite
from worker.db.engine import make_engine, make_session_factory, transaction
from worker.db.migrate import upgrade
from worker.db.models import Event
from worker.notify.config import StreamConfig
from worker.notify.events import emit
from worker.notify.relay import deliver_channel, relay_once, rewind_channel, sequence_pending
from worker.notify.stream import (
    StreamReset,
    mark_rewound,
    meta_key,
    reset_point,
    stream_publisher,
)
from worker.pipeline import run_source

pytestmark = pytest.mark.db


def _types(sessions) -> list[str]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return list(session.scalars(select(Event.type).order_by(Event.id)))


def test_one_event_per_change_and_none_on_rerun(tmp_path: Path, db_url: str) -> None:
    with FixtureSite() as site:
        specs = populate_news_site(site, count=4)
        settings, source = revisiting_feed_source(site.url("/tin-tuc/rss.xml"), tmp_path, db_url)
        with ingest_context(settings) as (ctx, rt):
            run_source(ctx, source)
            assert _types(rt.sessions) == ["article.created"] * 4
            run_source(ctx, source)
            assert len(_types(rt.sessions)) == 4  # nothing changed: no event
            redate_page(site, specs[0].path)
            run_source(ctx, source)
            assert len(_types(rt.sessions)) == 4  # publish-date-only churn: no event
            edit_article(site, specs[1], "Nội dung được cập nhật lúc 10 giờ.")
            site.remove(specs[2].path)
            run_source(ctx, source)
            types = _types(rt.sessions)
            assert sorted(types[4:]) == ["article.removed", "article.updated"]
            with rt.sessions() as session:
                updated = session.scalars(
                    select(Event).where(Event.type == "article.updated")
                ).one()
                assert updated.revision == 2
                diff = updated.payload["diff"]
                assert "paragraphs" in diff["changed"]
                assert (
                    "+Nội dung được cập nhật lúc 10 giờ."
                    in diff["fields"]["paragraphs"]["unified_diff"]
                )


def test_event_and_change_commit_together(tmp_path: Path, sqlite_url: str) -> None:
    """The event row is in the change's transaction: a failure before commit leaves neither."""
    engine = make_engine(sqlite_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    with pytest.raises(RuntimeError), transaction(sessions) as session:
        emit(session, "source.failing", now=now, payload={"source": "x"}, source_key="x")
        session.flush()
        raise RuntimeError("crash between the change and commit")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 0


def test_relay_numbers_late_commits_without_gaps(pg_url: str) -> None:
    """4 writers with randomly delayed commits; a relay polling meanwhile. Every event is
    published exactly once, seq is 1..N without gaps, in order. A naive `id > last_seen`
    poller run on the same history skips the rows that committed late."""
    engine = make_engine(pg_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    published: list[tuple[int, str]] = []
    naive_seen: list[int] = []
    done = threading.Event()
    rng = random.Random(7)
    delays = [[rng.uniform(0, 0.03) for _ in range(60)] for _ in range(4)]

    def writer(w: int) -> None:
        for i, delay in enumerate(delays[w]):
            with transaction(sessions) as session:
                emit(session, "source.failing", now=datetime.now(UTC),
                     payload={"w": w, "i": i}, source_key=f"w{w}")  # fmt: skip
                session.flush()
                time.sleep(delay)

    def naive_poll() -> None:
        last = 0
        while not done.is_set():
            with sessions() as session:
                ids = list(
                    session.scalars(select(Event.id).where(Event.id > last).order_by(Event.id))
                )
            naive_seen.extend(ids)
            last = ids[-1] if ids else last
            time.sleep(0.005)

    def publish(events: list[Event]) -> None:
        published.extend((e.seq or 0, e.event_id) for e in events)

    def relay() -> None:
        while not done.is_set():
            relay_once(sessions, datetime.now(UTC), [("test", publish)])
            time.sleep(0.005)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    helpers = [threading.Thread(target=relay), threading.Thread(target=naive_poll)]
    for t in threads + helpers:
        t.start()
    for t in threads:
        t.join()
    time.sleep(0.2)
    done.set()
    for t in helpers:
        t.join()
    relay_once(sessions, datetime.now(UTC), [("test", publish)])
    seqs = [s for s, _ in published]
    assert seqs == list(range(1, 241))
    assert len({event_id for _, event_id in published}) == 240
    assert len(set(naive_seen)) < 240, "the naive poller should have skipped late commits"
    engine.dispose()


def test_stream_delivery_is_at_least_once_with_stable_ids(
    tmp_path: Path, sqlite_url: str, redis_url: str
) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    client = redis.Redis.from_url(redis_url)
    key = f"test:events:{tmp_path.name}"
    client.delete(key)
    with transaction(sessions) as session:
        for i in range(5):
            emit(session, "source.failing", now=datetime.now(UTC), payload={"i": i}, source_key="s")
    publish = stream_publisher(client, StreamConfig(key=key))
    with transaction(sessions) as session:
        sequence_pending(session, datetime.now(UTC))
    # Crash after publishing, before the cursor moved: simulate by publishing by hand.
    with sessions() as session:
        publish(list(session.scalars(select(Event).order_by(Event.seq))))
    assert deliver_channel(sessions, "stream", publish) == 5  # republished
    assert deliver_channel(sessions, "stream", publish) == 0  # cursor moved
    entries = client.xrange(key)
    ids = [fields[b"id"].decode() for _, fields in entries]
    assert len(ids) == 10 and len(set(ids)) == 5 and ids[:5] == ids[5:]
    first = json.loads(entries[0][1][b"data"])
    assert first["seq"] == 1 and first["type"] == "source.failing" and first["data"] == {"i": 0}
    client.delete(key, meta_key(StreamConfig(key=key)))
    engine.dispose()


def test_pull_cursor_catches_up_5000_events_without_gaps(tmp_path: Path, sqlite_url: str) -> None:
    import os
    import subprocess
    import sys

    engine = make_engine(sqlite_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    for batch in range(10):
        with transaction(sessions) as session:
            for i in range(500):
                emit(session, "source.failing", now=datetime.now(UTC),
                     payload={"n": batch * 500 + i}, source_key="s")  # fmt: skip
    env = {
        **os.environ,
        "NEWSWORKER_DATABASE_URL": sqlite_url,
        "NEWSWORKER_DATA_DIR": str(tmp_path),
        "NEWSWORKER_CONFIG_DIR": str(tmp_path),
    }
    seen: list[int] = []
    after = 0
    while True:  # a consumer reading pages of 1000 from its cursor
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "worker.cli",
                "events",
                "--after",
                str(after),
                "--limit",
                "1000",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        page = [json.loads(line) for line in out.stdout.splitlines()]
        if not page:
            break
        seen.extend(e["seq"] for e in page)
        after = page[-1]["seq"]
    assert seen == list(range(1, 5001))
    engine.dispose()


def test_stream_reset_point_reads_what_redis_lost(redis_url: str, tmp_path: Path) -> None:
    """reset_point against a real Redis: the `<key>:relay` marks versus the cursor."""
    client = redis.Redis.from_url(redis_url)
    cfg = StreamConfig(key=f"test:reset:{tmp_path.name}:{random.random()}", maxlen=1000)
    marks = meta_key(cfg)
    try:
        assert reset_point(client, cfg, 0) is None  # nothing published yet
        assert reset_point(client, cfg, 10) == 0  # Redis has nothing: republish all
        client.xgroup_create(cfg.key, "g", id="0", mkstream=True)  # a consumer re-creates it
        assert reset_point(client, cfg, 10) == 0  # empty all the same
        assert reset_point(client, cfg, 5000) == 4000  # older than MAXLEN: not worth it
        client.xadd(cfg.key, {"seq": "10"})
        assert reset_point(client, cfg, 10) is None  # a stream from before the marks: adopted
        assert client.zscore(marks, "handed") == 10
        client.zadd(marks, {"handed": 6})  # an older snapshot: lost what followed seq 6
        assert reset_point(client, cfg, 10) == 6
        client.zadd(marks, {"handed": 10})
        client.delete(cfg.key)  # the stream deleted, the marks kept
        assert reset_point(client, cfg, 10) == 0
        mark_rewound(client, cfg, 0)
        assert reset_point(client, cfg, 0) is None
    finally:
        client.delete(cfg.key, marks)


def test_stream_publisher_refuses_a_batch_after_a_reset(redis_url: str, tmp_path: Path) -> None:
    """The publish script writes nothing when Redis lost what came before the batch."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    client = redis.Redis.from_url(redis_url)
    cfg = StreamConfig(key=f"test:refuse:{tmp_path.name}:{random.random()}")
    publish = stream_publisher(client, cfg)
    try:
        with transaction(sessions) as session:
            for i in range(4):
                emit(session, "source.failing", now=datetime.now(UTC), payload={"i": i})
        with transaction(sessions) as session:
            sequence_pending(session, datetime.now(UTC))
        assert deliver_channel(sessions, "stream", publish, batch=2) == 2
        client.delete(cfg.key, meta_key(cfg))  # Redis lost everything
        with pytest.raises(StreamReset):
            deliver_channel(sessions, "stream", publish, batch=2)
        assert client.xlen(cfg.key) == 0  # nothing written out of order
        rewind_channel(sessions, "stream", 0)
        mark_rewound(client, cfg, 0)
        assert deliver_channel(sessions, "stream", publish, batch=10) == 4
        assert [int(f[b"seq"]) for _, f in client.xrange(cfg.key)] == [1, 2, 3, 4]
    finally:
        client.delete(cfg.key, meta_key(cfg))
        engine.dispose()
