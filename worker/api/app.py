"""The read API: `create_app(settings)` → FastAPI (OpenAPI schema at /openapi.json, docs at
/docs). Routers: articles, operations, metrics; the operator page registers its own.
`app_from_env` is the factory uvicorn's worker processes import (`serve --workers N`).

Bounded: at most NEWSWORKER_API_CONCURRENCY requests in flight, with as many threads and
pooled connections (worker.api.limits); errors become JSON 422/503 (worker.api.handlers).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from worker.api import articles, handlers, metrics, ops, pages
from worker.api.limits import InFlightLimit, pool_options, size_thread_pool
from worker.bootstrap import Runtime, open_runtime
from worker.logs import setup_logging
from worker.settings import Settings, get_settings

logger = logging.getLogger(__name__)


class AccessLog:
    """One INFO line per request (method, path, status, ms). Plain ASGI: the decorator
    form (BaseHTTPMiddleware) costs a task group and streams per request, on the event
    loop that a crowd keeps busy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception escaping the app is answered 500 outside it

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            logger.info(
                "request",
                extra={
                    "method": scope["method"], "path": scope["path"], "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )  # fmt: skip


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        size_thread_pool(settings)
        yield

    app = FastAPI(
        title="newsworker read API",
        version="1",
        description="Stored Vietnamese police-affairs articles, their changes and health.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime or open_runtime(settings, pool=pool_options(settings))
    handlers.install(app)
    app.include_router(articles.router)
    app.include_router(ops.router)
    app.include_router(metrics.router)
    app.include_router(pages.router)

    app.add_middleware(AccessLog)
    # Added last, so outermost: a refused request costs no routing, logging or database.
    app.add_middleware(
        InFlightLimit, limit=settings.api_concurrency, wait=settings.api_queue_seconds
    )
    return app


def app_from_env() -> FastAPI:
    """The app of one uvicorn worker process: settings from the environment, as `serve`."""
    settings = get_settings()
    setup_logging(settings)
    return create_app(settings)
