"""Alembic migrations on SQLite and real PostgreSQL: up to head, down to base, up again,
and the models match the migrated schema (no pending autogenerate diff)."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from worker.db.engine import make_engine
from worker.db.migrate import alembic_config, current_revision, include_object, upgrade
from worker.db.models import Base

pytestmark = pytest.mark.db


def test_round_trip_and_models_match(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    head = current_revision(engine)
    cfg = alembic_config(db_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    engine.dispose()
