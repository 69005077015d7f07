"""Operator actions on webhooks: replay deliveries (`newsworker events redeliver`) and the
endpoint listing (`newsworker webhooks`)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from worker.db.engine import transaction
from worker.db.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)


def redeliver(
    sessions: sessionmaker[Session],
    now: datetime,
    *,
    endpoint: str | None = None,
    failed_only: bool = True,
    since: int | None = None,
    enable: bool = False,
) -> dict[str, Any]:
    """Reset deliveries to pending, due now, with a fresh retry schedule (their attempt
    history is kept). `failed_only=False` also replays delivered ones. `enable`
    re-activates the selected endpoint(s); a disabled endpoint's reset deliveries wait
    until it is enabled."""
    statuses = ["failed"] if failed_only else ["failed", "delivered"]
    with transaction(sessions) as session:
        stmt = update(WebhookDelivery).where(WebhookDelivery.status.in_(statuses))
        if endpoint:
            stmt = stmt.where(WebhookDelivery.endpoint == endpoint)
        if since is not None:
            stmt = stmt.where(WebhookDelivery.event_seq >= since)
        result = session.execute(
            stmt.values(status="pending", attempts=0, next_attempt_at=now, last_error=None)
        )
        reset = int(getattr(result, "rowcount", 0))
        enabled = _enable(session, endpoint) if enable else []
        disabled = list(
            session.scalars(select(WebhookEndpoint.name).where(WebhookEndpoint.status != "active"))
        )
    logger.info("webhook redeliver", extra={"reset": reset, "endpoint": endpoint})
    return {"reset": reset, "enabled": enabled, "still_disabled": disabled}


def _enable(session: Session, endpoint: str | None) -> list[str]:
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.status != "active")
    if endpoint:
        stmt = stmt.where(WebhookEndpoint.name == endpoint)
    rows = list(session.scalars(stmt))
    for row in rows:
        row.status, row.disabled_reason = "active", None
    return [row.name for row in rows]


def endpoint_stats(sessions: sessionmaker[Session]) -> list[dict[str, Any]]:
    """Each stored endpoint with its status and delivery counts by status."""
    with sessions() as session:
        counts: dict[str, dict[str, int]] = {}
        rows = session.execute(
            select(WebhookDelivery.endpoint, WebhookDelivery.status, func.count()).group_by(
                WebhookDelivery.endpoint, WebhookDelivery.status
            )
        )
        for name, status, count in rows:
            counts.setdefault(name, {})[status] = int(count)
        latest = session.execute(
            select(WebhookDelivery.endpoint, func.max(WebhookAttempt.attempted_at))
            .join(WebhookAttempt, WebhookAttempt.delivery_id == WebhookDelivery.id)
            .group_by(WebhookDelivery.endpoint)
        )
        last = {name: at for name, at in latest}
        endpoints = list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.name)))
    return [
        {
            "name": e.name,
            "url": e.url,
            "status": e.status,
            "disabled_reason": e.disabled_reason,
            "last_seq": e.last_seq,
            "deliveries": {s: counts.get(e.name, {}).get(s, 0) for s in _STATUSES},
            "last_attempt_at": last[e.name].isoformat() if last.get(e.name) else None,
        }
        for e in endpoints
    ]


_STATUSES = ("pending", "delivered", "failed")
