"""Bounded work in flight for one `serve` process: requests, threads and connections.

In: Settings (NEWSWORKER_API_CONCURRENCY, _QUEUE_SECONDS, _POOL_TIMEOUT_SECONDS,
_STATEMENT_TIMEOUT_SECONDS). Out: the database pool options of the API's engine, the
size of the thread pool that runs the sync routes, and `InFlightLimit`, the outermost
ASGI middleware.

One number sizes all three: at most CONCURRENCY requests are handled at once; each runs
its sync route on one of CONCURRENCY threads and holds at most one of CONCURRENCY pooled
connections, so an admitted request never queues for a thread or, while the database
keeps up, for a connection. Up to CONCURRENCY more requests wait for a slot, each at most
QUEUE_SECONDS; any other is answered 503 with Retry-After at once, without touching the
database. So a crowd gets fast refusals instead of 30-second waits that end in 500s, and
an admitted request waits behind at most CONCURRENCY others: under a crowd a time limit
alone would make every admitted request wait nearly QUEUE_SECONDS.
"""

from __future__ import annotations

import logging
import math
import time

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from worker.api.handlers import RETRY_BUSY, unavailable
from worker.db.engine import PoolOptions
from worker.settings import Settings

logger = logging.getLogger(__name__)
LOG_EVERY_SECONDS = 10.0


def pool_options(settings: Settings) -> PoolOptions:
    """The API engine's pool: one connection per request slot, no overflow, a short wait."""
    return PoolOptions(
        size=settings.api_concurrency,
        timeout=settings.api_pool_timeout_seconds,
        connect_timeout=max(2, math.ceil(settings.api_pool_timeout_seconds)),
        statement_timeout_ms=round(settings.api_statement_timeout_seconds * 1000),
    )


def size_thread_pool(settings: Settings) -> None:
    """anyio's default limiter (40 threads) runs FastAPI's sync routes and dependencies;
    sized to the request limit. Call inside the event loop (the app's lifespan)."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = settings.api_concurrency


class InFlightLimit:
    """At most `limit` HTTP requests inside `app` at once and `limit` more waiting, each
    for at most `wait` seconds; the others get 503 + Retry-After. Refusals are counted and
    logged at most every LOG_EVERY_SECONDS, so a flood does not turn into a flood of log
    lines."""

    def __init__(self, app: ASGIApp, limit: int, wait: float) -> None:
        self.app = app
        self.limit = limit
        self.wait = wait
        self.slots = anyio.Semaphore(limit)
        self.waiting = 0
        self.refused = 0
        self._logged_refused = 0
        self._logged_at = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not await self._acquire():
            self._refuse()
            response = unavailable("server busy, retry later", RETRY_BUSY)
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()

    async def _acquire(self) -> bool:
        try:
            self.slots.acquire_nowait()
            return True
        except anyio.WouldBlock:
            if self.waiting >= self.limit:
                return False
        self.waiting += 1
        try:
            with anyio.move_on_after(self.wait):
                await self.slots.acquire()
                return True
            return False
        finally:
            self.waiting -= 1

    def _refuse(self) -> None:
        self.refused += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY_SECONDS:
            logger.warning(
                "API at its concurrency limit: requests refused with 503",
                extra={"limit": self.limit, "refused": self.refused - self._logged_refused},
            )
            self._logged_at, self._logged_refused = now, self.refused
