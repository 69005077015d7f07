"""One signed webhook POST → an Attempt (status code, error, duration). Never raises for
network trouble: timeouts, refused or dropped connections and guard refusals all come
back as an Attempt with `error` set."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

import httpx

from worker import netguard
from worker.db.models import WebhookDelivery
from worker.errors import BlockedAddress, ConnectError
from worker.notify.config import NotifyConfigError, WebhookConfig
from worker.notify.signing import sign_headers
from worker.settings import Settings
from worker.transport import total_deadline

logger = logging.getLogger(__name__)

USER_AGENT = "newsworker-webhooks/1"


@dataclass(frozen=True, slots=True)
class Attempt:
    status_code: int | None
    error: str | None
    duration_ms: int
    blocked: bool = False  # refused by the address guard (or unusable config): no retry
    connection_failed: bool = False  # timeout / refused / dropped: endpoint looks down

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Sender:
    def __init__(self, client: httpx.Client, settings: Settings) -> None:
        self._client = client
        self._allowed = netguard.parse_networks(settings.allowed_networks)
        self._allow_private = settings.allow_private_networks

    def send(self, hook: WebhookConfig, delivery: WebhookDelivery, now: datetime) -> Attempt:
        start = time.monotonic()

        def elapsed() -> int:
            return int((time.monotonic() - start) * 1000)

        try:
            netguard.check_url(hook.url, allowed=self._allowed, allow_private=self._allow_private)
            body = (delivery.body or "").encode("utf-8")
            headers = sign_headers(
                hook.secret(), delivery.event_id or "", int(now.timestamp()), body
            )
        except BlockedAddress as exc:
            return Attempt(None, f"blocked by address guard: {exc}", elapsed(), blocked=True)
        except NotifyConfigError as exc:
            return Attempt(None, f"configuration: {exc}", elapsed(), blocked=True)
        except ConnectError as exc:
            return Attempt(None, f"connect: {exc}", elapsed(), connection_failed=True)
        return self._post(hook, body, headers, start)

    def _post(
        self, hook: WebhookConfig, body: bytes, headers: dict[str, str], start: float
    ) -> Attempt:
        headers = {**headers, "user-agent": USER_AGENT}
        timeout = hook.timeout_seconds
        try:
            with (
                total_deadline(start + timeout),
                self._client.stream(
                    "POST", hook.url, content=body, headers=headers, timeout=timeout
                ) as response,
            ):
                code = response.status_code
        except httpx.TimeoutException as exc:
            return self._failed(start, f"timeout after {timeout:g}s: {type(exc).__name__}")
        except (httpx.TransportError, ConnectError) as exc:
            return self._failed(start, f"connection: {type(exc).__name__}: {exc}")
        except BlockedAddress as exc:
            ms = int((time.monotonic() - start) * 1000)
            return Attempt(None, f"blocked by address guard: {exc}", ms, blocked=True)
        ms = int((time.monotonic() - start) * 1000)
        return Attempt(code, None if 200 <= code < 300 else f"HTTP {code}", ms)

    @staticmethod
    def _failed(start: float, error: str) -> Attempt:
        ms = int((time.monotonic() - start) * 1000)
        return Attempt(None, error, ms, connection_failed=True)
