"""Discover stage (I/O side): fetch each discovery document of a source conditionally and
turn it into FeedItems with the pure parsers in scrapers/.

An unchanged document (304, or the same bytes as last time) costs one request and no
parsing. Pagination (listing `next`, sitemap index children) follows up to `max_pages`.
One run keeps at most MAX_DISCOVERED_ITEMS items; documents past that are left unread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from functools import partial

from scrapers.discover_kinds import DISCOVER_PARSERS, Document
from scrapers.errors import ScrapeError
from scrapers.records import FeedItem
from scrapers.urls import canonicalize_url
from worker.containment import is_input_fault
from worker.context import IngestContext
from worker.crashpoints import fault_point
from worker.db.engine import transaction
from worker.db.models import FeedState
from worker.errors import FetchError
from worker.fetch import FetchedPage
from worker.sources import DiscoverEntry, SourceConfig
from worker.timelimit import call_with_time_limit

logger = logging.getLogger(__name__)

# Items one source run may discover: the sitemaps.org limit of one sitemap file, so a
# valid sitemap is read whole; what a hostile listing, feed or sitemap index can make a
# run hold in memory beyond that is cut (a run fetches max_articles_per_run of them).
MAX_DISCOVERED_ITEMS = 50_000


@dataclass(slots=True)
class DiscoverOutcome:
    items: list[FeedItem] = field(default_factory=list)
    documents_fetched: int = 0
    documents_unchanged: int = 0
    errors: list[tuple[str, Exception]] = field(default_factory=list)
    # Changed documents whose validators are saved (remember_documents) only once their
    # items have been handled: a run that dies before that must see them as changed again.
    pending: list[tuple[str, FetchedPage]] = field(default_factory=list)


def _load_state(ctx: IngestContext, source_key: str, url: str) -> tuple[str | None, ...]:
    with transaction(ctx.sessions) as session:
        state = session.get(FeedState, (source_key, url))
        if state is None:
            return (None, None, None)
        return (state.etag, state.last_modified, state.body_hash)


def remember_documents(ctx: IngestContext, source_key: str, outcome: DiscoverOutcome) -> None:
    """Save the validators of the documents discovered this run, after their items were
    handled, so the next run skips them while unchanged (304 / same bytes)."""
    with transaction(ctx.sessions) as session:
        for url, page in outcome.pending:
            state = session.get(FeedState, (source_key, url))
            if state is None:
                state = FeedState(source_key=source_key, url=url)
                session.add(state)
            state.etag = page.etag
            state.last_modified = page.last_modified
            state.body_hash = page.content_hash
            state.last_fetched_at = ctx.clock()
    outcome.pending.clear()


def _fetch_document(
    ctx: IngestContext, source: SourceConfig, url: str, outcome: DiscoverOutcome, force: bool
) -> FetchedPage | None:
    """The document's new bytes, or None when it has not changed since last time
    (`force`: fetch and parse unconditionally, for re-ingests and backfills)."""
    etag, last_modified, body_hash = (
        (None, None, None) if force else _load_state(ctx, source.key, url)
    )
    page = ctx.fetcher.fetch(
        url, etag=etag, last_modified=last_modified, min_delay=source.min_delay_seconds
    )
    outcome.documents_fetched += 1
    if page.status == 304 or (body_hash is not None and page.content_hash == body_hash):
        outcome.documents_unchanged += 1
        return None
    return page


def _discover_entry(
    ctx: IngestContext,
    source: SourceConfig,
    entry: DiscoverEntry,
    outcome: DiscoverOutcome,
    *,
    force: bool = False,
    max_pages: int | None = None,
) -> None:
    parse = DISCOVER_PARSERS[entry.kind]
    queue, seen = [str(entry.url)], set[str]()
    while queue and len(seen) < (max_pages or entry.max_pages):
        room = MAX_DISCOVERED_ITEMS - len(outcome.items)
        if room <= 0:
            logger.warning(
                "discovery item cap reached, documents left unread",
                extra={"source": source.key, "cap": MAX_DISCOVERED_ITEMS, "left": len(queue)},
            )
            break
        url = queue.pop(0)
        seen.add(url)
        page = _fetch_document(ctx, source, url, outcome, force)
        if page is None:
            continue
        fault_point("discover", url)
        document = Document(
            page.body, page.final_url, page.content_type, room,
            item_selector=entry.item_selector, next_selector=entry.next_selector,
        )  # fmt: skip
        job = partial(parse, document)
        result = call_with_time_limit(job, ctx.settings.parse_timeout_seconds)
        outcome.items.extend(result.items[:room])
        outcome.pending.append((url, page))
        queue.extend(u for u in result.next_pages if u not in seen and u not in queue)


def discover_source(
    ctx: IngestContext,
    source: SourceConfig,
    *,
    force: bool = False,
    max_pages: int | None = None,
) -> DiscoverOutcome:
    """Run every discover entry; one failing entry (a typed error, or anything that
    worker.containment calls the input's fault) is recorded and the others still run.
    `force` ignores validators; `max_pages` overrides each entry's pagination depth."""
    outcome = DiscoverOutcome()
    for entry in source.discover:
        try:
            _discover_entry(ctx, source, entry, outcome, force=force, max_pages=max_pages)
        except (FetchError, ScrapeError) as exc:
            logger.warning(
                "discovery failed",
                extra={"source": source.key, "url": str(entry.url), "error": str(exc)},
            )
            outcome.errors.append((str(entry.url), exc))
        except Exception as exc:
            if not is_input_fault(exc):
                raise
            logger.exception(
                "discovery failed unexpectedly",
                extra={"source": source.key, "url": str(entry.url), "error": repr(exc)},
            )
            outcome.errors.append((str(entry.url), exc))
    outcome.items = merge_items(outcome.items)
    return outcome


def merge_items(items: list[FeedItem]) -> list[FeedItem]:
    """One item per canonical URL, in first-seen order; later entries fill missing fields."""
    merged: dict[str, FeedItem] = {}
    for item in items:
        key = canonicalize_url(item.url)
        first = merged.get(key)
        merged[key] = item if first is None else _fill(first, item)
    return list(merged.values())


def _fill(first: FeedItem, other: FeedItem) -> FeedItem:
    return replace(
        first,
        title=first.title or other.title,
        summary=first.summary or other.summary,
        guid=first.guid or other.guid,
        published_at=first.published_at or other.published_at,
        updated_at=first.updated_at or other.updated_at,
    )
