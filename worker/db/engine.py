"""Engine and session factory; SQLite gets WAL and a busy timeout, PostgreSQL a pool check;
servers pass PoolOptions for a bounded pool."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS


class JsonText:
    """dump_json of a value, computed once for a value written to several JSON columns: a
    column given it stores what it would store for the value (dump_json returns the text
    as is). The one str object also lets SQLite's driver encode it to UTF-8 only once."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    @classmethod
    def of(cls, value: Any) -> JsonText:
        return cls(dump_json(value))


def dump_json(value: Any) -> str:
    """JSON columns are written with orjson: records are serialized several times per
    stored article (article, revision, event) and the stdlib encoder was a visible part of
    the store stage (bench/ingest.py). A large text with characters beyond U+FFFF has them
    as \\u surrogate-pair escapes (the same JSON value): one such character would make
    Python store every character of the text in 4 bytes instead of 2 or 1, for each copy
    the store stage holds of a huge page's record."""
    if type(value) is JsonText:
        return value.text
    data = orjson.dumps(value, option=_JSON_OPTIONS)
    if len(data) > _ESCAPE_ASTRAL_BYTES and _ASTRAL_UTF8.search(data) is not None:
        data = _ASTRAL_UTF8.sub(_surrogate_escape, data)
    return data.decode("utf-8")


_ESCAPE_ASTRAL_BYTES = 1 << 20
_ASTRAL_UTF8 = re.compile(rb"[\xf0-\xf4][\x80-\xbf]{3}")  # orjson writes valid UTF-8 only


def _surrogate_escape(match: re.Match[bytes]) -> bytes:
    code = ord(match.group().decode("utf-8")) - 0x10000
    return b"\\u%04x\\u%04x" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))


_JSON_ARGS: dict[str, Any] = {"json_serializer": dump_json, "json_deserializer": orjson.loads}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@dataclass(frozen=True, slots=True)
class PoolOptions:
    """A bounded pool for a server (the read API): `size` connections and no overflow,
    `timeout` seconds to wait for one; on PostgreSQL also a connect timeout and a
    statement timeout in ms (0: none). Without it an engine keeps SQLAlchemy's defaults
    (5 + 10 overflow, 30 s), which suit the worker's few sessions."""

    size: int
    timeout: float
    connect_timeout: int = 10
    statement_timeout_ms: int = 0

    def engine_args(self, backend: str) -> dict[str, Any]:
        args: dict[str, Any] = {"pool_size": self.size, "max_overflow": 0,
                                "pool_timeout": self.timeout}  # fmt: skip
        if backend == "postgresql":
            connect: dict[str, Any] = {"connect_timeout": self.connect_timeout}
            if self.statement_timeout_ms:
                connect["options"] = f"-c statement_timeout={self.statement_timeout_ms}"
            args["connect_args"] = connect
        return args


def make_engine(url: str, pool: PoolOptions | None = None) -> Engine:
    """Create an engine; for a SQLite file, create its folder first."""
    parsed = make_url(url)
    extra = pool.engine_args(parsed.get_backend_name()) if pool else {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **_JSON_ARGS, **extra
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **_JSON_ARGS, **extra)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (which propagates)."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
