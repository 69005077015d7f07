"""Operator page: server-rendered HTML under /ui (Jinja2, autoescaped, no JavaScript).

/ui                 sources with health, recent events, re-ingest requests and progress
/ui/articles        recent records, search (q with or without diacritics) and filters
/ui/articles/{id}   one record: text, structured police fields, revision diffs

Read scope as the API: with NEWSWORKER_API_TOKENS set, requests need a bearer token (put
the page behind a proxy that adds it); without tokens the server is loopback-only.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from pydantic import ValidationError

from worker.api import page_data
from worker.api.deps import ReadScope, SessionDep
from worker.bounds import Id
from worker.db.models import Article
from worker.query import QueryError

router = APIRouter(prefix="/ui", tags=["operator page"], dependencies=[ReadScope],
                   include_in_schema=False)  # fmt: skip


@lru_cache(maxsize=1)
def templates() -> Environment:
    return Environment(
        loader=PackageLoader("worker.api", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    })  # fmt: skip


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def overview(session: SessionDep) -> HTMLResponse:
    return render(
        "overview.html",
        sources=page_data.sources(session),
        events=page_data.events(session),
        requests=page_data.requests(session),
    )


def _errors(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(map(str, e['loc'])) or 'filters'}: {e['msg']}" for e in exc.errors()]


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, session: SessionDep) -> HTMLResponse:
    params = dict(request.query_params)
    # The form shows what was asked, less NULs (refused below, and not HTML text).
    form = {name: params.get(name, "").replace("\x00", "") for name in page_data.FILTER_FIELDS}
    try:
        page = page_data.search(session, params)
    except ValidationError as exc:
        return render("articles.html", 422, form=form, items=[], next_url=None,
                      errors=_errors(exc))  # fmt: skip
    except QueryError as exc:
        return render("articles.html", 422, form=form, items=[], next_url=None,
                      errors=[str(exc)])  # fmt: skip
    next_url = None
    if page.next_cursor:
        next_url = str(request.url.include_query_params(cursor=page.next_cursor))
    items = [page_data.list_item(a) for a in page.items]
    return render("articles.html", form=form, items=items, next_url=next_url, errors=[])


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(article_id: Id, session: SessionDep) -> HTMLResponse:
    row = session.get(Article, article_id)
    if row is None:
        raise HTTPException(404, f"no article {article_id}")
    return render("article.html", a=page_data.record_view(session, row))
