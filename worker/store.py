"""Store stage: raw pages, article upsert with revisions, URL aliases, failures.

Functions take the caller's session and never commit (the caller owns the transaction).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import zstandard
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from scrapers.records import ArticleRecord
from scrapers.serialize import record_to_dict
from scrapers.urls import canonicalize_url
from worker.db.engine import JsonText
from worker.db.models import Article, ArticleRevision, ArticleUrl, Failure, RawPage
from worker.db.rows import execute, insert_rows
from worker.dedup import content_summary
from worker.indexing import SEARCH_TEXT_MAX_CHARS, index_article, index_columns
from worker.notify.events import (
    emit_article_created,
    emit_article_removed,
    emit_article_updated,
)

Outcome = Literal["created", "updated", "unchanged"]
RAW_CODEC = "zstd"
# zstd level 3's search (double-fast, 512 KB window, min match 5; ~6x faster than zlib -6
# on these pages with a better ratio) with 16K-entry hash and chain tables instead of
# level 3's 128K/64K: the tables fit in the core's cache between the parse and the store,
# and the raw page costs ~0.5 ms less CPU in the ingest (1.1 vs 1.6 ms, interleaved runs
# of bench/ingest_features.py) for 0.6% more bytes (corpus and generic-eval pages).
RAW_PARAMS = zstandard.ZstdCompressionParameters(
    window_log=19, hash_log=14, chain_log=14, search_log=1, min_match=5,
    strategy=zstandard.STRATEGY_DFAST,
)  # fmt: skip
_COMPRESSOR = zstandard.ZstdCompressor(compression_params=RAW_PARAMS)
_DECOMPRESSOR = zstandard.ZstdDecompressor()
_ARTICLE_COLUMNS = tuple(c for c in Article.__table__.columns if c.key != "id")
_INSERT_ARTICLE = insert(Article).returning(Article.id)
_SET_CLUSTERS = (
    update(Article)
    .where(Article.id == bindparam("me"))
    .values(story_id=bindparam("story"), case_id=bindparam("case"))
)
_RAW_KNOWN = select(RawPage.sha256).where(RawPage.sha256 == bindparam("digest"))
_RAW_REREAD = (
    update(RawPage)
    .where(RawPage.sha256 == bindparam("digest"))
    .values(parser_version=bindparam("version"))
)


@dataclass(frozen=True, slots=True)
class StoreResult:
    outcome: Outcome
    article_id: int
    revision: int


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What fetching told us about the page the record came from."""

    url: str
    raw_sha256: str | None
    etag: str | None
    last_modified: str | None
    feed_hint: str | None
    fetched_at: datetime


def store_raw_page(
    session: Session,
    body: bytes,
    *,
    url: str,
    content_type: str | None,
    fetched_at: datetime,
    parser_version: str,
    sha256: str | None = None,
) -> str:
    """Keep the fetched bytes, compressed, once per distinct content. Returns the sha256
    (`sha256`: the body's digest when the fetcher already computed it)."""
    digest = sha256 or hashlib.sha256(body).hexdigest()
    known = execute(session, _RAW_KNOWN, {"digest": digest}).scalar()
    if known is None:
        row = {
            "sha256": digest, "body": _COMPRESSOR.compress(body), "codec": RAW_CODEC,
            "size": len(body), "url": url, "content_type": content_type,
            "fetched_at": fetched_at, "parser_version": parser_version,
        }  # fmt: skip
        insert_rows(session, RawPage, [row])
    else:
        execute(session, _RAW_REREAD, {"digest": digest, "version": parser_version})
    return digest


def load_raw_page(session: Session, digest: str) -> bytes | None:
    page = session.get(RawPage, digest)
    if page is None:
        return None
    if page.codec != RAW_CODEC:
        raise ValueError(f"raw page {digest} has unknown codec {page.codec!r}")
    return _DECOMPRESSOR.decompress(page.body)


def _add_urls(session: Session, article_id: int, urls: list[str], *, fresh: bool = False) -> None:
    """Alias rows for `urls` not stored yet (`fresh`: find_article just found none of them)."""
    wanted = {canonicalize_url(u) for u in urls}
    known: set[str] = set()
    if not fresh:
        with session.no_autoflush:
            known.update(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(wanted))))
    rows = [{"url": u, "article_id": article_id} for u in sorted(wanted - known)]
    insert_rows(session, ArticleUrl, rows)


def _add_revision(
    session: Session, article: Article, data: dict[str, Any] | JsonText, now: datetime
) -> None:
    row = {
        "article_id": article.id, "revision": article.revision,
        "content_hash": article.content_hash, "record": data,
        "parser_version": article.parser_version, "raw_sha256": article.raw_sha256,
        "created_at": now,
    }  # fmt: skip
    insert_rows(session, ArticleRevision, [row])


def _touch(article: Article, meta: PageMeta) -> None:
    article.etag = meta.etag
    article.last_modified = meta.last_modified
    article.fetched_at = meta.fetched_at
    article.checked_at = meta.fetched_at
    if meta.raw_sha256:
        article.raw_sha256 = meta.raw_sha256
    if meta.feed_hint:
        article.feed_hint = meta.feed_hint


def create_article(
    session: Session,
    *,
    source_key: str,
    identity: str,
    record: ArticleRecord,
    meta: PageMeta,
    parser_version: str,
) -> StoreResult:
    data = record_to_dict(record)
    digest, search_key = _content_of(record)
    article = Article(
        identity=identity,
        source_key=source_key,
        url=meta.url,
        canonical_url=record.canonical_url,
        title=record.title,
        published_at=record.published_at,
        content_hash=digest,
        revision=1,
        status="active",
        record=data,
        parser_version=parser_version,
        first_seen_at=meta.fetched_at,
        updated_at=meta.fetched_at,
    )
    _touch(article, meta)
    index_columns(article, search_key)
    _insert_with_revision(session, article, data, meta.fetched_at)
    _add_urls(session, article.id, [meta.url, record.canonical_url, record.url], fresh=True)
    index_article(session, article, fresh=True)
    clusters = {"me": article.id, "story": article.story_id, "case": article.case_id}
    execute(session, _SET_CLUSTERS, clusters)
    emit_article_created(session, article, meta.fetched_at)
    return StoreResult("created", article.id, 1)


def _insert_with_revision(
    session: Session, article: Article, data: dict[str, Any], now: datetime
) -> None:
    """INSERT the article and its first revision from one serialization of the record. The
    serialization (and the UTF-8 copy the driver caches in it) is dropped on return: a huge
    record's text is not held while the event row is written."""
    stored = JsonText.of(data)
    article.id = _insert_article(session, article, stored)
    _add_revision(session, article, stored, now)


def _content_of(record: ArticleRecord) -> tuple[str, str | None]:
    """(content hash, the text key index_columns reads: ContentKey.spaced() up to
    SEARCH_TEXT_MAX_CHARS), without the whole key of a huge text ever in memory."""
    return content_summary(record, SEARCH_TEXT_MAX_CHARS)


def _insert_article(session: Session, article: Article, record: JsonText) -> int:
    """INSERT the (transient) article's set columns with Core, its record as `record`
    (JsonText.of(article.record)); returns its id. The ORM's unit of work for one new row,
    plus an UPDATE for its clusters, cost more than the rest of the store stage's
    statements together."""
    values = {
        column.key: value
        for column in _ARTICLE_COLUMNS
        if (value := getattr(article, column.key)) is not None
    }
    values["record"] = record
    new_id = execute(session, _INSERT_ARTICLE, values).scalar()
    if new_id is None:
        raise RuntimeError("INSERT INTO articles returned no id")
    return int(new_id)


def update_article(
    session: Session,
    article: Article,
    *,
    record: ArticleRecord,
    meta: PageMeta,
    parser_version: str,
    any_field: bool = False,
) -> StoreResult:
    """New revision when the normalized text changed (or, with `any_field`, as for a
    re-parse, when any field of the record changed); otherwise only fetch state moves."""
    _touch(article, meta)
    _add_urls(session, article.id, [meta.url, record.canonical_url])
    new_hash, search_key = _content_of(record)
    data = record_to_dict(record)
    same = new_hash == article.content_hash and (not any_field or data == article.record)
    if same and article.status == "active":
        return StoreResult("unchanged", article.id, article.revision)
    old_record = article.record
    article.revision += 1
    article.content_hash = new_hash
    article.record = data
    article.title = record.title
    article.published_at = record.published_at
    article.canonical_url = record.canonical_url
    article.parser_version = parser_version
    article.status = "active"
    article.updated_at = meta.fetched_at
    _add_revision(session, article, data, meta.fetched_at)
    index_article(session, article, text_key=search_key)
    emit_article_updated(session, article, old_record, meta.fetched_at)
    return StoreResult("updated", article.id, article.revision)


def mark_checked(session: Session, article: Article, meta: PageMeta) -> None:
    """A revisit that found nothing new (304 or same bytes)."""
    _touch(article, meta)


def mark_removed(session: Session, article: Article, now: datetime, reason: str = "gone") -> bool:
    """The article answers 404/410 now (or its source marks it gone). True when news."""
    article.checked_at = now
    if article.status == "removed":
        return False
    article.status = "removed"
    article.updated_at = now
    emit_article_removed(session, article, now, reason)
    return True


def record_failure(
    session: Session,
    *,
    source_key: str | None,
    url: str,
    stage: str,
    kind: str,
    message: str,
    now: datetime,
    http_status: int | None = None,
    transient: bool = False,
) -> None:
    session.add(
        Failure(
            source_key=source_key,
            # Cut to the columns, NUL (PostgreSQL text refuses it) replaced: the row that
            # records a failure must not fail itself.
            url=url[:2000].replace("\x00", "\ufffd"),
            stage=stage,
            kind=kind[:40],
            message=message[:4000].replace("\x00", "\ufffd"),
            http_status=http_status,
            transient=transient,
            occurred_at=now,
        )
    )


def recent_failures(session: Session, source_key: str, limit: int = 20) -> list[Failure]:
    stmt = (
        select(Failure)
        .where(Failure.source_key == source_key)
        .order_by(Failure.occurred_at.desc(), Failure.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
