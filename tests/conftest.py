"""Shared test set-up: golden regeneration flag, real PostgreSQL/Redis on loopback, databases.

PostgreSQL and Redis come from NEWSWORKER_TEST_PG_URL / NEWSWORKER_TEST_REDIS_URL (set by
.ci/services.sh); when unset, the services script is run once to start them.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

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


def _with_db(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"nw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _with_db(pg_admin_url, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
