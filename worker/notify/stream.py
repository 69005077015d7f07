"""Redis Stream channel: each event as one entry carrying its stable id and seq, so a
consumer group can de-duplicate redeliveries. Length bounded with MAXLEN ~ (see
worker/notify/config.py for the default and what it costs)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis

from worker.db.models import Event
from worker.notify.config import StreamConfig
from worker.notify.relay import Publish, event_message


def stream_publisher(client: redis.Redis[bytes], cfg: StreamConfig) -> Publish:
    def publish(events: list[Event]) -> None:
        pipe = client.pipeline(transaction=False)
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
        pipe.execute()

    return publish
