"""article case features

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 02:50:00

articles.case_features holds record["police"]["case"], the features a case lookup
compares (worker/clusters.py). Reading them from the whole record cost about 1 ms per
stored article (every candidate's record was parsed); existing rows are filled from
their records here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BACKFILL = {
    "sqlite": "UPDATE articles SET case_features = json_extract(record, '$.police.case') "
    "WHERE json_type(record, '$.police.case') = 'object'",
    "postgresql": "UPDATE articles SET case_features = record->'police'->'case' "
    "WHERE jsonb_typeof(record->'police'->'case') = 'object'",
}


def upgrade() -> None:
    json_type = sa.JSON().with_variant(JSONB(), "postgresql")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_features", json_type, nullable=True))
    op.execute(_BACKFILL[op.get_bind().dialect.name])


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("case_features")
