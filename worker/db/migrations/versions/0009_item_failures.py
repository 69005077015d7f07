"""item failures

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 04:00:00

item_failures remembers each listed article URL of a source that failed: how often, the
last error, and when to try it again (exponential backoff) or that it was given up
(worker/item_state.py). Keyed by (source_key, sha256 of the URL): a URL may be longer
than a PostgreSQL btree entry allows, so the URL itself is not indexed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import worker.db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = worker.db.types.UTCDateTime(timezone=True)
    op.create_table(
        "item_failures",
        sa.Column("source_key", sa.String(length=100), nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("hint", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", when, nullable=False),
        sa.Column("last_failed_at", when, nullable=False),
        sa.Column("next_try_at", when, nullable=True),
        sa.Column("gave_up_at", when, nullable=True),
        sa.Column("last_stage", sa.String(length=20), nullable=True),
        sa.Column("last_kind", sa.String(length=40), nullable=True),
        sa.Column("last_message", sa.Text(), nullable=True),
        sa.Column("last_http_status", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["source_key"], ["sources.key"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_key", "url_hash"),
    )
    with op.batch_alter_table("item_failures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_item_failures_due", ["source_key", "state", "next_try_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("item_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_item_failures_due")
    op.drop_table("item_failures")
