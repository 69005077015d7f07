"""What reaches the database driver: the statements, parameters and executemany flags an
engine sends while a block runs (tests comparing a fast path's driver calls with the plain
path's)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

Calls = list[tuple[str, Any, bool]]


@contextmanager
def captured(engine: Engine, plain: Callable[[Any], Any]) -> Iterator[Calls]:
    """The (sql, plain(params), executemany) of every cursor execute within the block;
    `plain` turns driver wrappers (psycopg Jsonb, Binary) into comparable values."""
    calls: Calls = []

    def before(_c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        calls.append((sql, plain(params), many))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield calls
    finally:
        event.remove(engine, "before_cursor_execute", before)
