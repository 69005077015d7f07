"""Webhook sending: POST due deliveries, record every attempt, retry with backoff.

Outcome of one attempt (each recorded as a WebhookAttempt: status code, error, duration):
  2xx                      delivered
  410 Gone                 delivery failed, endpoint disabled (reason kept), its pending
                           deliveries stop (marked failed: `events redeliver` replays them)
  target refused by the    delivery failed at once (the same guard as fetching:
  private-address guard    NEWSWORKER_ALLOWED_NETWORKS / NEWSWORKER_ALLOW_PRIVATE_NETWORKS)
  anything else            (other status, timeout, refused or dropped connection) retried

Order: per endpoint, deliveries go out in seq order. Only the endpoint's oldest pending
delivery (its head) is tried while it fails; the newer ones wait behind it, and once it
succeeds they follow in the same pass, in order. A failure of any of them stops that
endpoint for the pass (it becomes the new head).

Retry schedule: after the n-th failed attempt the next one waits a uniformly random time
in [0, min(5 s * 2^(n-1), NEWSWORKER_WEBHOOK_RETRY_MAX_SECONDS)] ("full jitter", so
deliveries failing together do not retry in lock step): 5, 10, 20, 40 ... capped at 300 s
by default, so an endpoint that comes back is served within the cap. Once a delivery has
been failing for NEWSWORKER_WEBHOOK_GIVE_UP_HOURS (24 h by default, counted from its first
attempt since it was last reset) it fails and the endpoint is disabled (its pending
deliveries are marked failed; `newsworker events redeliver --failed --enable` replays).

Each delivery is claimed before sending (its next_attempt_at pushed past the request
timeout by a conditional UPDATE), so two relays never send it at once and a crash
mid-request retries it after the lease. A relay that cannot claim an endpoint's head
leaves the endpoint to the relay that holds it. Delivery is at least once.
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

RETRY_FIRST = 5.0  # seconds: the first retry's base, doubled after each failure
LEASE_MARGIN = timedelta(seconds=60)
Jitter = Callable[[float], float]


def full_jitter(base: float) -> float:
    return random.uniform(0, base)  # jitter, not security


def retry_base(failed_attempts: int, cap: float) -> float:
    """The upper bound of the wait after the `failed_attempts`-th failure (n >= 1)."""
    exponent = min(max(failed_attempts, 1) - 1, 30)  # 5 s * 2^30 is past any cap
    return min(cap, RETRY_FIRST * 2.0**exponent)


def retry_delay(failed_attempts: int, cap: float, jitter: Jitter = full_jitter) -> float:
    """Seconds to wait after the `failed_attempts`-th failure: jitter over the base."""
    return jitter(retry_base(failed_attempts, cap))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    cap_seconds: float
    give_up_after: timedelta
    jitter: Jitter = full_jitter

    @classmethod
    def of(cls, settings: Settings, jitter: Jitter = full_jitter) -> RetryPolicy:
        give_up = timedelta(hours=settings.webhook_give_up_hours)
        return cls(settings.webhook_retry_max_seconds, give_up, jitter)


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


def _endpoint_queue(
    session: Session, name: str, now: datetime, limit: int
) -> list[tuple[int, int]]:
    """The endpoint's pending deliveries in seq order as (event_seq, id), when its head
    (the oldest pending one) is due; none while the head waits for its retry."""
    stmt = (
        select(WebhookDelivery.event_seq, WebhookDelivery.id, WebhookDelivery.next_attempt_at)
        .where(WebhookDelivery.endpoint == name, WebhookDelivery.status == "pending")
        .order_by(WebhookDelivery.event_seq)
        .limit(limit)
    )
    rows = session.execute(stmt).all()
    if not rows or rows[0].next_attempt_at > now:
        return []
    return [(row.event_seq, row.id) for row in rows]


def _due(session: Session, now: datetime, names: list[str], limit: int) -> list[int]:
    """Delivery ids to try this pass: each active endpoint's queue behind a due head,
    interleaved by seq (endpoints served fairly), at most `limit`."""
    active = set(
        session.scalars(
            select(WebhookEndpoint.name).where(
                WebhookEndpoint.name.in_(names), WebhookEndpoint.status == "active"
            )
        )
    )
    queued = [
        (seq, name, delivery_id)
        for name in sorted(active)
        for seq, delivery_id in _endpoint_queue(session, name, now, limit)
    ]
    return [delivery_id for _, _, delivery_id in sorted(queued)[:limit]]


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
    policy: RetryPolicy,
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
            _schedule_retry(session, delivery, now, policy)
        return delivery.status


def _failing_since(session: Session, delivery: WebhookDelivery, now: datetime) -> datetime:
    """When the delivery's current run of attempts began: its first attempt since it was
    created or last reset (`events redeliver` sets attempts back to 0)."""
    session.flush()
    first = session.scalar(
        select(WebhookAttempt.attempted_at)
        .where(WebhookAttempt.delivery_id == delivery.id)
        .order_by(WebhookAttempt.id.desc())
        .offset(max(delivery.attempts - 1, 0))
        .limit(1)
    )
    return first or now


def _schedule_retry(
    session: Session, delivery: WebhookDelivery, now: datetime, policy: RetryPolicy
) -> None:
    since = _failing_since(session, delivery, now)
    if now - since >= policy.give_up_after:
        delivery.status = "failed"
        hours = round((now - since).total_seconds() / 3600, 1)
        reason = (
            f"retries exhausted ({delivery.attempts} attempts over {hours} h)"
            f" for event {delivery.event_seq}"
        )
        session.flush()
        disable_endpoint(session, delivery.endpoint, reason)
        return
    delay = retry_delay(delivery.attempts, policy.cap_seconds, policy.jitter)
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
    policy: RetryPolicy
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
        if delivery is None:  # another relay has it (or it moved on): keep the order
            self.skipped.add(endpoint)
            return 0
        attempt = self.sender.send(hook, delivery, started)
        status = _record(self.sessions, delivery_id, attempt, started, self.policy)
        logger.info(
            "webhook attempt",
            extra={"endpoint": endpoint, "seq": delivery.event_seq, "status": status,
                   "code": attempt.status_code, "error": attempt.error},
        )  # fmt: skip
        if status != "delivered" and not attempt.blocked:
            self.skipped.add(endpoint)  # the rest wait behind this one (head of line)
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
    """One pass: attempt due deliveries (up to `limit`), each endpoint's in seq order and
    only behind a due head. Returns attempts made.

    `now` fixes the pass's time (tests); otherwise `clock()` is read before each attempt.
    After any failure of an endpoint its later deliveries wait for the next pass, so a dead
    endpoint costs one request per retry of its head, not one per event.
    """
    cfg = config or load_notify_config(settings.config_dir)
    hooks = {hook.name: hook for hook in cfg.webhooks if hook.enabled}
    pass_clock = clock if now is None else _fixed(now)
    with sessions() as session:
        due = _due(session, pass_clock(), list(hooks), limit)
    if not due:
        return 0
    with _client(settings, transport) as client:
        policy = RetryPolicy.of(settings, jitter)
        run = _Pass(sessions, Sender(client, settings), hooks, pass_clock, policy)
        return sum(run.attempt(delivery_id) for delivery_id in due)
