"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 21:12:17.497517
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import worker.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_key", sa.String(length=100), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("transient", sa.Boolean(), nullable=False),
        sa.Column("occurred_at", worker.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_failures_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(
            "ix_failures_source_time", ["source_key", "occurred_at"], unique=False
        )

    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_key", sa.String(length=100), nullable=False),
        sa.Column("started_at", worker.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", worker.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "counts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ingest_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_runs_source_key"), ["source_key"], unique=False)

    op.create_table(
        "raw_pages",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("codec", sa.String(length=10), nullable=False),
        sa.Column(
            "body", sa.LargeBinary().with_variant(postgresql.BYTEA(), "postgresql"), nullable=False
        ),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("fetched_at", worker.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("parser_version", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "sources",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("outlet_type", sa.String(length=40), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_run_at", worker.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", worker.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error_at", worker.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_kind", sa.String(length=40), nullable=True),
        sa.Column("consecutive_errors", sa.Integer(), nullable=False),
        sa.Column("next_check_at", worker.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paused_reason", sa.Text(), nullable=True),
        sa.Column(
            "last_counts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("identity", sa.String(length=2000), nullable=False),
        sa.Column("source_key", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("canonical_url", sa.String(length=2000), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", worker.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "record",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("parser_version", sa.String(length=40), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=True),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("feed_hint", sa.String(length=64), nullable=True),
        sa.Column("first_seen_at", worker.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fetched_at", worker.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("checked_at", worker.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", worker.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["raw_sha256"],
            ["raw_pages.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["source_key"],
            ["sources.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("identity"),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_articles_first_seen_at"), ["first_seen_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_articles_published_at"), ["published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_source_key"), ["source_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "feed_states",
        sa.Column("source_key", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("body_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "item_urls",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("last_fetched_at", worker.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["source_key"], ["sources.key"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_key", "url"),
    )
    op.create_table(
        "article_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "record",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("parser_version", sa.String(length=40), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", worker.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["raw_sha256"],
            ["raw_pages.sha256"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "revision"),
    )
    op.create_table(
        "article_urls",
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("url"),
    )
    with op.batch_alter_table("article_urls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_urls_article_id"), ["article_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("article_urls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_urls_article_id"))

    op.drop_table("article_urls")
    op.drop_table("article_revisions")
    op.drop_table("feed_states")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_updated_at"))
        batch_op.drop_index(batch_op.f("ix_articles_source_key"))
        batch_op.drop_index(batch_op.f("ix_articles_published_at"))
        batch_op.drop_index(batch_op.f("ix_articles_first_seen_at"))

    op.drop_table("articles")
    op.drop_table("sources")
    op.drop_table("raw_pages")
    with op.batch_alter_table("ingest_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_runs_source_key"))

    op.drop_table("ingest_runs")
    with op.batch_alter_table("failures", schema=None) as batch_op:
        batch_op.drop_index("ix_failures_source_time")
        batch_op.drop_index(batch_op.f("ix_failures_occurred_at"))

    op.drop_table("failures")
