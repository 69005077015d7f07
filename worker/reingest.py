"""Manual re-ingest: one source over a date window (backfill), or one URL now.

Both re-fetch unconditionally (no validators) so whatever changed on the site is stored
as a revision; unchanged articles stay unchanged. They fetch items that scheduled runs
gave up on too; an item that succeeds is forgotten, one that fails counts one more
failure (worker/item_state.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select

from scrapers.records import FeedItem
from scrapers.urls import fold_host
from worker.article_ingest import KnownArticle, ingest_url
from worker.context import IngestContext
from worker.db.engine import transaction
from worker.db.models import Article
from worker.dedup import find_for_item
from worker.discover import discover_source
from worker.errors import NewsworkerError
from worker.health import ensure_source
from worker.item_state import note_outcome, source_has_states
from worker.sources import SourceConfig

VN = ZoneInfo("Asia/Ho_Chi_Minh")
Progress = Callable[[int, int], None]


class ReingestError(NewsworkerError):
    kind = "reingest"


def parse_window_bound(value: str | None) -> datetime | None:
    """ISO date or datetime; naive values are Vietnamese time."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN)


def _in_window(when: datetime | None, since: datetime | None, until: datetime | None) -> bool:
    if when is None:
        return True  # undated listing entries are fetched; the page decides
    return (since is None or when >= since) and (until is None or when <= until)


def _source(sources: dict[str, SourceConfig], key: str) -> SourceConfig:
    if key not in sources:
        raise ReingestError(f"unknown source {key!r}")
    return sources[key]


def _forced(ctx: IngestContext, item: FeedItem) -> KnownArticle | None:
    with transaction(ctx.sessions) as session:
        article = find_for_item(session, item)
        return None if article is None else KnownArticle(article.id, None, None, None)


def _stored_in_window(
    ctx: IngestContext, key: str, since: datetime | None, until: datetime | None
) -> list[tuple[int, str]]:
    stmt = select(Article.id, Article.url).where(Article.source_key == key)
    if since is not None:
        stmt = stmt.where(Article.published_at >= since)
    if until is not None:
        stmt = stmt.where(Article.published_at <= until)
    with transaction(ctx.sessions) as session:
        return [(row.id, row.url) for row in session.execute(stmt)]


def reingest_source(
    ctx: IngestContext,
    sources: dict[str, SourceConfig],
    params: dict[str, Any],
    progress: Progress,
) -> dict[str, Any]:
    source = _source(sources, str(params.get("source")))
    ensure_source(ctx.sessions, source)
    since = parse_window_bound(params.get("since"))
    until = parse_window_bound(params.get("until"))
    found = discover_source(ctx, source, force=True, max_pages=params.get("max_pages"))
    jobs: dict[str, KnownArticle | None] = {}
    for item in found.items:
        if _in_window(item.published_at or item.updated_at, since, until):
            jobs[item.url] = _forced(ctx, item)
    listed = {known.id for known in jobs.values() if known is not None}
    for article_id, url in _stored_in_window(ctx, source.key, since, until):
        if article_id not in listed:
            jobs[url] = KnownArticle(article_id, None, None, None)
    counts: Counter[str] = Counter()
    remembered = source_has_states(ctx, source.key)
    for done, (url, known) in enumerate(jobs.items(), start=1):
        started = ctx.clock()
        outcome = ingest_url(ctx, source, url, known=known)
        note_outcome(ctx, source.key, url, outcome, since=started, remembered=remembered)
        counts[outcome] += 1
        progress(done, len(jobs))
    return {
        "discovered": len(found.items), "fetched": len(jobs), **counts,
        "discovery_errors": [f"{u}: {e}" for u, e in found.errors],
    }  # fmt: skip


def source_for_url(sources: dict[str, SourceConfig], url: str) -> SourceConfig | None:
    """The configured source whose discovery URLs are on the same site as `url`."""
    host = fold_host(urlsplit(url).hostname or "")
    for source in sources.values():
        if any(fold_host(urlsplit(str(e.url)).hostname or "") == host for e in source.discover):
            return source
    return None


def reingest_url(
    ctx: IngestContext,
    sources: dict[str, SourceConfig],
    params: dict[str, Any],
    progress: Progress,
) -> dict[str, Any]:
    url = str(params.get("url"))
    key = params.get("source")
    source = _source(sources, str(key)) if key else source_for_url(sources, url)
    if source is None:
        raise ReingestError(f"no configured source covers {url}; name one with --source")
    ensure_source(ctx.sessions, source)
    known, started = _forced(ctx, FeedItem(url=url)), ctx.clock()
    outcome = ingest_url(ctx, source, url, known=known)
    note_outcome(ctx, source.key, url, outcome, since=started)
    progress(1, 1)
    return {"source": source.key, "url": url, "outcome": outcome}
