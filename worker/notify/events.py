"""Outbox writing: event rows added to the caller's session, so each event commits (or
rolls back) together with the change it reports — there is no moment where one exists
without the other.

Types: article.created, article.updated (field-level diff), article.removed,
source.failing, source.recovered.
"""

from __future__ import annotations

import difflib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from worker.db.models import Article, Event
from worker.db.rows import insert_rows

EVENT_TYPES = (
    "article.created",
    "article.updated",
    "article.removed",
    "source.failing",
    "source.recovered",
)
SHORT_FIELD_LIMIT = 500  # characters: longer values are summarized, the body gets a diff
BODY_FIELDS = ("paragraphs",)


def emit(
    session: Session,
    event_type: str,
    *,
    now: datetime,
    payload: dict[str, Any],
    source_key: str | None = None,
    article_id: int | None = None,
    revision: int | None = None,
) -> str:
    """Add the event row to the session's transaction; returns its event_id."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type}")
    event_id = f"evt_{uuid.uuid4().hex}"
    row = {
        "event_id": event_id, "type": event_type, "occurred_at": now, "source_key": source_key,
        "article_id": article_id, "revision": revision, "payload": payload,
    }  # fmt: skip
    insert_rows(session, Event, [row])
    return event_id


def article_payload(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source_key,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "revision": article.revision,
        "status": article.status,
        "record": article.record,
    }


def _short(value: Any) -> Any:
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= SHORT_FIELD_LIMIT:
        return value
    return {"truncated": True, "length": len(text), "start": text[:SHORT_FIELD_LIMIT]}


def record_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Which fields changed; old and new values for short fields; a unified diff of the
    body (one paragraph per line)."""
    changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    fields: dict[str, Any] = {}
    for name in changed:
        if name in BODY_FIELDS:
            before = [str(p) for p in old.get(name) or []]
            after = [str(p) for p in new.get(name) or []]
            diff = difflib.unified_diff(before, after, "before", "after", lineterm="", n=1)
            fields[name] = {"unified_diff": "\n".join(diff)}
        else:
            fields[name] = {"old": _short(old.get(name)), "new": _short(new.get(name))}
    return {"changed": changed, "fields": fields}


def emit_article_created(session: Session, article: Article, now: datetime) -> None:
    payload = {"article": article_payload(article)}
    emit(
        session, "article.created", now=now, payload=payload, source_key=article.source_key,
        article_id=article.id, revision=article.revision,
    )  # fmt: skip


def emit_article_updated(
    session: Session, article: Article, old_record: dict[str, Any], now: datetime
) -> None:
    payload = {
        "article": article_payload(article),
        "diff": record_diff(old_record, article.record),
        "previous_revision": article.revision - 1,
    }
    emit(
        session, "article.updated", now=now, payload=payload, source_key=article.source_key,
        article_id=article.id, revision=article.revision,
    )  # fmt: skip


def emit_article_removed(session: Session, article: Article, now: datetime, reason: str) -> None:
    payload = {"article": article_payload(article), "reason": reason}
    emit(
        session, "article.removed", now=now, payload=payload, source_key=article.source_key,
        article_id=article.id, revision=article.revision,
    )  # fmt: skip


def emit_source_health(
    session: Session, key: str, failing: bool, now: datetime, detail: dict[str, Any]
) -> None:
    kind = "source.failing" if failing else "source.recovered"
    emit(session, kind, now=now, payload={"source": key, **detail}, source_key=key)
