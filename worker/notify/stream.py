"""Redis Stream channel: each event as one entry carrying its stable id and seq, so a
consumer group can de-duplicate redeliveries. Length bounded with MAXLEN ~ (see
worker/notify/config.py for the default and what it costs).

Beside the stream, a small sorted set `<key>:relay` records how far the relay got:
member `handed` = the last seq handed to the stream (filtered out or not), `published` =
the last seq written as an entry; ZADD GT keeps both monotonic when two relays race.
Redis restarted without its data (or restored from an older snapshot) loses that record
with the stream, which is how `reset_point` notices a reset: the channel's cursor says
more was published than Redis remembers. The relay then rewinds the cursor and the
events are republished from the outbox, in seq order, with the same ids.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis

from worker.db.models import Event
from worker.notify.config import StreamConfig
from worker.notify.relay import Publish, event_message


def meta_key(cfg: StreamConfig) -> str:
    return f"{cfg.key}:relay"


def stream_publisher(client: redis.Redis[bytes], cfg: StreamConfig) -> Publish:
    def publish(events: list[Event]) -> None:
        pipe = client.pipeline(transaction=False)
        published = 0
        for event in events:
            if not cfg.matches(event.type, event.source_key, event.payload):
                continue
            message = event_message(event)
            fields = {
                "id": event.event_id,
                "seq": str(event.seq),
                "type": event.type,
                "data": json.dumps(message, ensure_ascii=False),
            }
            pipe.xadd(cfg.key, fields, maxlen=cfg.maxlen, approximate=True)
            published = event.seq or published
        marks = {"handed": events[-1].seq or 0, "published": published}
        pipe.zadd(meta_key(cfg), {k: v for k, v in marks.items() if v}, gt=True)
        pipe.execute()

    return publish


def reset_point(client: redis.Redis[bytes], cfg: StreamConfig, cursor: int) -> int | None:
    """The last seq the stream still holds when it lost events the cursor says were
    published (republish what follows), or None when nothing was lost. One round trip."""
    if cursor <= 0:
        return None
    pipe = client.pipeline(transaction=False)
    pipe.zrange(meta_key(cfg), 0, -1, withscores=True)
    pipe.exists(cfg.key)
    marks_raw, exists = pipe.execute()
    marks = {member.decode(): int(score) for member, score in marks_raw}
    oldest_kept = max(0, cursor - cfg.maxlen)  # MAXLEN would trim anything older anyway
    if not marks:
        if exists:  # a stream written before this record existed: adopt it as it is
            client.zadd(meta_key(cfg), {"handed": cursor, "published": cursor}, gt=True)
            return None
        return oldest_kept
    handed = marks.get("handed", 0)
    if handed < cursor:  # restored from an older snapshot: lost what came after
        return max(handed, oldest_kept)
    if marks.get("published", 0) and not exists:  # the stream key itself was deleted
        return oldest_kept
    return None


def mark_rewound(client: redis.Redis[bytes], cfg: StreamConfig, last_seq: int) -> None:
    """Record the rewind (plain ZADD: the marks go down), so a filter that matches
    nothing in the republished range does not make the stream look reset again."""
    client.zadd(meta_key(cfg), {"handed": last_seq, "published": 0})
