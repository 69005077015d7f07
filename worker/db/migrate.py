"""Alembic migrations, run programmatically (`newsworker db upgrade`, embedded default)."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Indexes written as SQL in migrations (dialect-specific), so not in the models.
MANUAL_INDEXES = frozenset(
    {
        "ix_articles_search",
        "ix_articles_published_order",
        "ix_articles_seen_order",
        "ix_articles_search_vector",
    }
)
MANUAL_COLUMNS = frozenset({"search_vector"})


def include_object(obj: object, name: str | None, type_: str, *_: object) -> bool:
    """Autogenerate filter: leave the hand-written indexes (and PostgreSQL's generated
    search_vector column, migration 0006) alone."""
    if type_ == "column" and name in MANUAL_COLUMNS:
        return False
    return not (type_ == "index" and name in MANUAL_INDEXES)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@contextmanager
def _one_migrator(engine: Engine) -> Iterator[None]:
    """Processes that start together on one SQLite file (two `newsworker worker`s on the
    embedded default) migrate it one at a time: pysqlite runs DDL outside a transaction,
    so two would both create alembic_version and one would die with "table already
    exists". An exclusive lock on a file beside the database; PostgreSQL needs none."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` using the engine's own connection."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with _one_migrator(engine), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])
