"""Re-parse stored raw pages with the current parser (no fetching) and report what the
parser change explains: records updated and which fields changed. Each article is its own
containment boundary, as in the ingest (worker.article_ingest): a page the parser cannot
read, or anything unexpected it raises, is recorded as a failure row for that article
(stage "reparse") and the others are still re-parsed."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from scrapers.errors import ScrapeError
from scrapers.serialize import record_to_dict
from scrapers.version import PARSER_VERSION
from worker.article_ingest import parse_body
from worker.containment import error_kind, is_input_fault
from worker.context import IngestContext
from worker.db.engine import transaction
from worker.db.models import Article, RawPage
from worker.sources import SourceConfig
from worker.store import PageMeta, load_raw_page, record_failure, update_article

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
IGNORED_FIELDS = frozenset({"extraction", "warnings"})


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def _candidates(ctx: IngestContext, params: dict[str, Any]) -> list[int]:
    stmt = select(Article.id, Article.parser_version).where(Article.raw_sha256.is_not(None))
    if params.get("source"):
        stmt = stmt.where(Article.source_key == params["source"])
    below = params.get("parser_version_below")
    with transaction(ctx.sessions) as session:
        rows = list(session.execute(stmt.order_by(Article.id)))
    if below:
        limit = version_tuple(str(below))
        rows = [r for r in rows if version_tuple(r.parser_version) < limit]
    return [r.id for r in rows]


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    names = (set(old) | set(new)) - IGNORED_FIELDS
    return sorted(n for n in names if old.get(n) != new.get(n))


def _reparse_one(
    ctx: IngestContext, article_id: int, sources: dict[str, SourceConfig]
) -> tuple[str, list[str]]:
    with transaction(ctx.sessions) as session:
        article = session.get(Article, article_id)
        assert article is not None and article.raw_sha256 is not None
        raw = session.get(RawPage, article.raw_sha256)
        body = load_raw_page(session, article.raw_sha256)
        if raw is None or body is None:
            return "failed", []
        source = sources.get(article.source_key)
        try:
            record = parse_body(
                body, raw.content_type, article.url, source, fetched_at=raw.fetched_at
            )
        except ScrapeError as exc:
            record_failure(
                session, source_key=article.source_key, url=article.url, stage="reparse",
                kind=type(exc).__name__, message=str(exc), now=ctx.clock(),
            )  # fmt: skip
            return "failed", []
        fields = changed_fields(article.record, record_to_dict(record))
        meta = PageMeta(
            url=article.url, raw_sha256=article.raw_sha256, etag=article.etag,
            last_modified=article.last_modified, feed_hint=None, fetched_at=article.fetched_at,
        )  # fmt: skip
        result = update_article(
            session, article, record=record, meta=meta, parser_version=PARSER_VERSION,
            any_field=bool(fields),
        )  # fmt: skip
        article.parser_version = PARSER_VERSION
        raw.parser_version = PARSER_VERSION
        return result.outcome, fields


def reparse_articles(
    ctx: IngestContext,
    sources: dict[str, SourceConfig],
    params: dict[str, Any],
    progress: Progress,
) -> dict[str, Any]:
    ids = _candidates(ctx, params)
    outcomes: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    for done, article_id in enumerate(ids, start=1):
        try:
            outcome, changed = _reparse_one(ctx, article_id, sources)
        except Exception as exc:
            if not is_input_fault(exc):
                raise
            outcome, changed = _contain(ctx, article_id, exc), []
        outcomes[outcome] += 1
        fields.update(changed)
        progress(done, len(ids))
    return {
        "examined": len(ids), "parser_version": PARSER_VERSION, **outcomes,
        "fields_changed": dict(sorted(fields.items())),
    }  # fmt: skip


def _contain(ctx: IngestContext, article_id: int, exc: Exception) -> str:
    """What no stage expected, in one article's re-parse (its transaction rolled back):
    logged with the traceback and recorded as that article's failure."""
    logger.exception("reparse failed unexpectedly", extra={"article_id": article_id})
    with transaction(ctx.sessions) as session:
        article = session.get(Article, article_id)
        if article is None:
            return "failed"
        record_failure(
            session, source_key=article.source_key, url=article.url, stage="reparse",
            kind=error_kind(exc), message=str(exc) or type(exc).__name__, now=ctx.clock(),
        )  # fmt: skip
    return "failed"
