"""Query stage: article filters → a SQLAlchemy select, with keyset (cursor) pagination.

Shared by the read API, exports and the operator page. `ArticleFilters` (pydantic) is the
edge: it validates raw parameters and limits query cost; `ArticleQuery` (frozen) is what
the builders take. Pagination sorts by published_at or first_seen_at, newest first, id
breaking ties; a cursor is the opaque base64 of the last row's (sort value, id), so rows
inserted between pages are never returned twice and never push a row off a page.
Articles without a publication time come last when sorting by published_at.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from scrapers.text import fold_key
from worker.bounds import Id, Storable, StoredText, checked_id
from worker.db.models import Article, ArticleFacet, Source

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SortField = Literal["published_at", "first_seen_at"]
MAX_PAGE = 200
DEFAULT_PAGE = 50
MAX_Q = 200
MAX_SOURCES = 50
MAX_FILTERS = 10
MAX_PERSON_TOKENS = 6


MAX_CURSOR = 200


class QueryError(ValueError):
    """A bad filter or cursor (the API answers 422)."""


def in_utc_range(value: datetime) -> datetime:
    """An aware time that has a UTC equivalent (ValueError otherwise, e.g. year 1 at +14:00
    or 9999-12-31 at -14:00, which the database layer's UTC conversion would overflow)."""
    try:
        value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("time is out of range once in UTC") from exc
    return value


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """Validated filters; empty/None means "any"."""

    sources: tuple[str, ...] = ()
    province: str | None = None
    outlet_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    time_field: SortField = "published_at"
    topic: str | None = None
    genre: str | None = None
    crime_article: str | None = None
    person: str | None = None
    q: str | None = None
    story_id: int | None = None
    case_id: int | None = None
    status: str | None = None
    is_police_affairs: bool | None = None


class ArticleFilters(BaseModel):
    """Raw parameters (API query string, CLI options) → ArticleQuery, with cost limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: list[StoredText] = Field(default_factory=list, max_length=MAX_SOURCES)
    province: Annotated[str, Field(min_length=1, max_length=100), Storable] | None = None
    outlet_type: Annotated[str, Field(min_length=1, max_length=40), Storable] | None = None
    since: datetime | None = None
    until: datetime | None = None
    time_field: SortField = "published_at"
    topic: Annotated[str, Field(min_length=1, max_length=100), Storable] | None = None
    genre: Annotated[str, Field(min_length=1, max_length=40), Storable] | None = None
    crime_article: str | None = Field(default=None, pattern=r"^\d{1,4}[a-z]?$")
    person: Annotated[str, Field(min_length=1, max_length=100), Storable] | None = None
    q: Annotated[str, Field(min_length=1, max_length=MAX_Q), Storable] | None = None
    story_id: Id | None = None
    case_id: Id | None = None
    status: Literal["active", "removed"] | None = None
    is_police_affairs: bool | None = None

    @field_validator("since", "until")
    @classmethod
    def _zone(cls, value: datetime | None) -> datetime | None:
        """Times without an offset are Vietnamese time (as in the CLI); stored times are
        UTC, so the time must have one (0001-01-01T00:00+14:00 has none)."""
        if value is None:
            return None
        value = value.replace(tzinfo=VN) if value.tzinfo is None else value
        return in_utc_range(value)

    @field_validator("q", "person")
    @classmethod
    def _foldable(cls, value: str | None) -> str | None:
        if value is not None and not fold_key(value).strip(" \t\n.,;:-\"'"):
            raise ValueError("has no searchable characters")
        return value

    @model_validator(mode="after")
    def _cost(self) -> ArticleFilters:
        if self.since and self.until and self.since > self.until:
            raise ValueError("since is after until")
        if self.person and len(fold_key(self.person).split()) > MAX_PERSON_TOKENS:
            raise ValueError(f"person: at most {MAX_PERSON_TOKENS} words")
        names = ("province", "outlet_type", "since", "until", "topic", "genre", "crime_article",
                 "person", "q", "story_id", "case_id", "status", "is_police_affairs")  # fmt: skip
        active = sum(getattr(self, n) is not None for n in names) + bool(self.source)
        if active > MAX_FILTERS:
            raise ValueError(f"at most {MAX_FILTERS} filters at once")
        return self

    def to_query(self) -> ArticleQuery:
        data = self.model_dump()
        data["sources"] = tuple(data.pop("source"))
        return ArticleQuery(**data)


# --- filters -------------------------------------------------------------------------------


def _facet(name: str | Sequence[str], *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    names = [name] if isinstance(name, str) else list(name)
    facet = ArticleFacet.facet == names[0] if len(names) == 1 else ArticleFacet.facet.in_(names)
    return exists().where(ArticleFacet.article_id == Article.id, facet, *conditions)


@lru_cache(maxsize=1)
def _province_names() -> dict[str, tuple[str, ...]]:
    """Folded province name → the stored spellings (both schemes), e.g. 'thanh hoa'."""
    from scrapers.police.gazetteer import gazetteer

    names: dict[str, set[str]] = {}
    for table in gazetteer().provinces.values():
        for province in table.values():
            for key in (province.short, province.name):
                names.setdefault(fold_key(key), set()).add(province.short)
    return {k: tuple(sorted(v)) for k, v in names.items()}


def province_values(name: str) -> tuple[str, ...]:
    """The stored facet values a province parameter means ("Thanh Hoa" → "Thanh Hóa")."""
    return _province_names().get(fold_key(name.strip()), (name.strip(),))


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _person(name: str) -> ColumnElement[bool]:
    """The folded name exactly, or one person whose folded name holds every given word."""
    folded = " ".join(fold_key(name).split())
    spaced = literal(" ") + ArticleFacet.value + literal(" ")
    words = [spaced.like(f"% {_like_escape(w)} %", escape="\\") for w in folded.split()]
    return _facet("person", or_(ArticleFacet.value == folded, and_(*words)))


def _words_in_text(words: str) -> ColumnElement[bool]:
    vector: ColumnElement[Any] = literal_column("articles.search_vector")
    folded = " ".join(fold_key(words).split())
    return vector.bool_op("@@")(func.plainto_tsquery(literal_column("'simple'"), folded))


def _search(q: str, dialect: str) -> ColumnElement[bool]:
    folded = " ".join(fold_key(q).split())
    if dialect == "postgresql":
        # search_vector: the stored tsvector of search_text with its GIN index (0006).
        vector: ColumnElement[Any] = literal_column("articles.search_vector")
        return vector.bool_op("@@")(func.phraseto_tsquery(literal_column("'simple'"), folded))
    return Article.search_text.like(f"%{_like_escape(folded)}%", escape="\\")


def _time_column(field: SortField) -> InstrumentedAttribute[Any]:
    return Article.published_at if field == "published_at" else Article.first_seen_at


def _column_filters(query: ArticleQuery) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    column = _time_column(query.time_field)
    if query.sources:
        out.append(Article.source_key.in_(query.sources))
    if query.since is not None:
        out.append(column >= query.since)
    if query.until is not None:
        out.append(column < query.until)
    for name in ("story_id", "case_id", "status", "genre", "is_police_affairs"):
        value = getattr(query, name)
        if value is not None:
            out.append(getattr(Article, name) == value)
    return out


def conditions(query: ArticleQuery, dialect: str) -> list[ColumnElement[bool]]:
    """WHERE clauses of the query's filters (ANDed)."""
    out = _column_filters(query)
    if query.province:
        values = province_values(query.province)
        out.append(_facet(("province", "province_2025"), ArticleFacet.value.in_(values)))
    if query.outlet_type:
        kinds = select(Source.key).where(Source.outlet_type == query.outlet_type)
        out.append(Article.source_key.in_(kinds))
    for facet in ("topic", "crime_article"):
        value = getattr(query, facet)
        if value:
            out.append(_facet(facet, ArticleFacet.value == value))
    if query.person:
        out.append(_person(query.person))
        if dialect == "postgresql":
            # Names are taken from the text, so their words are in the folded text: the
            # full-text index narrows the articles before the per-article facet check.
            out.append(_words_in_text(query.person))
    if query.q:
        out.append(_search(query.q, dialect))
    return out


def filtered_select(query: ArticleQuery, dialect: str) -> Select[Article]:
    """select(Article) with the filters, unordered (exports add their own order)."""
    return select(Article).where(*conditions(query, dialect))


# --- keyset pagination ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cursor:
    sort: SortField
    value: datetime | None
    id: int


def encode_cursor(cursor: Cursor) -> str:
    value = cursor.value.isoformat() if cursor.value else None
    raw = json.dumps([cursor.sort, value, cursor.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_fields(token: str) -> Cursor:
    if len(token) > MAX_CURSOR:
        raise ValueError("too long")
    padded = token + "=" * (-len(token) % 4)
    field, value, last_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
    if field not in get_args(SortField):
        raise ValueError("unknown sort field")
    if value is None:
        return Cursor(field, None, checked_id(last_id))
    if not isinstance(value, str):
        raise ValueError("sort value is not a time")
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise ValueError("sort value has no offset")
    return Cursor(field, in_utc_range(when), checked_id(last_id))


def decode_cursor(token: str, sort: SortField) -> Cursor:
    """The cursor a page gave, or QueryError for anything this server could not have
    issued (bad base64 or JSON, wrong shape, an id out of the columns' range)."""
    try:
        cursor = _cursor_fields(token)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise QueryError("cursor is not one this server issued") from exc
    if cursor.sort != sort:
        raise QueryError(f"cursor was issued for sort={cursor.sort}, not sort={sort}")
    return cursor


def _after(cursor: Cursor) -> ColumnElement[bool]:
    """Rows strictly after the cursor in (value DESC NULLS LAST, id DESC) order."""
    column = _time_column(cursor.sort)
    if cursor.value is None:
        return and_(column.is_(None), Article.id < cursor.id)
    later = [column < cursor.value, and_(column == cursor.value, Article.id < cursor.id)]
    if cursor.sort == "published_at":
        later.append(column.is_(None))  # NULLS LAST: every undated row follows
    return or_(*later)


def page_select(
    query: ArticleQuery, dialect: str, *, sort: SortField, limit: int, after: Cursor | None
) -> Select[Article]:
    """One page (limit + 1 rows, to know whether another page follows)."""
    column = _time_column(sort)
    stmt = filtered_select(query, dialect)
    if after is not None:
        stmt = stmt.where(_after(after))
    # Exactly the order of migration 0006's indexes (first_seen_at is never NULL).
    order = column.desc().nulls_last() if sort == "published_at" else column.desc()
    return stmt.order_by(order, Article.id.desc()).limit(limit + 1)


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Article]
    next_cursor: str | None


def fetch_page(
    session: Session,
    query: ArticleQuery,
    *,
    sort: SortField = "published_at",
    limit: int = DEFAULT_PAGE,
    cursor: str | None = None,
) -> Page:
    if not 1 <= limit <= MAX_PAGE:
        raise QueryError(f"limit must be between 1 and {MAX_PAGE}")
    after = decode_cursor(cursor, sort) if cursor else None
    dialect = session.get_bind().dialect.name
    rows = list(session.scalars(page_select(query, dialect, sort=sort, limit=limit, after=after)))
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    token = encode_cursor(Cursor(sort, getattr(last, sort), last.id))
    return Page(rows[:limit], token)
