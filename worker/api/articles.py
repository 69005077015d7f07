"""Article endpoints: filtered listing with cursor pagination, one record with its cluster
links, revisions and the diff between two revisions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import ConfigDict, Field
from sqlalchemy import select

from worker.api.deps import ReadScope, SessionDep
from worker.bounds import Id
from worker.db.models import Article, ArticleRevision
from worker.notify.events import record_diff
from worker.query import (
    DEFAULT_PAGE,
    MAX_CURSOR,
    MAX_PAGE,
    ArticleFilters,
    SortField,
    fetch_page,
)

router = APIRouter(tags=["articles"], dependencies=[ReadScope])
MAX_LINKS = 200


class ListParams(ArticleFilters):
    """Filters plus paging; unknown parameters are rejected (422), not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sort: SortField = "published_at"
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(default=None, max_length=MAX_CURSOR)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def summary(article: Article) -> dict[str, Any]:
    """The listing shape: identifiers, times, title and lead (plain text), structure keys."""
    return {
        "id": article.id, "source": article.source_key, "url": article.url,
        "canonical_url": article.canonical_url, "title": article.title,
        "lead": article.record.get("lead"), "status": article.status,
        "revision": article.revision, "published_at": _iso(article.published_at),
        "first_seen_at": _iso(article.first_seen_at), "updated_at": _iso(article.updated_at),
        "genre": article.genre, "relevance": article.relevance,
        "is_police_affairs": article.is_police_affairs,
        "story_id": article.story_id, "case_id": article.case_id,
    }  # fmt: skip


@router.get("/articles")
def list_articles(params: Annotated[ListParams, Query()], session: SessionDep) -> dict[str, Any]:
    query = ArticleFilters.model_validate(
        params.model_dump(exclude={"sort", "limit", "cursor"})
    ).to_query()
    page = fetch_page(session, query, sort=params.sort, limit=params.limit, cursor=params.cursor)
    return {
        "items": [summary(a) for a in page.items],
        "next_cursor": page.next_cursor,
        "limit": params.limit,
        "sort": params.sort,
    }


def _get(session: SessionDep, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    return article


def _cluster(session: SessionDep, column: Any, value: int | None, own: int) -> dict[str, Any]:
    if value is None:
        return {"id": None, "article_ids": []}
    stmt = (
        select(Article.id)
        .where(column == value, Article.id != own)
        .order_by(Article.id)
        .limit(MAX_LINKS)
    )
    return {"id": value, "article_ids": list(session.scalars(stmt))}


@router.get("/articles/{article_id}")
def get_article(article_id: Id, session: SessionDep) -> dict[str, Any]:
    """The full public record (structured fields under `police`) plus storage fields and
    the other members of its story (syndicated copies) and case (same incident)."""
    article = _get(session, article_id)
    body = summary(article)
    body.update(
        record=article.record,
        police=article.record.get("police"),
        content_hash=article.content_hash,
        parser_version=article.parser_version,
        fetched_at=_iso(article.fetched_at),
        checked_at=_iso(article.checked_at),
        story=_cluster(session, Article.story_id, article.story_id, article.id),
        case=_cluster(session, Article.case_id, article.case_id, article.id),
    )
    return body


@router.get("/articles/{article_id}/revisions")
def list_revisions(article_id: Id, session: SessionDep, full: bool = False) -> dict[str, Any]:
    """Every stored version, oldest first; `full=true` includes each version's record."""
    _get(session, article_id)
    stmt = (
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article_id)
        .order_by(ArticleRevision.revision)
    )
    items = []
    for rev in session.scalars(stmt):
        item: dict[str, Any] = {
            "revision": rev.revision, "content_hash": rev.content_hash,
            "parser_version": rev.parser_version, "created_at": _iso(rev.created_at),
        }  # fmt: skip
        if full:
            item["record"] = rev.record
        items.append(item)
    return {"article_id": article_id, "revisions": items}


def _revision(session: SessionDep, article_id: int, number: int) -> ArticleRevision:
    stmt = select(ArticleRevision).where(
        ArticleRevision.article_id == article_id, ArticleRevision.revision == number
    )
    rev = session.scalars(stmt).first()
    if rev is None:
        raise HTTPException(404, f"article {article_id} has no revision {number}")
    return rev


@router.get("/articles/{article_id}/diff")
def diff_revisions(
    article_id: Id,
    session: SessionDep,
    from_: Annotated[Id, Query(alias="from")],
    to: Annotated[Id, Query()],
) -> dict[str, Any]:
    """What changed between two revisions (the same shape as article.updated events)."""
    _get(session, article_id)
    old = _revision(session, article_id, from_)
    new = _revision(session, article_id, to)
    diff = record_diff(old.record, new.record)
    return {"article_id": article_id, "from": from_, "to": to, **diff}
