"""Plain row inserts for index tables (facets, sketches, URL aliases, revisions), and
prebuilt statements run as their compiled SQL.

These tables get tens of rows per stored article. Going through the ORM's bulk-insert
path costs a unit-of-work pass per row; a Core executemany on the session's connection
(same transaction) does not. The statements are built once per table.

A Core execute still computes the statement's cache key (a walk of the whole statement:
~800,000 instructions for the story lookup's union of 32 arms, three times what SQLite
takes to run it), builds for each row a dict of every bind's value and then a tuple of
the processed values (~11,000 instructions a row), and sets up an execution context. So
a prebuilt statement is compiled once per dialect (and, for an INSERT, per set of
columns) into a plan: its SQL, the order of its parameters, the value of each bind the
caller does not pass (LIMIT's), and each parameter's bind processor (the ones the Core
path applies: JSON serialization, UTC datetimes). It runs with exec_driver_sql: the same
SQL, the same values, the same DBAPI call (execute, or executemany for several rows),
errors wrapped the same way. A statement the plan does not cover (Python-side defaults
to fill in, expanding or literal parameters, escaped bind names, an "insertmanyvalues"
batch, result columns that need processing) takes the Core path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, CursorResult, Dialect, Executable, Insert, Table, insert
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

Processor = Callable[[Any], Any]


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


def _getter(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """A function giving the values of `names` of a mapping, as a tuple."""
    if len(names) > 1:
        return itemgetter(*names)
    return lambda row: tuple(map(row.__getitem__, names))


@dataclass(frozen=True, slots=True)
class Plan:
    """A prebuilt statement compiled for one dialect (and set of INSERT columns)."""

    sql: str
    names: tuple[str, ...]  # the statement's parameters, in order (a name may repeat)
    defaults: Mapping[str, Any]  # value of each bind that has one (LIMIT's)
    processors: tuple[Processor | None, ...] | None  # per parameter (None: none has one)
    positional: bool  # parameters as tuples (else as dicts by name)
    values: Callable[[Mapping[str, Any]], tuple[Any, ...]]  # _getter(names)

    def parameters(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """The DBAPI parameters of `rows`: what the Core path would hand to the driver."""
        if self.defaults:
            rows = [{**self.defaults, **row} for row in rows]
        values = list(map(self.values, rows))
        if self.processors is not None:
            values = list(map(self._processed, values))
        if self.positional:
            return values
        return [dict(zip(self.names, row, strict=True)) for row in values]

    def _processed(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        assert self.processors is not None
        pairs = zip(values, self.processors, strict=True)
        return tuple(value if process is None else process(value) for value, process in pairs)


def _defaults(compiled: SQLCompiler, keys: frozenset[str]) -> dict[str, Any] | None:
    """Value of each bind the caller does not pass; None when one of them has no value
    (required) or takes a callable's."""
    defaults = {}
    for bind, name in compiled.bind_names.items():
        if bind.key != name and bind.key in keys:
            return None  # the Core path would look the value up by the bind's key
        if name in keys:
            continue
        if bind.required or bind.callable is not None:
            return None
        defaults[name] = bind.value
    return defaults


def _covered(compiled: SQLCompiler, many: bool) -> bool:
    """The plan gives what the Core path gives for this compiled statement."""
    if compiled.escaped_bind_names or compiled.insert_prefetch or compiled.update_prefetch:
        return False
    if compiled.post_compile_params or compiled.literal_execute_params:
        return False
    if many and compiled._insertmanyvalues is not None:
        return False
    dialect = compiled.dialect
    return all(
        column.type._cached_result_processor(dialect, None) is None
        for column in compiled._result_columns
    )


@lru_cache(maxsize=512)
def plan(
    statement: Executable, dialect: Dialect, keys: frozenset[str], many: bool = False
) -> Plan | None:
    """The plan of `statement` on `dialect` run with parameters `keys` (`many`:
    executemany), or None where the Core path does more than this plan would. The plan
    reads compiler internals; if a SQLAlchemy release moved one (pyproject pins the minor
    version), every statement takes the Core path instead of failing."""
    try:
        return _plan(statement, dialect, keys, many)
    except AttributeError:
        return None


def _plan(statement: Executable, dialect: Dialect, keys: frozenset[str], many: bool) -> Plan | None:
    assert isinstance(statement, ClauseElement)
    column_keys = sorted(keys) if isinstance(statement, Insert) else None
    compiled = statement.compile(dialect=dialect, column_keys=column_keys, for_executemany=many)
    assert isinstance(compiled, SQLCompiler)
    defaults = _defaults(compiled, keys)
    if defaults is None or not _covered(compiled, many):
        return None
    if compiled.positional:
        names = tuple(compiled.positiontup or ())
    else:
        names = tuple(dict.fromkeys(compiled.bind_names.values()))
    if not set(names) <= keys | defaults.keys():
        return None
    processors: list[Processor | None] = []
    for name in names:
        process = compiled._bind_processors.get(name)
        if process is not None and not callable(process):
            return None  # a tuple type's processors, one per element
        processors.append(process)
    found = tuple(processors) if any(processors) else None
    return Plan(compiled.string, names, defaults, found, compiled.positional, _getter(names))


def execute(
    session: Session, statement: Executable, params: Mapping[str, Any]
) -> CursorResult[Any]:
    """Run a prebuilt statement once with `params` on the session's connection (rows as
    the DBAPI returns them: for plain integer and string columns)."""
    connection = session.connection()
    found = plan(statement, connection.dialect, frozenset(params))
    if found is None:
        return connection.execute(statement, dict(params))
    return connection.exec_driver_sql(found.sql, found.parameters([params])[0])


def _core_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    connection.execute(_insert(table), rows)


def insert_rows(session: Session, model: type[DeclarativeBase], rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts with the same keys) into `model`'s table in the session's
    transaction (no ORM objects)."""
    if not rows:
        return
    table = model.__table__
    assert isinstance(table, Table)
    connection = session.connection()
    found = plan(_insert(table), connection.dialect, frozenset(rows[0]), len(rows) > 1)
    if found is None:
        _core_insert(connection, table, rows)
    else:
        connection.exec_driver_sql(found.sql, found.parameters(rows))
