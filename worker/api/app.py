"""The read API: `create_app(settings)` → FastAPI (OpenAPI schema at /openapi.json, docs at
/docs). Routers: articles, operations, metrics; the operator page registers its own."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from worker.api import articles, metrics, ops, pages
from worker.bootstrap import Runtime, open_runtime
from worker.query import QueryError
from worker.settings import Settings

logger = logging.getLogger(__name__)


async def _query_error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": str(exc)}, status_code=400)


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    app = FastAPI(
        title="newsworker read API",
        version="1",
        description="Stored Vietnamese police-affairs articles, their changes and health.",
    )
    app.state.runtime = runtime or open_runtime(settings)
    app.add_exception_handler(QueryError, _query_error)
    app.include_router(articles.router)
    app.include_router(ops.router)
    app.include_router(metrics.router)
    app.include_router(pages.router)

    @app.middleware("http")
    async def access_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        logger.info(
            "request",
            extra={
                "method": request.method, "path": request.url.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )  # fmt: skip
        return response

    return app
