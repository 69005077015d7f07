"""Webhook sending: POST due deliveries, record every attempt, retry with backoff.

Outcome of one attempt (each recorded as a WebhookAttempt: status code, error, duration):
  2xx                      delivered
  410 Gone                 delivery failed, endpoint disabled (reason kept), its pending
                           deliveries stop (marked failed: `events redeliver` replays them)
  target refused by the    delivery failed at once (the same guard as fetching:
  private-address guard    NEWSWORKER_ALLOWED_NETWORKS / NEWSWORKER_ALLOW_PRIVATE_NETWORKS)
  anything else            (other status, timeout, refused or dropped connection) retried

Retry schedule (RETRY_BASES): after the n-th failed attempt the next one waits a
uniformly random time in [0, base_n] ("full jitter", so a fleet of deliveries failing
together does not retry in lock step): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 14 h.
That is 9 attempts in all, spread over ~23 h on average (at most 45.6 h). When the
schedule is exhausted the delivery fails and the endpoint is disabled.

Each delivery is claimed before sending (its next_attempt_at pushed past the request
timeout by a conditional UPDATE), so two relays never send it at once and a crash
mid-request retries it after the lease. Delivery is at least once; per endpoint, due
deliveries go out in seq order.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from worker import netguard
from worker.context import utcnow
from worker.db.engine import transaction
from worker.db.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from worker.notify.config import NotifyConfig, WebhookConfig, load_notify_config
from worker.notify.sender import Attempt, Sender
from worker.settings import Settings
from worker.transport import build_transport

logger = logging.getLogger(__name__)

RETRY_BASES: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000, 50400, 50400)
MAX_ATTEMPTS = len(RETRY_BASES) + 1
LEASE_MARGIN = timedelta(seconds=60)
Jitter = Callable[[float], float]


def full_jitter(base: float) -> float:
    return random.uniform(0, base)  # jitter, not security


def retry_delay(failed_attempts: int, jitter: Jitter = full_jitter) -> float | None:
    """Seconds to wait after the `failed_attempts`-th failure; None when exhausted."""
    if failed_attempts < 1 or failed_attempts > len(RETRY_BASES):
        return None
    return jitter(RETRY_BASES[failed_attempts - 1])


def disable_endpoint(session: Session, name: str, reason: str) -> None:
    session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.name == name)
        .values(status="disabled", disabled_reason=reason)
    )
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint == name, WebhookDelivery.status == "pending")
        .values(status="failed", last_error=f"endpoint disabled: {reason}")
    )
    logger.warning("webhook endpoint disabled", extra={"endpoint": name, "reason": reason})


def _due(session: Session, now: datetime, names: list[str], limit: int) -> list[int]:
    stmt = (
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookEndpoint.name == WebhookDelivery.endpoint)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.status == "active",
            WebhookDelivery.endpoint.in_(names),
        )
        .order_by(WebhookDelivery.event_seq, WebhookDelivery.endpoint)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def _claim(
    sessions: sessionmaker[Session], delivery_id: int, now: datetime, lease: timedelta
) -> WebhookDelivery | None:
    """Take the delivery for one attempt, or None when another relay has it."""
    with transaction(sessions) as session:
        claimed = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + lease)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None
        return session.get(WebhookDelivery, delivery_id)


def _record(
    sessions: sessionmaker[Session],
    delivery_id: int,
    attempt: Attempt,
    now: datetime,
    jitter: Jitter,
) -> str:
    """Store the attempt and move the delivery on. Returns the delivery's new status."""
    with transaction(sessions) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            return "gone"
        session.add(
            WebhookAttempt(
                delivery_id=delivery_id, attempted_at=now, status_code=attempt.status_code,
                error=attempt.error, duration_ms=attempt.duration_ms,
            )
        )  # fmt: skip
        delivery.attempts += 1
        delivery.last_error = attempt.error
        if attempt.ok:
            delivery.status, delivery.delivered_at = "delivered", now
        elif attempt.status_code == 410:
            delivery.status = "failed"
            disable_endpoint(session, delivery.endpoint, "410 Gone")
        elif attempt.blocked:
            delivery.status = "failed"
        else:
            _schedule_retry(session, delivery, now, jitter)
        return delivery.status


def _schedule_retry(
    session: Session, delivery: WebhookDelivery, now: datetime, jitter: Jitter
) -> None:
    delay = retry_delay(delivery.attempts, jitter)
    if delay is None:
        delivery.status = "failed"
        reason = f"retries exhausted ({delivery.attempts} attempts) for event {delivery.event_seq}"
        session.flush()
        disable_endpoint(session, delivery.endpoint, reason)
        return
    delivery.next_attempt_at = now + timedelta(seconds=delay)


def _client(settings: Settings, transport: httpx.BaseTransport | None) -> httpx.Client:
    if transport is None:
        allowed = netguard.parse_networks(settings.allowed_networks)
        transport = build_transport(allowed, settings.allow_private_networks)
    return httpx.Client(transport=transport, follow_redirects=False, trust_env=False)


def _fixed(now: datetime) -> Callable[[], datetime]:
    return lambda: now


@dataclass(slots=True)
class _Pass:
    sessions: sessionmaker[Session]
    sender: Sender
    hooks: dict[str, WebhookConfig]
    clock: Callable[[], datetime]
    jitter: Jitter
    skipped: set[str] = field(default_factory=set)

    def attempt(self, delivery_id: int) -> int:
        started = self.clock()
        with self.sessions() as session:
            endpoint = session.scalar(
                select(WebhookDelivery.endpoint).where(WebhookDelivery.id == delivery_id)
            )
        if endpoint is None or endpoint in self.skipped:
            return 0
        hook = self.hooks[endpoint]
        lease = timedelta(seconds=hook.timeout_seconds) + LEASE_MARGIN
        delivery = _claim(self.sessions, delivery_id, started, lease)
        if delivery is None:
            return 0
        attempt = self.sender.send(hook, delivery, started)
        status = _record(self.sessions, delivery_id, attempt, started, self.jitter)
        logger.info(
            "webhook attempt",
            extra={"endpoint": endpoint, "seq": delivery.event_seq, "status": status,
                   "code": attempt.status_code, "error": attempt.error},
        )  # fmt: skip
        if status == "failed" or attempt.connection_failed:
            self.skipped.add(endpoint)
        return 1


def deliver_due(
    sessions: sessionmaker[Session],
    settings: Settings,
    now: datetime | None = None,
    *,
    config: NotifyConfig | None = None,
    clock: Callable[[], datetime] = utcnow,
    transport: httpx.BaseTransport | None = None,
    jitter: Jitter = full_jitter,
    limit: int = 200,
) -> int:
    """One pass: attempt every due delivery (up to `limit`). Returns attempts made.

    `now` fixes the pass's time (tests); otherwise `clock()` is read before each attempt.
    After a timeout or connection failure the endpoint's other deliveries wait for the
    next pass, so a dead endpoint costs one timeout per pass, not one per event.
    """
    cfg = config or load_notify_config(settings.config_dir)
    hooks = {hook.name: hook for hook in cfg.webhooks if hook.enabled}
    pass_clock = clock if now is None else _fixed(now)
    with sessions() as session:
        due = _due(session, pass_clock(), list(hooks), limit)
    if not due:
        return 0
    with _client(settings, transport) as client:
        run = _Pass(sessions, Sender(client, settings), hooks, pass_clock, jitter)
        return sum(run.attempt(delivery_id) for delivery_id in due)
