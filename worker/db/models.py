"""Tables of the spine: sources and their feeds, articles with revisions, raw pages, failures.

The database is the source of truth (DESIGN §7): everything a later run needs to decide
what to do (conditional-GET validators, revisit times, health) lives here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from worker.db.types import BlobType, JSONType, UTCDateTime


class Base(DeclarativeBase):
    pass


class Source(Base):
    """One configured source and its health."""

    __tablename__ = "sources"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    outlet_type: Mapped[str] = mapped_column(String(40))
    province: Mapped[str | None] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(default=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_kind: Mapped[str | None] = mapped_column(String(40))
    consecutive_errors: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    last_counts: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # Scheduling (worker/schedule.py): a dispatcher claims a due source with a lease; the
    # ingest task that holds the lease token starts the run once (running_token).
    lease_token: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    running_token: Mapped[str | None] = mapped_column(String(64))


class FeedState(Base):
    """Conditional-GET state of one discovery URL (feed, listing page, sitemap)."""

    __tablename__ = "feed_states"

    source_key: Mapped[str] = mapped_column(
        ForeignKey("sources.key", ondelete="CASCADE"), primary_key=True
    )
    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    item_urls: Mapped[list[str] | None] = mapped_column(JSONType)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RawPage(Base):
    """A fetched page, compressed (codec "zstd"), addressed by the sha256 of its bytes."""

    __tablename__ = "raw_pages"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[bytes] = mapped_column(BlobType)
    codec: Mapped[str] = mapped_column(String(10), default="zstd")
    size: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(2000))
    content_type: Mapped[str | None] = mapped_column(String(200))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    parser_version: Mapped[str | None] = mapped_column(String(40))


class Article(Base):
    """The current state of one article (one identity, possibly many URLs)."""

    __tablename__ = "articles"
    # The revisit query (worker/pipeline.py _due_revisits) reads one source's articles not
    # checked since a cut-off: a range on this index, empty when nothing is due.
    __table_args__ = (Index("ix_articles_revisit", "source_key", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    identity: Mapped[str] = mapped_column(String(2000), unique=True)
    source_key: Mapped[str] = mapped_column(ForeignKey("sources.key"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    canonical_url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="active")
    record: Mapped[dict[str, Any]] = mapped_column(JSONType)
    parser_version: Mapped[str] = mapped_column(String(40))
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("raw_pages.sha256"))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    feed_hint: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Structure and clusters (filled from record["police"] and the sketch index).
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    genre: Mapped[str | None] = mapped_column(String(40), index=True)
    relevance: Mapped[float | None] = mapped_column(Float)
    is_police_affairs: Mapped[bool | None] = mapped_column(index=True)
    # Diacritic-free, tone-normalized, lower-case title + lead + body: "cong an" finds
    # "Công an". Indexed for full-text search on PostgreSQL (migration 0004).
    search_text: Mapped[str | None] = mapped_column(Text)
    # record["police"]["case"] (the case features scrapers.police.cases compares), kept
    # apart so that a case lookup reads a few hundred bytes per candidate instead of
    # extracting them from the whole record (migration 0008).
    case_features: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class ArticleUrl(Base):
    """Every URL seen for an article (canonical, tracking variants, AMP/mobile, syndication)."""

    __tablename__ = "article_urls"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )


class ArticleRevision(Base):
    """Every stored version of an article; revision 1 is the first one seen."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    record: Mapped[dict[str, Any]] = mapped_column(JSONType)
    parser_version: Mapped[str] = mapped_column(String(40))
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("raw_pages.sha256"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Failure(Base):
    """One thing that went wrong, with where and why, for operators to query."""

    __tablename__ = "failures"
    __table_args__ = (Index("ix_failures_source_time", "source_key", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    source_key: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2000))
    stage: Mapped[str] = mapped_column(String(20))  # discover | fetch | parse | store
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    transient: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ItemFailure(Base):
    """A listed item (article URL) of a source that failed, and when to try it again
    (worker/item_state.py). The row goes when the item succeeds; after the give-up limit
    it stays with state "gave_up" and normal runs skip the URL."""

    __tablename__ = "item_failures"
    # The URL can be longer than a btree entry allows (PostgreSQL: ~2.7 kB): rows are
    # keyed by its sha256; the retry query reads (source, state, next_try_at).
    __table_args__ = (Index("ix_item_failures_due", "source_key", "state", "next_try_at"),)

    source_key: Mapped[str] = mapped_column(
        ForeignKey("sources.key", ondelete="CASCADE"), primary_key=True
    )
    url_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    hint: Mapped[str | None] = mapped_column(String(64))  # the feed entry's hint, if listed
    state: Mapped[str] = mapped_column(String(20))  # backoff | gave_up
    failures: Mapped[int] = mapped_column(Integer)
    first_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_stage: Mapped[str | None] = mapped_column(String(20))
    last_kind: Mapped[str | None] = mapped_column(String(40))
    last_message: Mapped[str | None] = mapped_column(Text)
    last_http_status: Mapped[int | None] = mapped_column(Integer)


class IngestRun(Base):
    """One pass over one source, with its counts."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class ReingestRequest(Base):
    """A durable manual re-ingest request, executed by a task, idempotent by key."""

    __tablename__ = "reingest_requests"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # source | url | reparse
    params: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Event(Base):
    """Transactional outbox: one row per change, written in the transaction that makes the
    change. `seq` (global, gapless, increasing) is assigned by the relay in the order the
    rows became visible, so a row that commits late gets a later number and is never
    skipped; `event_id` is stable across every delivery."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_unsequenced", "seq", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(40), unique=True)
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sequenced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_key: Mapped[str | None] = mapped_column(String(100), index=True)
    article_id: Mapped[int | None] = mapped_column(Integer, index=True)
    revision: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)


class RelayCursor(Base):
    """How far each channel has been delivered (last seq handed to it)."""

    __tablename__ = "relay_cursors"

    channel: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookEndpoint(Base):
    """A configured webhook target and its state (disabled after 410 or exhausted retries)."""

    __tablename__ = "webhook_endpoints"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | disabled
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)  # events considered so far


class WebhookDelivery(Base):
    """One event for one endpoint, with its retry schedule. Attempts are kept below."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint", "event_seq"),
        Index("ix_webhook_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    endpoint: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.name"))
    event_seq: Mapped[int] = mapped_column(Integer)
    # The webhook-id header and the exact JSON body, serialized once when the delivery is
    # created and sent unchanged on every retry (migration 0005).
    event_id: Mapped[str | None] = mapped_column(String(40))
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|delivered|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    """Every HTTP attempt of a delivery, for operators."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None] = mapped_column(Integer)


class ArticleFacet(Base):
    """Queryable structured values of an article (province, topic, crime article, person
    key, ...), rewritten with each revision; the API filters on these."""

    __tablename__ = "article_facets"
    __table_args__ = (Index("ix_facets_lookup", "facet", "value", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(300), primary_key=True)


class ArticleSketch(Base):
    """Bottom-k shingle hashes of an article's text: the near-duplicate index. Articles
    sharing enough of these values are syndicated copies of one story."""

    __tablename__ = "article_sketches"
    __table_args__ = (Index("ix_sketch_hash", "hash", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
