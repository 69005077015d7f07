"""Per-article stage chain: fetch → decode → parse → dedup → store, for one URL.

Network I/O and parsing happen outside any transaction; the write is one transaction
per article, so one bad article costs that article and nothing already stored changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Literal

from scrapers.article import parse_article
from scrapers.encoding import decode_html
from scrapers.errors import ScrapeError
from scrapers.police.structure import with_police
from scrapers.records import ArticleRecord
from scrapers.version import PARSER_VERSION
from worker.context import IngestContext
from worker.crashpoints import crash_point
from worker.db.engine import transaction
from worker.db.models import Article
from worker.dedup import find_article, record_identity
from worker.errors import ClientError, FetchError
from worker.fetch import FetchedPage
from worker.sources import SourceConfig
from worker.store import (
    PageMeta,
    create_article,
    mark_checked,
    mark_removed,
    record_failure,
    store_raw_page,
    update_article,
)
from worker.timelimit import call_with_time_limit

logger = logging.getLogger(__name__)

ArticleOutcome = Literal["created", "updated", "unchanged", "not_modified", "removed", "failed"]


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """What a revisit needs to know about the stored article, read before fetching."""

    id: int
    etag: str | None
    last_modified: str | None
    raw_sha256: str | None

    @classmethod
    def of(cls, article: Article) -> KnownArticle:
        return cls(article.id, article.etag, article.last_modified, article.raw_sha256)


def _fail(
    ctx: IngestContext, source: SourceConfig, url: str, stage: str, exc: Exception
) -> ArticleOutcome:
    status = getattr(exc, "status", None)
    kind = getattr(exc, "kind", type(exc).__name__)
    logger.warning(
        "article failed",
        extra={"source": source.key, "url": url, "stage": stage, "error": str(exc)},
    )
    with transaction(ctx.sessions) as session:
        record_failure(
            session, source_key=source.key, url=url, stage=stage, kind=str(kind),
            message=str(exc), now=ctx.clock(), http_status=status,
            transient=bool(getattr(exc, "transient", False)),
        )  # fmt: skip
    return "failed"


def _meta(page: FetchedPage, raw_sha: str | None, hint: str | None, ctx: IngestContext) -> PageMeta:
    return PageMeta(
        url=page.final_url, raw_sha256=raw_sha, etag=page.etag,
        last_modified=page.last_modified, feed_hint=hint, fetched_at=ctx.clock(),
    )  # fmt: skip


def parse_page(ctx: IngestContext, source: SourceConfig, page: FetchedPage) -> ArticleRecord:
    """Decode and parse under the parse time limit (raises ScrapeError)."""
    text = decode_html(page.body, page.content_type).text
    selectors = source.selector_map()
    job = partial(parse_article, text, page.final_url, selectors=selectors, fetched_at=ctx.clock())
    record = call_with_time_limit(job, ctx.settings.parse_timeout_seconds)
    with ctx.timings.measure("structure"):
        structure = partial(with_police, record, **source.structure_options())
        return call_with_time_limit(structure, ctx.settings.parse_timeout_seconds)


def _gone(ctx: IngestContext, known: KnownArticle) -> ArticleOutcome:
    with transaction(ctx.sessions) as session:
        article = session.get(Article, known.id)
        if article is not None and mark_removed(session, article, ctx.clock()):
            return "removed"
    return "unchanged"


def _not_modified(ctx: IngestContext, known: KnownArticle, page: FetchedPage) -> ArticleOutcome:
    with transaction(ctx.sessions) as session:
        article = session.get(Article, known.id)
        if article is not None:
            mark_checked(session, article, _meta(page, None, None, ctx))
    return "not_modified" if page.status == 304 else "unchanged"


def _store(
    ctx: IngestContext, source: SourceConfig, page: FetchedPage, record: ArticleRecord,
    hint: str | None,
) -> ArticleOutcome:  # fmt: skip
    with transaction(ctx.sessions) as session:
        raw_sha = store_raw_page(
            session, page.body, url=page.final_url, content_type=page.content_type,
            fetched_at=ctx.clock(), parser_version=PARSER_VERSION, sha256=page.content_hash,
        )  # fmt: skip
        meta = _meta(page, raw_sha, hint, ctx)
        identity = record_identity(record, page.final_url)
        existing = find_article(session, identity, [page.url, page.final_url, record.canonical_url])
        if existing is None:
            result = create_article(
                session, source_key=source.key, identity=identity, record=record, meta=meta,
                parser_version=PARSER_VERSION,
            )  # fmt: skip
        else:
            result = update_article(
                session, existing, record=record, meta=meta, parser_version=PARSER_VERSION
            )
        session.flush()
        crash_point("mid_transaction")
        return result.outcome


def ingest_url(
    ctx: IngestContext,
    source: SourceConfig,
    url: str,
    *,
    known: KnownArticle | None = None,
    hint: str | None = None,
) -> ArticleOutcome:
    """Fetch one article URL (conditionally when known) and store what changed."""
    try:
        with ctx.timings.measure("fetch"):
            page = ctx.fetcher.fetch(
                url,
                etag=known.etag if known else None,
                last_modified=known.last_modified if known else None,
                min_delay=source.min_delay_seconds,
            )
    except ClientError as exc:
        if known is not None and exc.gone:
            return _gone(ctx, known)
        return _fail(ctx, source, url, "fetch", exc)
    except FetchError as exc:
        return _fail(ctx, source, url, "fetch", exc)
    crash_point("after_fetch")
    if known is not None and (page.status == 304 or page.content_hash == known.raw_sha256):
        return _not_modified(ctx, known, page)
    try:
        with ctx.timings.measure("parse"):
            record = parse_page(ctx, source, page)
    except ScrapeError as exc:
        return _fail(ctx, source, page.final_url, "parse", exc)
    with ctx.timings.measure("store"):
        return _store(ctx, source, page, record, hint)
