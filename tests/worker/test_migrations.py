"""Alembic migrations on SQLite and real PostgreSQL: up to head, down to base, up again,
and the models match the migrated schema (no pending autogenerate diff)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from worker.db.engine import make_engine
from worker.db.migrate import alembic_config, current_revision, include_object, upgrade
from worker.db.models import Article, Base

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


def test_0008_fills_case_features_from_existing_records(db_url: str) -> None:
    """Articles stored before 0008 get their case features copied out of the record; an
    article whose record has no case keeps NULL."""
    engine = make_engine(db_url)
    cfg = alembic_config(db_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
    case = {"blocking_keys": ["p:nguyen van a:1990"], "province": "Hà Tĩnh", "articles": [249]}
    records = {1: {"police": {"case": case}}, 2: {"police": {"case": None}}, 3: {"title": "t"}}
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO sources (key, name, outlet_type, enabled, consecutive_errors) "
                 "VALUES ('s', 's', 'newspaper', true, 0)")
        )  # fmt: skip
        for n, record in records.items():
            conn.execute(
                text(
                    "INSERT INTO articles (id, identity, source_key, url, canonical_url, title,"
                    " content_hash, revision, status, record, parser_version, first_seen_at,"
                    " fetched_at, checked_at, updated_at) VALUES (:n, :i, 's', :u, :u, 't',"
                    " 'h', 1, 'active', :r, 'v', :t, :t, :t, :t)"
                ),
                {"n": n, "i": f"x#{n}", "u": f"https://x.vn/{n}", "r": json.dumps(record),
                 "t": datetime(2026, 3, 1)},
            )  # fmt: skip
    upgrade(engine)
    with engine.connect() as conn:
        found = dict(conn.execute(select(Article.id, Article.case_features)).all())
    assert found == {1: case, 2: None, 3: None}
    engine.dispose()
