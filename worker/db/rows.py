"""Plain row inserts for index tables (facets, sketches, URL aliases, revisions), and
prebuilt statements run on the session's connection.

These tables get tens of rows per stored article. Going through the ORM's bulk-insert
path costs a unit-of-work pass per row; a Core executemany on the session's connection
(same transaction) does not. Prebuilt statements likewise run as Core statements on the
connection, without the ORM's per-row loading.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import CursorResult, Executable, Insert, Table, insert
from sqlalchemy.orm import DeclarativeBase, Session


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


def execute(
    session: Session, statement: Executable, params: Mapping[str, Any]
) -> CursorResult[Any]:
    """Run a prebuilt statement once with `params` on the session's connection."""
    return session.connection().execute(statement, dict(params))


def insert_rows(session: Session, model: type[DeclarativeBase], rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts with the same keys) into `model`'s table in the session's
    transaction (no ORM objects)."""
    if not rows:
        return
    table = model.__table__
    assert isinstance(table, Table)
    session.connection().execute(_insert(table), rows)
