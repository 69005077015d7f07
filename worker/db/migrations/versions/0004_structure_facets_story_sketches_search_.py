"""structure facets, story sketches, search text

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 21:34:24.742338
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_facets",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "facet", "value"),
    )
    with op.batch_alter_table("article_facets", schema=None) as batch_op:
        batch_op.create_index("ix_facets_lookup", ["facet", "value", "article_id"], unique=False)

    op.create_table(
        "article_sketches",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "hash"),
    )
    with op.batch_alter_table("article_sketches", schema=None) as batch_op:
        batch_op.create_index("ix_sketch_hash", ["hash", "article_id"], unique=False)

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("genre", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("relevance", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("is_police_affairs", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_articles_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_genre"), ["genre"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_articles_is_police_affairs"), ["is_police_affairs"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_story_id"), ["story_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # Full-text search over the folded text ('simple': no stemming, Vietnamese
        # syllables are words already). SQLite searches the same column with LIKE.
        op.execute(
            "CREATE INDEX ix_articles_search ON articles "
            "USING gin (to_tsvector('simple', coalesce(search_text, '')))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search")

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_story_id"))
        batch_op.drop_index(batch_op.f("ix_articles_is_police_affairs"))
        batch_op.drop_index(batch_op.f("ix_articles_genre"))
        batch_op.drop_index(batch_op.f("ix_articles_case_id"))
        batch_op.drop_column("search_text")
        batch_op.drop_column("is_police_affairs")
        batch_op.drop_column("relevance")
        batch_op.drop_column("genre")
        batch_op.drop_column("case_id")
        batch_op.drop_column("story_id")

    with op.batch_alter_table("article_sketches", schema=None) as batch_op:
        batch_op.drop_index("ix_sketch_hash")

    op.drop_table("article_sketches")
    with op.batch_alter_table("article_facets", schema=None) as batch_op:
        batch_op.drop_index("ix_facets_lookup")

    op.drop_table("article_facets")
