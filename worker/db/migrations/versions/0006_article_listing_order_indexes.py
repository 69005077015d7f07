"""article listing order indexes and a stored search vector (read API)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 22:10:00

GET /articles pages newest first: ORDER BY published_at DESC NULLS LAST, id DESC (or
first_seen_at DESC, id DESC). Indexes in exactly that order let the database walk the
index and stop after one page instead of sorting every matching row (100k rows:
unfiltered listing 173 ms -> 0.6 ms, full-text "cong an" 5.8 s -> 1.6 ms on PostgreSQL;
bench/api.py). SQLite sorts NULLs lowest, so its plain DESC index is the same order; its
index syntax has no NULLS LAST.

PostgreSQL only: `search_vector`, the tsvector of search_text stored as a generated column
with its GIN index, replacing 0004's expression index. A phrase query ("le hoi hoa xuan")
must recheck every candidate row, and against the expression index that recomputed
to_tsvector per row (15k candidates: 1.2 s); the stored vector makes the recheck a read.
Hand-written (worker.db.migrate.MANUAL_INDEXES): the models cannot declare NULLS LAST or a
PostgreSQL-only column portably; SQLite searches search_text with LIKE.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    nulls_last = " NULLS LAST" if postgres else ""
    op.execute(
        "CREATE INDEX ix_articles_published_order "
        f"ON articles (published_at DESC{nulls_last}, id DESC)"
    )
    op.execute("CREATE INDEX ix_articles_seen_order ON articles (first_seen_at DESC, id DESC)")
    if postgres:
        op.execute(
            "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', coalesce(search_text, ''))) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)")
        op.execute("DROP INDEX IF EXISTS ix_articles_search")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_articles_search ON articles "
            "USING gin (to_tsvector('simple', coalesce(search_text, '')))"
        )
        op.execute("DROP INDEX IF EXISTS ix_articles_search_vector")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP INDEX IF EXISTS ix_articles_seen_order")
    op.execute("DROP INDEX IF EXISTS ix_articles_published_order")
