"""scheduling leases and reingest requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:25:05.130270
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import worker.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "reingest_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", worker.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", worker.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", worker.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", worker.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("reingest_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reingest_requests_status"), ["status"], unique=False)

    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_token", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("lease_until", worker.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("running_token", sa.String(length=64), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("running_token")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_token")

    with op.batch_alter_table("reingest_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reingest_requests_status"))

    op.drop_table("reingest_requests")
