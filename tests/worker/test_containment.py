"""worker.containment: which exceptions an article or a source run absorbs (the input's
fault, recorded) and which propagate (time limits, the database unreachable). The
database errors are raised by a real SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from scrapers.errors import ArticleParseError
from worker.containment import error_kind, is_input_fault
from worker.crashpoints import InjectedFault
from worker.errors import ServerError

pytestmark = pytest.mark.unit


def _raised(sql: str, url: str) -> Exception:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)"))
            conn.execute(text(sql))
    except Exception as exc:  # noqa: BLE001 - the test wants whatever the database raised
        return exc
    finally:
        engine.dispose()
    raise AssertionError(f"{sql} did not fail")


def test_a_record_the_database_refuses_is_the_input_s_fault(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    exc = _raised("INSERT INTO t (id) VALUES (1), (1)", url)
    assert isinstance(exc, IntegrityError)
    assert is_input_fault(exc)
    assert error_kind(exc) == "IntegrityError"


def test_an_unreachable_database_propagates(tmp_path: Path) -> None:
    exc = _raised("SELECT 1", f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}")
    assert isinstance(exc, OperationalError)
    assert not is_input_fault(exc)


def test_an_invalidated_connection_propagates() -> None:
    exc = DBAPIError("SELECT 1", {}, ConnectionError("gone"), connection_invalidated=True)
    assert not is_input_fault(exc)
    assert is_input_fault(DBAPIError("SELECT 1", {}, ValueError("bad value")))


@pytest.mark.parametrize("exc", [SoftTimeLimitExceeded(), TimeLimitExceeded(25.0)])
def test_celery_time_limits_propagate(exc: Exception) -> None:
    assert isinstance(exc, Exception)  # billiard's, not a BaseException-only class
    assert not is_input_fault(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("All strings must be XML compatible"),
        RecursionError("maximum recursion depth exceeded"),
        MemoryError(),
        InjectedFault("x"),
        ArticleParseError("no body"),
    ],
)
def test_parser_failures_are_the_input_s_fault(exc: Exception) -> None:
    assert is_input_fault(exc)


def test_error_kind_uses_the_typed_kind_and_fits_the_column() -> None:
    assert error_kind(ServerError("http://x", 503)) == "server_error"
    long_name = type("A" * 60 + "Error", (Exception,), {})
    assert error_kind(long_name()) == "A" * 40
