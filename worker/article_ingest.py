"""Per-article stage chain: fetch → decode → parse → structure → dedup → store, for one URL.

Network I/O and parsing happen outside any transaction; the write is one transaction
per article, so one bad article costs that article and nothing already stored changes.
The article is the containment boundary: whatever one article raises in any stage (a typed
fetch or scrape error, or anything unexpected: a parser bug, a value the database refuses)
is rolled back and recorded as a failure row with its stage and exception class, and
ingest_url returns "failed". Only what worker.containment lets propagate (Celery time
limits, the database unreachable) leaves it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Literal, TypeVar

from scrapers.article import parse_article
from scrapers.encoding import decode_html
from scrapers.errors import ScrapeError
from scrapers.police.structure import with_police
from scrapers.records import ArticleRecord
from scrapers.version import PARSER_VERSION
from worker.containment import error_kind, is_input_fault
from worker.context import IngestContext
from worker.crashpoints import crash_point, fault_point
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
from worker.timings import StageTimings

logger = logging.getLogger(__name__)

ArticleOutcome = Literal["created", "updated", "unchanged", "not_modified", "removed", "failed"]
Stage = Literal["fetch", "decode", "parse", "structure", "store"]
T = TypeVar("T")


@dataclass(slots=True)
class StageMark:
    """The stage one article is in, read when it fails (the failure row's `stage`)."""

    name: Stage = "fetch"


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
    logger.warning(
        "article failed",
        extra={"source": source.key, "url": url, "stage": stage, "error": str(exc)},
    )
    with transaction(ctx.sessions) as session:
        record_failure(
            session, source_key=source.key, url=url, stage=stage, kind=error_kind(exc),
            message=str(exc) or type(exc).__name__, now=ctx.clock(), http_status=status,
            transient=bool(getattr(exc, "transient", False)),
        )  # fmt: skip
    return "failed"


def _contain(
    ctx: IngestContext, source: SourceConfig, url: str, stage: str, exc: Exception
) -> ArticleOutcome:
    """An exception no stage expected, which is the article's fault (the caller checked
    worker.containment.is_input_fault): logged with its traceback, recorded like a typed
    failure (kind = the exception class). The transaction it interrupted was rolled back
    already. Called from the `except` block, so the traceback is the current one."""
    logger.exception(
        "article failed unexpectedly",
        extra={"source": source.key, "url": url, "stage": stage, "error": repr(exc)},
    )
    return _fail(ctx, source, url, stage, exc)


def _meta(page: FetchedPage, raw_sha: str | None, hint: str | None, ctx: IngestContext) -> PageMeta:
    return PageMeta(
        url=page.final_url, raw_sha256=raw_sha, etag=page.etag,
        last_modified=page.last_modified, feed_hint=hint, fetched_at=ctx.clock(),
    )  # fmt: skip


def parse_body(
    body: bytes,
    content_type: str | None,
    url: str,
    source: SourceConfig | None = None,
    *,
    fetched_at: datetime | None = None,
    time_limit: float | None = None,
    mark: StageMark | None = None,
    timings: StageTimings | None = None,
) -> ArticleRecord:
    """The parse entry point of the ingest, `newsworker parse` and reparse (pure): page
    bytes → decode → parse (the source's selectors) → police structuring, parse and
    structure each under `time_limit` when given. Raises ScrapeError for a page that gives
    no record; anything else is a bug (tests/worker/test_parse_fuzz.py looks for them).
    `mark` follows the stage, for the failure row of an article that fails."""
    mark = mark if mark is not None else StageMark()
    mark.name = "decode"
    fault_point("decode", url)
    text = decode_html(body, content_type).text
    mark.name = "parse"
    fault_point("parse", url)
    selectors = source.selector_map() if source is not None else None
    job = partial(parse_article, text, url, selectors=selectors, fetched_at=fetched_at)
    record = _limited(job, time_limit)
    mark.name = "structure"
    fault_point("structure", url)
    options = source.structure_options() if source is not None else {}
    with (timings or StageTimings()).measure("structure"):
        return _limited(partial(with_police, record, **options), time_limit)


def _limited(job: Callable[[], T], time_limit: float | None) -> T:
    return job() if time_limit is None else call_with_time_limit(job, time_limit)


def parse_page(
    ctx: IngestContext, source: SourceConfig, page: FetchedPage, mark: StageMark | None = None
) -> ArticleRecord:
    """Decode, parse and structure a fetched page under the parse time limit (raises
    ScrapeError)."""
    return parse_body(
        page.body, page.content_type, page.final_url, source, fetched_at=ctx.clock(),
        time_limit=ctx.settings.parse_timeout_seconds, mark=mark, timings=ctx.timings,
    )  # fmt: skip


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
        fault_point("store", page.final_url)
        return result.outcome


def ingest_url(
    ctx: IngestContext,
    source: SourceConfig,
    url: str,
    *,
    known: KnownArticle | None = None,
    hint: str | None = None,
) -> ArticleOutcome:
    """Fetch one article URL (conditionally when known) and store what changed. Never
    raises for a bad article: its failure is recorded and "failed" returned."""
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
    except Exception as exc:
        if not is_input_fault(exc):
            raise
        return _contain(ctx, source, url, "fetch", exc)
    crash_point("after_fetch")
    if known is not None and (page.status == 304 or page.content_hash == known.raw_sha256):
        return _not_modified(ctx, known, page)
    return _parse_and_store(ctx, source, page, hint)


def _parse_and_store(
    ctx: IngestContext, source: SourceConfig, page: FetchedPage, hint: str | None
) -> ArticleOutcome:
    mark = StageMark()
    try:
        with ctx.timings.measure("parse"):
            record = parse_page(ctx, source, page, mark)
        mark.name = "store"
        with ctx.timings.measure("store"):
            return _store(ctx, source, page, record, hint)
    except ScrapeError as exc:
        return _fail(ctx, source, page.final_url, mark.name, exc)
    except Exception as exc:
        if not is_input_fault(exc):
            raise
        return _contain(ctx, source, page.final_url, mark.name, exc)
