"""article listing order indexes (read API keyset pagination)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 22:10:00

GET /articles pages newest first: ORDER BY published_at DESC NULLS LAST, id DESC (or
first_seen_at DESC, id DESC). Indexes in exactly that order let the database walk the
index and stop after one page instead of sorting every matching row (100k rows:
unfiltered listing 173 ms -> 0.6 ms, full-text "cong an" 5.8 s -> 1.6 ms on PostgreSQL;
bench/api.py). SQLite sorts NULLs lowest, so its plain DESC index is the same order; its
index syntax has no NULLS LAST. Hand-written (listed in worker.db.migrate.MANUAL_INDEXES):
the models cannot declare NULLS LAST portably.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    nulls_last = " NULLS LAST" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(
        "CREATE INDEX ix_articles_published_order "
        f"ON articles (published_at DESC{nulls_last}, id DESC)"
    )
    op.execute("CREATE INDEX ix_articles_seen_order ON articles (first_seen_at DESC, id DESC)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_articles_seen_order")
    op.execute("DROP INDEX IF EXISTS ix_articles_published_order")
