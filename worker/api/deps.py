"""Shared dependencies of the API routers: the runtime, sessions, bearer-token scopes.

Routers (articles, ops, and the operator page's `worker.api.pages`) take these with
`Depends`; the app stores the Runtime on `app.state.runtime` at creation.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, params
from sqlalchemy.orm import Session

from worker.bootstrap import Runtime

SCOPE_RANK = {"read": 1, "admin": 2}


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_session(request: Request) -> Iterator[Session]:
    """A read session for one request (closed afterwards, nothing committed)."""
    with get_runtime(request).sessions() as session:
        yield session


def _token_scope(request: Request) -> str | None:
    """The scope of the request's bearer token; "admin" when auth is off."""
    tokens: dict[str, str] = get_runtime(request).settings.api_token_scopes
    if not tokens:
        return "admin"
    header = request.headers.get("authorization", "")
    kind, _, given = header.partition(" ")
    if kind.lower() != "bearer" or not given:
        return None
    for token, scope in tokens.items():
        if hmac.compare_digest(token.encode(), given.strip().encode()):
            return scope
    return None


def require(scope: str) -> params.Depends:
    def check(request: Request) -> str:
        have = _token_scope(request)
        if have is None:
            raise HTTPException(
                401, "missing or unknown bearer token", {"WWW-Authenticate": "Bearer"}
            )
        if SCOPE_RANK[have] < SCOPE_RANK[scope]:
            raise HTTPException(403, f"this token lacks the {scope} scope")
        return have

    dependency: params.Depends = Depends(check)
    return dependency


ReadScope = require("read")
AdminScope = require("admin")
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
