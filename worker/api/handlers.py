"""Error answers of the read API: what an exception raised by a route becomes.

In: QueryError (a bad filter or cursor), SQLAlchemy errors of an unreachable or overloaded
database. Out: JSON responses: 422 for bad input; 503 with `Retry-After` when the database
cannot answer now (connection refused or lost, pool exhausted, statement timeout), so that
a client backs off instead of seeing a 500 or a dropped connection. Each 503 is logged
once, with the error's class, without a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from worker.query import QueryError

logger = logging.getLogger(__name__)
# Seconds a client should wait: a full pool clears in a moment; a database that refuses
# connections is restarting or down, which takes longer.
RETRY_BUSY = 1
RETRY_DOWN = 5


def unavailable(detail: str, retry_after: int) -> JSONResponse:
    """The one shape of every 503 the API gives (overload and database errors alike)."""
    return JSONResponse(
        {"detail": detail, "retry_after": retry_after},
        status_code=503,
        headers={"Retry-After": str(retry_after)},
    )


def _error_class(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)  # the driver's exception under SQLAlchemy's wrapper
    return type(orig if isinstance(orig, BaseException) else exc).__name__


async def query_error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": str(exc)}, status_code=422)


def _encodable(value: Any) -> Any:
    """JSON data whose strings UTF-8 can encode (an unpaired surrogate becomes "?")."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_encodable(v) for v in value]
    if isinstance(value, dict):
        return {k: _encodable(v) for k, v in value.items()}
    return value


async def validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's 422, whose `input` echoes the value: one holding an unpaired surrogate
    (a JSON body can spell "\\ud800") could not be encoded and turned into a 500."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": _encodable(jsonable_encoder(exc.errors()))}, status_code=422)


async def database_unavailable(request: Request, exc: Exception) -> Response:
    """OperationalError / InterfaceError: the database refused, dropped the connection or
    cancelled the statement (statement_timeout)."""
    logger.warning(
        "database unavailable",
        extra={"error": _error_class(exc), "path": request.url.path},
    )
    return unavailable("database unavailable, retry later", RETRY_DOWN)


async def pool_exhausted(request: Request, exc: Exception) -> Response:
    """Every pooled connection stayed busy for the pool timeout."""
    logger.warning(
        "database pool exhausted",
        extra={"error": _error_class(exc), "path": request.url.path},
    )
    return unavailable("server busy, retry later", RETRY_BUSY)


async def data_error(request: Request, exc: Exception) -> Response:
    """A value the database refused (out of a column's range, NUL in text). Validation
    keeps these out (worker.bounds); this is the backstop, so it is logged."""
    logger.warning(
        "database refused a parameter",
        extra={"error": _error_class(exc), "path": request.url.path},
    )
    return JSONResponse({"detail": "a parameter is out of the range the database stores"},
                        status_code=422)  # fmt: skip


def install(app: FastAPI) -> None:
    app.add_exception_handler(QueryError, query_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(sa_exc.OperationalError, database_unavailable)
    app.add_exception_handler(sa_exc.InterfaceError, database_unavailable)
    app.add_exception_handler(sa_exc.TimeoutError, pool_exhausted)
    app.add_exception_handler(sa_exc.DataError, data_error)
