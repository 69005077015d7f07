"""One ingest cycle for one source: discover → per-article chain → revisits → health.

In: a SourceConfig and an IngestContext. Out: a SourceRunSummary with the counts the CLI
prints. The caller never sees an exception for a bad article or a bad discovery document:
those are recorded as failures and the run goes on. An unexpected exception while
discovering or planning (worker.containment says whose fault it is) ends the run as a
failed one: its ingest_runs row and the source's health say so, and the caller goes on
with the next source.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from scrapers.records import FeedItem
from worker.article_ingest import ArticleOutcome, KnownArticle, ingest_url
from worker.containment import is_input_fault
from worker.context import IngestContext
from worker.crashpoints import fault_point
from worker.db.engine import transaction
from worker.db.models import Article, IngestRun
from worker.dedup import feed_hint, find_for_item
from worker.discover import DiscoverOutcome, discover_source, remember_documents
from worker.health import ensure_source, record_source_result
from worker.sources import SourceConfig

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (source key, done, total)


@dataclass(slots=True)
class SourceRunSummary:
    source: str
    discovered: int = 0
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: int = 0
    removed: int = 0
    skipped: int = 0
    failed: int = 0
    discovery_errors: list[str] = field(default_factory=list)
    ok: bool = True

    def count(self, outcome: ArticleOutcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Task:
    url: str
    known: KnownArticle | None
    hint: str | None


def _revisit_due(source: SourceConfig, article: Article, now: datetime) -> bool:
    if article.status != "active":
        return False
    if article.first_seen_at < now - timedelta(hours=source.revisit_hours):
        return False
    interval = timedelta(minutes=source.revisit_interval_minutes)
    return source.revisit_interval_minutes == 0 or article.checked_at <= now - interval


def _plan_item(
    ctx: IngestContext, source: SourceConfig, item: FeedItem
) -> tuple[_Task | None, int | None]:
    """Fetch new items; revisit known ones when their feed entry changed or they are due.
    Returns the task (None: skip) and the stored article id (None: new)."""
    hint = feed_hint(item)
    with transaction(ctx.sessions) as session:
        article = find_for_item(session, item)
        if article is None:
            return _Task(item.url, None, hint), None
        if article.feed_hint != hint or _revisit_due(source, article, ctx.clock()):
            return _Task(article.url, KnownArticle.of(article), hint), article.id
        return None, article.id


def _due_revisits(ctx: IngestContext, source: SourceConfig, exclude: set[int]) -> list[_Task]:
    """Recently first-seen articles of this source that the feeds did not list this time
    and that were not checked within revisit_interval_minutes (filtered in SQL: a no-change
    re-poll must stay cheap however many articles are recent)."""
    now = ctx.clock()
    stmt = select(
        Article.id, Article.url, Article.etag, Article.last_modified, Article.raw_sha256,
        Article.feed_hint,
    ).where(
        Article.source_key == source.key,
        Article.status == "active",
        Article.first_seen_at >= now - timedelta(hours=source.revisit_hours),
    )  # fmt: skip
    if source.revisit_interval_minutes > 0:
        stmt = stmt.where(
            Article.checked_at <= now - timedelta(minutes=source.revisit_interval_minutes)
        )
    with transaction(ctx.sessions) as session:
        return [
            _Task(row.url, KnownArticle(row.id, row.etag, row.last_modified, row.raw_sha256),
                  row.feed_hint)
            for row in session.execute(stmt)
            if row.id not in exclude
        ]  # fmt: skip


def _plan(
    ctx: IngestContext, source: SourceConfig, found: DiscoverOutcome
) -> tuple[list[_Task], int, bool]:
    """Tasks for this run (at most max_articles_per_run fetches from the listings), how
    many listed items were skipped as already current, and whether the cap cut the list
    short (then the rest waits for the next run, which must read the listings again)."""
    tasks: list[_Task] = []
    seen_ids: set[int] = set()
    skipped = 0
    for position, item in enumerate(found.items):
        if len(tasks) >= source.max_articles_per_run:
            return (
                tasks + _due_revisits(ctx, source, seen_ids),
                skipped,
                position < len(found.items),
            )
        task, article_id = _plan_item(ctx, source, item)
        if article_id is not None:
            seen_ids.add(article_id)
        if task is None:
            skipped += 1
        else:
            tasks.append(task)
    return tasks + _due_revisits(ctx, source, seen_ids), skipped, False


def run_source(
    ctx: IngestContext, source: SourceConfig, progress: Progress | None = None
) -> SourceRunSummary:
    """One full cycle for one source. Never raises for bad input; returns the counts."""
    summary = SourceRunSummary(source.key)
    started = ctx.clock()
    ensure_source(ctx.sessions, source)
    stage = "discover"
    try:
        with ctx.timings.measure("discover"):
            found = discover_source(ctx, source)
        summary.discovered = len(found.items)
        summary.discovery_errors = [f"{url}: {exc}" for url, exc in found.errors]
        summary.ok = not found.errors or len(found.errors) < len(source.discover)
        stage = "plan"
        fault_point("plan", source.key)
        with ctx.timings.measure("plan"):
            tasks, summary.skipped, truncated = _plan(ctx, source, found)
    except Exception as exc:
        if not is_input_fault(exc):
            raise
        return _failed_run(ctx, source, summary, started, stage=stage, exc=exc)
    for done, task in enumerate(tasks, start=1):
        summary.count(ingest_url(ctx, source, task.url, known=task.known, hint=task.hint))
        summary.fetched += 1
        if progress is not None:
            progress(source.key, done, len(tasks))
    # Only now may the next run treat these documents as seen: a run that died above
    # must find them "changed" again, or their unhandled items would wait for an edit.
    # A run capped by max_articles_per_run leaves them "changed" too: the next run
    # continues the backlog instead of waiting for the listing to change.
    if not truncated:
        remember_documents(ctx, source.key, found)
    _finish(ctx, source, summary, found, started)
    return summary


def _failed_run(
    ctx: IngestContext,
    source: SourceConfig,
    summary: SourceRunSummary,
    started: datetime,
    *,
    stage: str,
    exc: Exception,
) -> SourceRunSummary:
    """Discovery or planning raised what no stage expected: the run ends failed, with
    the error on the source's health and the run row (the traceback in the log)."""
    logger.exception(
        "source run failed unexpectedly",
        extra={"source": source.key, "stage": stage, "error": repr(exc)},
    )
    summary.ok = False
    summary.discovery_errors.append(f"{stage}: {type(exc).__name__}: {exc}")
    _finish(ctx, source, summary, DiscoverOutcome(errors=[(stage, exc)]), started, failed=True)
    return summary


def _finish(
    ctx: IngestContext,
    source: SourceConfig,
    summary: SourceRunSummary,
    found: DiscoverOutcome,
    started: datetime,
    *,
    failed: bool | None = None,
) -> None:
    with transaction(ctx.sessions) as session:
        record_source_result(
            session, source, found.errors, summary.as_dict(), ctx.clock(),
            pause_after=ctx.settings.pause_after_failures, failed=failed,
        )  # fmt: skip
        session.add(
            IngestRun(
                source_key=source.key, started_at=started, finished_at=ctx.clock(),
                status="ok" if summary.ok else "failed", counts=summary.as_dict(),
            )
        )  # fmt: skip
    logger.info("source done", extra={"source": source.key, "counts": summary.as_dict()})
