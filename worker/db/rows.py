"""Plain row inserts for index tables (facets, sketches, URL aliases, revisions).

These tables get tens of rows per stored article. Going through the ORM's bulk-insert
path costs a unit-of-work pass per row; a Core executemany on the session's connection
(same transaction) does not. The statements are built once per table.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, insert
from sqlalchemy.orm import DeclarativeBase, Session


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


def insert_rows(session: Session, model: type[DeclarativeBase], rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` into `model`'s table in the session's transaction (no ORM objects)."""
    if rows:
        table = model.__table__
        assert isinstance(table, Table)
        session.connection().execute(_insert(table), rows)
