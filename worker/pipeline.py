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
from worker.db.models import Article, IngestRun, ItemFailure
from worker.dedup import feed_hint, find_for_item
from worker.discover import DiscoverOutcome, discover_source, remember_documents
from worker.health import ArticleHealth, ensure_source, record_source_result
from worker.item_state import GAVE_UP, due_retries, note_outcome, source_has_states, state_of
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
    retried: int = 0
    deferred: int = 0
    given_up: int = 0
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
    retry: bool = False  # a remembered failed item whose next try has come


@dataclass(slots=True)
class _Plan:
    tasks: list[_Task] = field(default_factory=list)
    skipped: int = 0  # listed and already current
    deferred: int = 0  # listed, failed before, not due (or over the retry budget)
    given_up: int = 0  # listed, failed too often: only a manual re-ingest fetches it
    truncated: bool = False  # max_articles_per_run left listed items unexamined


def _revisit_due(source: SourceConfig, article: Article, now: datetime) -> bool:
    if article.status != "active":
        return False
    if article.first_seen_at < now - timedelta(hours=source.revisit_hours):
        return False
    interval = timedelta(minutes=source.revisit_interval_minutes)
    return source.revisit_interval_minutes == 0 or article.checked_at <= now - interval


def _plan_item(
    ctx: IngestContext, source: SourceConfig, item: FeedItem, remembered: bool
) -> tuple[_Task | None, int | None, str | None]:
    """Fetch new items; revisit known ones when their feed entry changed or they are due.
    Returns the task (None: skip), the stored article id (None: new) and, when the source
    has remembered failures, the task URL's item state (None: never failed)."""
    hint = feed_hint(item)
    with transaction(ctx.sessions) as session:
        article = find_for_item(session, item)
        if article is None:
            task, article_id = _Task(item.url, None, hint), None
        elif article.feed_hint != hint or _revisit_due(source, article, ctx.clock()):
            task, article_id = _Task(article.url, KnownArticle.of(article), hint), article.id
        else:
            return None, article.id, None
        state = state_of(session, source.key, task.url) if remembered else None
        return task, article_id, state.state if state is not None else None


def _due_revisits(
    ctx: IngestContext, source: SourceConfig, exclude: set[int], remembered: bool
) -> list[_Task]:
    """Recently first-seen articles of this source that the feeds did not list this time
    and that were not checked within revisit_interval_minutes (filtered in SQL: a no-change
    re-poll must stay cheap however many articles are recent). Articles whose last attempt
    failed are the retry queue's (`remembered`: the source has such items)."""
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
    if remembered:
        failing = select(ItemFailure.url).where(ItemFailure.source_key == source.key)
        stmt = stmt.where(Article.url.not_in(failing))
    with transaction(ctx.sessions) as session:
        return [
            _Task(row.url, KnownArticle(row.id, row.etag, row.last_modified, row.raw_sha256),
                  row.feed_hint)
            for row in session.execute(stmt)
            if row.id not in exclude
        ]  # fmt: skip


def retry_budget(source: SourceConfig) -> int:
    """Due retries fetched per run: a quarter of max_articles_per_run, at least one."""
    return max(1, source.max_articles_per_run // 4)


def _due_retries(ctx: IngestContext, source: SourceConfig) -> tuple[list[_Task], set[int]]:
    """Failed items whose next try has come (within the retry budget), listed or not, and
    the ids of the stored articles among them."""
    tasks: list[_Task] = []
    ids: set[int] = set()
    with transaction(ctx.sessions) as session:
        for row in due_retries(session, source.key, ctx.clock(), retry_budget(source)):
            article = find_for_item(session, FeedItem(url=row.url))
            known = None if article is None else KnownArticle.of(article)
            if article is not None:
                ids.add(article.id)
            tasks.append(_Task(row.url, known, row.hint, retry=True))
    return tasks, ids


def _plan(ctx: IngestContext, source: SourceConfig, found: DiscoverOutcome) -> _Plan:
    """This run's tasks: new (and changed or due known) listed items first, at most
    max_articles_per_run less the due retries; then the due retries; then due revisits.
    Listed items that failed before wait for their retry (counted as deferred, or as
    given up) and do not hold the listings "changed": the retry queue is in the database.
    `truncated`: the cap left listed items unexamined (the next run must read the
    listings again to continue the backlog)."""
    remembered = source_has_states(ctx, source.key)
    retries, seen_ids = _due_retries(ctx, source) if remembered else ([], set())
    cap = max(1, source.max_articles_per_run - len(retries))
    plan, backing_off = _Plan(), set[str]()
    for item in found.items:
        if len(plan.tasks) >= cap:
            plan.truncated = True
            break
        task, article_id, state = _plan_item(ctx, source, item, remembered)
        if article_id is not None:
            seen_ids.add(article_id)
        if task is None:
            plan.skipped += 1
        elif state == GAVE_UP:
            plan.given_up += 1
        elif state is not None:
            backing_off.add(task.url)
        else:
            plan.tasks.append(task)
    plan.deferred = len(backing_off - {task.url for task in retries})
    plan.tasks += retries + _due_revisits(ctx, source, seen_ids, remembered)
    return plan


def _attempt(
    ctx: IngestContext, source: SourceConfig, task: _Task, summary: SourceRunSummary
) -> str | None:
    """Fetch one task and keep its item state. Returns the failure ("kind url: message")
    when a first attempt failed (a failed retry says nothing new about the source)."""
    started = ctx.clock()
    outcome = ingest_url(ctx, source, task.url, known=task.known, hint=task.hint)
    summary.count(outcome)
    summary.fetched += 1
    summary.retried += int(task.retry)
    error = note_outcome(
        ctx, source.key, task.url, outcome, since=started, hint=task.hint, remembered=task.retry
    )
    return None if task.retry else error


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
            plan = _plan(ctx, source, found)
    except Exception as exc:
        if not is_input_fault(exc):
            raise
        return _failed_run(ctx, source, summary, started, stage=stage, exc=exc)
    summary.skipped, summary.deferred, summary.given_up = (
        plan.skipped, plan.deferred, plan.given_up
    )  # fmt: skip
    first_failures: list[str] = []
    for done, task in enumerate(plan.tasks, start=1):
        error = _attempt(ctx, source, task, summary)
        if error is not None:
            first_failures.append(error)
        if progress is not None:
            progress(source.key, done, len(plan.tasks))
    # Only now may the next run treat these documents as seen: a run that died above
    # must find them "changed" again, or their unhandled items would wait for an edit.
    # A run capped by max_articles_per_run leaves them "changed" too: the next run
    # continues the backlog instead of waiting for the listing to change.
    if not plan.truncated:
        remember_documents(ctx, source.key, found)
    articles = _article_health(summary, first_failures)
    summary.ok = summary.ok and articles.verdict != "failed"
    _finish(ctx, source, summary, found, started, articles=articles)
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
    found = DiscoverOutcome(errors=[(stage, exc)])
    _finish(ctx, source, summary, found, started, articles=ArticleHealth(), failed=True)
    return summary


def _article_health(summary: SourceRunSummary, first_failures: list[str]) -> ArticleHealth:
    """ "failed" when articles were attempted, none succeeded and a first attempt failed:
    the source is failing as surely as when its feed fails."""
    if summary.fetched > summary.failed:
        return ArticleHealth("ok")
    if not first_failures:
        return ArticleHealth("none")
    error = f"all {summary.fetched} attempted articles failed; last: {first_failures[-1]}"
    return ArticleHealth("failed", error)


def _finish(
    ctx: IngestContext,
    source: SourceConfig,
    summary: SourceRunSummary,
    found: DiscoverOutcome,
    started: datetime,
    *,
    articles: ArticleHealth,
    failed: bool | None = None,
) -> None:
    with transaction(ctx.sessions) as session:
        record_source_result(
            session, source, found.errors, summary.as_dict(), ctx.clock(),
            pause_after=ctx.settings.pause_after_failures, articles=articles, failed=failed,
        )  # fmt: skip
        session.add(
            IngestRun(
                source_key=source.key, started_at=started, finished_at=ctx.clock(),
                status="ok" if summary.ok else "failed", counts=summary.as_dict(),
            )
        )  # fmt: skip
    logger.info("source done", extra={"source": source.key, "counts": summary.as_dict()})
