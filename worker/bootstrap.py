"""Start-up: settings → engine (migrated) → sessions → sources, shared by CLI and tasks."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from worker.db.engine import PoolOptions, make_engine, make_session_factory
from worker.db.migrate import upgrade
from worker.settings import Settings, get_settings
from worker.sources import SourceLoadResult, load_sources

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def open_runtime(
    settings: Settings | None = None,
    *,
    migrate: bool | None = None,
    pool: PoolOptions | None = None,
) -> Runtime:
    """Engine and sessions for the configured database. SQLite (the embedded default) is
    migrated automatically; PostgreSQL only when asked (`newsworker db upgrade`). `pool`
    bounds the engine's pool (the read API's, worker.api.limits)."""
    settings = settings or get_settings()
    engine = make_engine(settings.effective_database_url, pool)
    if migrate is None:
        migrate = engine.dialect.name == "sqlite"
    if migrate:
        upgrade(engine)
    return Runtime(settings, engine, make_session_factory(engine))


def load_configured_sources(settings: Settings) -> SourceLoadResult:
    result = load_sources(settings.sources_dir)
    for error in result.errors:
        logger.error("source file rejected", extra={"error": str(error)})
    return result
