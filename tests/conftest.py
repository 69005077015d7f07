"""Shared test set-up: golden regeneration flag, real PostgreSQL/Redis on loopback, databases.

PostgreSQL and Redis come from NEWSWORKER_TEST_PG_URL / NEWSWORKER_TEST_REDIS_URL (set by
.ci/services.sh); when unset, the services script is run once to start them.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.pg import fresh_pg_database

REPO = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite golden expected files from current output (review the diff!)",
    )


@pytest.fixture(scope="session")
def regen_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


def shared_dir() -> Path:
    env = os.environ.get("NEWSWORKER_SHARED_DIR")
    return Path(env) if env else REPO.parent / "shared"


@pytest.fixture(scope="session")
def corpus_pages() -> Path:
    return shared_dir() / "corpus" / "pages"


def _service_env() -> dict[str, str]:
    """Start (or find) the loopback services and return their URLs."""
    wanted = ("NEWSWORKER_TEST_PG_URL", "NEWSWORKER_TEST_REDIS_URL")
    if all(os.environ.get(k) for k in wanted):
        return {k: os.environ[k] for k in wanted}
    script = f"source {REPO / '.ci' / 'services.sh'} >&2 && env"
    out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True)
    env = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    os.environ.update({k: env[k] for k in wanted})
    return {k: env[k] for k in wanted}


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    return _service_env()["NEWSWORKER_TEST_PG_URL"]


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _service_env()["NEWSWORKER_TEST_REDIS_URL"]


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with fresh_pg_database(pg_admin_url) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newsworker.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on real PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def migrated_engine(db_url: str) -> Iterator[Engine]:
    from worker.db.engine import make_engine
    from worker.db.migrate import upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()
