"""What the operator page shows, read from the database as plain dicts (no HTML here).

Sources with health, recent events, re-ingest requests with progress, the filtered record
list (worker.query, the API's builder) and one record with its structure and revision
diffs (worker.notify.events.record_diff, the shape of article.updated events).
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from worker.db.models import Article, ArticleRevision, Event, ReingestRequest, Source
from worker.item_state import item_counts, source_item_counts
from worker.notify.events import record_diff
from worker.query import ArticleFilters, Page, fetch_page
from worker.requests import describe

RECENT_EVENTS = 30
RECENT_REQUESTS = 20
PAGE_SIZE = 25
SHOWN_CHARS = 600
FILTER_FIELDS = (
    "q", "source", "province", "outlet_type", "topic", "genre", "crime_article", "person",
    "since", "until", "story_id", "case_id", "status",
)  # fmt: skip


def when(value: datetime | None) -> str:
    """A stored UTC time, shown to the minute with its zone ("" for none)."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else ""


def safe_link(url: str | None) -> str | None:
    """Only http(s) URLs become links (no javascript: or data: from stored records)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def health(row: Source) -> str:
    if row.paused_reason:
        return "paused"
    if not row.enabled:
        return "disabled"
    return "failing" if row.consecutive_errors else "ok"


def sources(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(Source).order_by(Source.key))
    items = item_counts(session)
    return [
        {
            "key": r.key, "name": r.name, "outlet_type": r.outlet_type, "province": r.province,
            "health": health(r), "errors": r.consecutive_errors,
            "last_success": when(r.last_success_at), "last_error_kind": r.last_error_kind,
            "last_error": r.last_error, "paused_reason": r.paused_reason,
            "next_check": when(r.next_check_at), **source_item_counts(items, r.key),
        }
        for r in rows
    ]  # fmt: skip


def events(session: Session, limit: int = RECENT_EVENTS) -> list[dict[str, Any]]:
    rows = session.scalars(select(Event).order_by(Event.id.desc()).limit(limit))
    return [
        {
            "seq": e.seq, "type": e.type, "time": when(e.occurred_at), "source": e.source_key,
            "article_id": e.article_id, "revision": e.revision,
            "changed": ", ".join((e.payload.get("diff") or {}).get("changed") or []),
        }
        for e in rows
    ]  # fmt: skip


def requests(session: Session, limit: int = RECENT_REQUESTS) -> list[dict[str, Any]]:
    rows = session.scalars(select(ReingestRequest).order_by(ReingestRequest.id.desc()).limit(limit))
    out = []
    for row in rows:
        item = describe(row)
        item["params"] = json.dumps(row.params, ensure_ascii=False, sort_keys=True)
        item["created_at"] = when(row.created_at)
        item["finished_at"] = when(row.finished_at)
        out.append(item)
    return out


def filter_values(params: dict[str, str]) -> dict[str, Any]:
    """Raw query-string values of the search form, empty fields dropped."""
    raw: dict[str, Any] = {k: params[k].strip() for k in FILTER_FIELDS if params.get(k, "").strip()}
    if "source" in raw:
        raw["source"] = [s.strip() for s in raw["source"].split(",") if s.strip()]
    return raw


def search(session: Session, params: dict[str, str]) -> Page:
    """One page of matching records (ValidationError / QueryError on bad parameters)."""
    query = ArticleFilters(**filter_values(params)).to_query()
    cursor = params.get("cursor") or None
    return fetch_page(session, query, sort="published_at", limit=PAGE_SIZE, cursor=cursor)


def list_item(article: Article) -> dict[str, Any]:
    police = article.record.get("police") or {}
    return {
        "id": article.id, "title": article.title, "source": article.source_key,
        "published": when(article.published_at), "status": article.status,
        "revision": article.revision, "genre": article.genre,
        "topics": [t.get("topic") for t in police.get("topics") or []],
        "lead": article.record.get("lead") or "",
    }  # fmt: skip


def _shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + " …"


def _changes(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """Changed fields of two records: the body as a unified diff, `police` part by part,
    other fields as before/after values (long ones cut)."""
    diff = record_diff(old, new)
    out: list[dict[str, Any]] = []
    for name in diff["changed"]:
        change = diff["fields"][name]
        before, after = old.get(name), new.get(name)
        if "unified_diff" in change:
            out.append({"name": prefix + name, "diff": change["unified_diff"]})
        elif not prefix and isinstance(before, dict) and isinstance(after, dict):
            out.extend(_changes(before, after, prefix=f"{name}."))
        else:
            out.append({"name": prefix + name, "old": _shown(before), "new": _shown(after)})
    return out


def revision_diffs(session: Session, article_id: int) -> list[dict[str, Any]]:
    """Each revision after the first with what changed against the one before, newest first."""
    stmt = select(ArticleRevision).where(ArticleRevision.article_id == article_id)
    revisions = list(session.scalars(stmt.order_by(ArticleRevision.revision)))
    out = [
        {"revision": new.revision, "previous": old.revision, "time": when(new.created_at),
         "fields": _changes(old.record, new.record)}
        for old, new in itertools.pairwise(revisions)
    ]  # fmt: skip
    return out[::-1]


def record_view(session: Session, article: Article) -> dict[str, Any]:
    record = article.record
    return {
        "id": article.id, "title": article.title, "source": article.source_key,
        "url": safe_link(article.url), "url_text": article.url, "status": article.status,
        "revision": article.revision, "published": when(article.published_at),
        "first_seen": when(article.first_seen_at), "fetched": when(article.fetched_at),
        "story_id": article.story_id, "case_id": article.case_id,
        "parser_version": article.parser_version, "lead": record.get("lead") or "",
        "paragraphs": record.get("paragraphs") or [], "authors": record.get("authors") or [],
        "tags": record.get("tags") or [], "section": record.get("section") or "",
        "police": record.get("police"), "diffs": revision_diffs(session, article.id),
    }  # fmt: skip
