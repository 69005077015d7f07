"""Redis Stream channel: each event as one entry carrying its stable id and seq, so a
consumer group can de-duplicate redeliveries. Length bounded with MAXLEN ~ (see
worker/notify/config.py for the default and what it costs).

Beside the stream, a small sorted set `<key>:relay` records how far the relay got:
member `handed` = the last seq handed to the stream (filtered out or not), `published` =
the last seq written as an entry (ZADD GT: they only grow, even with two relays).
Redis restarted without its data, or restored from an older snapshot, loses that record
with the stream. A batch is written by one script that first checks the record against
the channel's cursor (the seq before the batch): when Redis remembers less than the
cursor says was published, it writes nothing and the publisher raises StreamReset; the
relay then rewinds the cursor (`reset_point`) and the outbox republishes the lost events
in seq order with the same ids. `reset_point` also runs every few seconds on its own,
so a reset is noticed while no new events arrive.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import redis

from worker.db.models import Event
from worker.errors import NewsworkerError
from worker.notify.config import StreamConfig
from worker.notify.relay import Publish, event_message

# KEYS: stream, marks. ARGV: cursor, maxlen, handed, published, then 4 fields per entry.
# Returns 0 (written) or 1 (the stream lost entries up to the cursor: nothing written).
_PUBLISH = """
local cursor = tonumber(ARGV[1])
if cursor > 0 then
  local handed = redis.call('ZSCORE', KEYS[2], 'handed')
  local published = tonumber(redis.call('ZSCORE', KEYS[2], 'published') or '0')
  if not handed or tonumber(handed) < cursor then return 1 end
  if published > 0 and redis.call('XLEN', KEYS[1]) == 0 then return 1 end
end
for i = 5, #ARGV, 4 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*',
             'id', ARGV[i], 'seq', ARGV[i + 1], 'type', ARGV[i + 2], 'data', ARGV[i + 3])
end
redis.call('ZADD', KEYS[2], 'GT', ARGV[3], 'handed')
if tonumber(ARGV[4]) > 0 then redis.call('ZADD', KEYS[2], 'GT', ARGV[4], 'published') end
return 0
"""


class StreamReset(NewsworkerError):
    """Redis lost stream entries the channel's cursor counts as published."""

    kind = "stream_reset"


def meta_key(cfg: StreamConfig) -> str:
    return f"{cfg.key}:relay"


def _fields(event: Event) -> list[str]:
    return [
        event.event_id,
        str(event.seq),
        event.type,
        json.dumps(event_message(event), ensure_ascii=False),
    ]


def stream_publisher(client: redis.Redis[bytes], cfg: StreamConfig) -> Publish:
    script = client.register_script(_PUBLISH)

    def publish(events: list[Event]) -> None:
        if not events:
            return
        matching = [e for e in events if cfg.matches(e.type, e.source_key, e.payload)]
        cursor = (events[0].seq or 1) - 1  # seqs are gapless: the batch follows the cursor
        handed, published = events[-1].seq or 0, (matching[-1].seq or 0) if matching else 0
        args: list[Any] = [cursor, cfg.maxlen, handed, published]
        for event in matching:
            args.extend(_fields(event))
        if script(keys=[cfg.key, meta_key(cfg)], args=args) == 1:
            raise StreamReset(f"stream {cfg.key} lost entries up to seq {cursor}")

    return publish


def reset_point(client: redis.Redis[bytes], cfg: StreamConfig, cursor: int) -> int | None:
    """The last seq the stream still holds when it lost events the cursor says were
    published (republish what follows), or None when nothing was lost. One round trip."""
    if cursor <= 0:
        return None
    pipe = client.pipeline(transaction=False)
    pipe.zrange(meta_key(cfg), 0, -1, withscores=True)
    pipe.xlen(cfg.key)  # 0 also for a stream a consumer group re-created empty (MKSTREAM)
    marks_raw, length = pipe.execute()
    marks = {member.decode(): int(score) for member, score in marks_raw}
    oldest_kept = max(0, cursor - cfg.maxlen)  # MAXLEN would trim anything older anyway
    if not marks:
        if length:  # a stream written before this record existed: adopt it as it is
            client.zadd(meta_key(cfg), {"handed": cursor, "published": cursor}, gt=True)
            return None
        return oldest_kept
    handed = marks.get("handed", 0)
    if handed < cursor:  # restored from an older snapshot: lost what came after
        return max(handed, oldest_kept)
    if marks.get("published", 0) and not length:  # the stream itself was deleted
        return oldest_kept
    return None


def mark_rewound(client: redis.Redis[bytes], cfg: StreamConfig, last_seq: int) -> None:
    """Record the rewind (plain ZADD: the marks go down), so a filter that matches
    nothing in the republished range does not make the stream look reset again."""
    client.zadd(meta_key(cfg), {"handed": last_seq, "published": 0})
