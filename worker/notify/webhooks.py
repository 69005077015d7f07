"""Webhook channel: one relay channel per configured endpoint (`webhook:<name>`).

The relay hands each endpoint's channel the events in seq order; its publish step only
records a WebhookDelivery row (pending, due now) for every event the endpoint's filter
matches, with the event JSON serialized once into the row: every retry sends the same
body and webhook-id. Sending happens in `worker.notify.delivery.deliver_due`, which the
relay loop runs each pass. A crash between recording and the cursor moving re-offers the
same events; the (endpoint, event_seq) unique key makes that a no-op.

A newly configured endpoint starts at the current head of the outbox (it is not sent
the history; `newsworker events --after SEQ` serves that). While an endpoint is disabled
its new deliveries are recorded as failed ("endpoint disabled"), so
`newsworker events redeliver --endpoint NAME --failed --enable` replays them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from worker.bootstrap import Runtime
from worker.context import utcnow
from worker.db.engine import transaction
from worker.db.models import Event, RelayCursor, WebhookDelivery, WebhookEndpoint
from worker.notify.config import NotifyConfig, WebhookConfig
from worker.notify.relay import Publish, event_message

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "webhook:"
DISABLED_ERROR = "endpoint disabled"


def channel_name(endpoint: str) -> str:
    return CHANNEL_PREFIX + endpoint


def event_body(event: Event) -> str:
    """The request body: the public event message, serialized once."""
    return json.dumps(event_message(event), ensure_ascii=False, separators=(",", ":"))


def sync_endpoints(sessions: sessionmaker[Session], cfg: NotifyConfig, now: datetime) -> None:
    """Create rows for newly configured endpoints (their cursor at the outbox head) and
    keep the stored URL in step with the file."""
    with transaction(sessions) as session:
        head: int | None = None
        for hook in cfg.webhooks:
            row = session.get(WebhookEndpoint, hook.name)
            if row is not None:
                row.url = hook.url
                continue
            session.add(WebhookEndpoint(name=hook.name, url=hook.url, status="active"))
            if head is None:
                head = session.scalar(select(func.max(Event.seq))) or 0
            if session.get(RelayCursor, channel_name(hook.name)) is None:
                cursor = RelayCursor(channel=channel_name(hook.name), last_seq=head)
                session.add(cursor)
            logger.info("webhook endpoint added", extra={"endpoint": hook.name, "from": head})


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    dialect = session.get_bind().dialect.name
    stmt: Any
    if dialect == "postgresql":
        stmt = postgresql.insert(WebhookDelivery).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(WebhookDelivery).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database {dialect}")
    session.execute(stmt, rows)


def _delivery_row(name: str, event: Event, status: str, now: datetime) -> dict[str, Any]:
    return {
        "endpoint": name,
        "event_seq": event.seq,
        "event_id": event.event_id,
        "body": event_body(event),
        "status": status,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": DISABLED_ERROR if status == "failed" else None,
    }


def webhook_publisher(
    sessions: sessionmaker[Session],
    hook: WebhookConfig,
    clock: Callable[[], datetime] = utcnow,
) -> Publish:
    def publish(events: list[Event]) -> None:
        now = clock()
        with transaction(sessions) as session:
            endpoint = session.get(WebhookEndpoint, hook.name)
            if endpoint is None:
                endpoint = WebhookEndpoint(name=hook.name, url=hook.url, status="active")
                session.add(endpoint)
                session.flush()
            status = "pending" if endpoint.status == "active" else "failed"
            rows = [
                _delivery_row(hook.name, e, status, now)
                for e in events
                if hook.matches(e.type, e.source_key, e.payload)
            ]
            if rows:
                _insert(session, rows)
            endpoint.last_seq = max(endpoint.last_seq, events[-1].seq or 0)

    return publish


def webhook_channels(rt: Runtime, cfg: NotifyConfig) -> list[tuple[str, Publish]]:
    hooks = [hook for hook in cfg.webhooks if hook.enabled]
    if not hooks:
        return []
    sync_endpoints(rt.sessions, cfg, utcnow())
    return [(channel_name(h.name), webhook_publisher(rt.sessions, h)) for h in hooks]


def webhook_delivery_step(rt: Runtime, cfg: NotifyConfig) -> Callable[[], int]:
    """The relay's pass hook sending due webhook deliveries (no-op without an enabled
    endpoint)."""
    from worker.notify.delivery import deliver_due

    if not any(hook.enabled for hook in cfg.webhooks):
        return lambda: 0
    return lambda: deliver_due(rt.sessions, rt.settings, config=cfg)
