"""worker.db.rows runs prebuilt statements as their compiled SQL: each hands the driver
what the Core path hands it (same SQL, same parameter values after bind processing, same
execute/executemany call) and gets the same rows back, on SQLite and PostgreSQL; where the
plan does not cover a statement, the Core path runs."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from tests.worker.driver_calls import Calls, captured
from worker import clusters, store
from worker.db.engine import transaction
from worker.db.models import (
    Article,
    ArticleFacet,
    ArticleRevision,
    ArticleSketch,
    ArticleUrl,
    Event,
    RawPage,
    Source,
)
from worker.db.rows import execute, insert_rows, plan
from worker.indexing import _DROP_FACETS

pytestmark = pytest.mark.db

T0 = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
A1, A2 = 1001, 1002  # fixture articles (explicit ids: the id sequence stays at 1)


def _plain(value: Any) -> Any:
    """Parameters with the driver's wrappers (psycopg Binary, Jsonb: new objects each
    time, compared by identity) replaced by what they wrap, JSON serialized."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    if hasattr(value, "obj"):
        dumps = getattr(value, "dumps", None)
        wrapped = dumps(value.obj) if dumps is not None else _plain(value.obj)
        return type(value).__name__, wrapped
    return value


def _captured(engine: Engine) -> AbstractContextManager[Calls]:
    return captured(engine, _plain)


def _run(engine: Engine, work: Callable[[Session], Any]) -> tuple[Calls, Any]:
    """What `work` sends to the driver and returns, in a transaction rolled back after."""
    with Session(engine) as session, _captured(engine) as calls:
        result = work(session)
        session.rollback()
    return calls, result


def _same(engine: Engine, fast: Callable[[Session], Any], core: Callable[[Session], Any]) -> None:
    fast_calls, fast_result = _run(engine, fast)
    core_calls, core_result = _run(engine, core)
    assert fast_calls == core_calls
    assert fast_result == core_result


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    with transaction(lambda: Session(migrated_engine)) as session:  # type: ignore[arg-type]
        session.add(Source(key="s", name="s", outlet_type="newspaper"))
        session.flush()
        session.add(_article(A1, case_features={"blocking_keys": ["p:x"], "n": [1, 2.5]}))
        session.add(_article(A2, case_features=None))
    return migrated_engine


def _article(n: int, **values: Any) -> Article:
    return Article(
        id=n, identity=f"x#{n}", source_key="s", url=f"https://x.vn/{n}",
        canonical_url=f"https://x.vn/{n}", title=f"t{n}", content_hash=str(n), revision=1,
        status="active", record={"title": "Công an", "n": None}, parser_version="t",
        first_seen_at=T0, fetched_at=T0, checked_at=T0, updated_at=T0, **values,
    )  # fmt: skip


def _rows() -> dict[type[Any], list[dict[str, Any]]]:
    later = T0 + timedelta(hours=7)
    return {
        RawPage: [
            {
                "sha256": "a" * 64,
                "body": b"\x00zstd",
                "codec": "zstd",
                "size": 5,
                "url": "u",
                "content_type": None,
                "fetched_at": later,
                "parser_version": "p",
            },
        ],
        ArticleRevision: [
            {
                "article_id": A1,
                "revision": r,
                "content_hash": "h",
                "parser_version": "p",
                "record": {"title": "Thanh Hoá", "paragraphs": ["a", "ố"], "x": None},
                "raw_sha256": None,
                "created_at": later,
            }
            for r in (5, 6)
        ],
        ArticleUrl: [{"url": f"https://x.vn/a{i}", "article_id": A2} for i in range(3)],
        ArticleFacet: [
            {"article_id": A1, "facet": "person", "value": f"nguyen van {i}"} for i in range(4)
        ],
        ArticleSketch: [{"article_id": A2, "hash": h} for h in (0, 1, 2**31 + 5, 2**32 - 1)],
        Event: [
            {
                "event_id": f"evt_{i}",
                "type": "article.created",
                "occurred_at": later,
                "source_key": None if i else "s",
                "article_id": None if i else A1,
                "revision": 1,
                "payload": {"article": {"id": 1, "record": {"a": [1, "ệ"]}}},
            }
            for i in range(2)
        ],
    }


@pytest.mark.parametrize("count", [1, 2])
def test_inserts_send_what_the_core_path_sends(engine: Engine, count: int) -> None:
    for model, rows in _rows().items():
        some = rows[:count]
        table = model.__table__

        def fast(session: Session, m: Any = model, r: Any = some) -> None:
            insert_rows(session, m, r)

        def core(session: Session, t: Any = table, r: Any = some) -> None:
            session.connection().execute(insert(t), r)

        _same(engine, fast, core)


def _statements() -> list[tuple[Any, dict[str, Any]]]:
    article = {c.key: getattr(_article(3), c.key) for c in store._ARTICLE_COLUMNS}
    article = {k: v for k, v in article.items() if v is not None}
    article["case_features"] = {"blocking_keys": ["pp:a:b"], "quantities": [[1.5, "kg"]]}
    article["identity"] = "x#3"
    found: list[tuple[Any, dict[str, Any]]] = [
        (store._RAW_KNOWN, {"digest": "b" * 64}),
        (store._RAW_REREAD, {"digest": "b" * 64, "version": "v2"}),
        (store._SET_CLUSTERS, {"me": A1, "story": A2, "case": None}),
        (store._INSERT_ARTICLE, article),
        (_DROP_FACETS, {"me": A1}),
        (clusters._DROP_SKETCH, {"me": A2}),
    ]
    for size in (1, 5, 32):
        values = {f"v{i}": 2**31 + 5 * i for i in range(size)}
        found.append((clusters._candidates_stmt(size), {"me": A1, "need": 1, **values}))
    for size in (1, 12):
        keys = {f"k{i}": f"p:nguyen van {i}" for i in range(size)}
        found.append((clusters._case_keys_stmt(size), {"me": A2, **keys}))
    return found


def test_statements_send_what_the_core_path_sends(engine: Engine) -> None:
    def seeded(session: Session) -> None:
        insert_rows(session, ArticleSketch, [{"article_id": A2, "hash": 2**31 + 5}])
        facets = [{"article_id": A1, "facet": "case_key", "value": "p:nguyen van 0"}]
        insert_rows(session, ArticleFacet, facets)

    def outcome(statement: Any, result: Any) -> Any:
        if not result.returns_rows:
            return result.rowcount
        rows = result.all()
        # a PostgreSQL sequence is not rolled back: the second INSERT gets the next id
        return len(rows) if statement is store._INSERT_ARTICLE else rows

    for statement, params in _statements():
        with engine.connect() as connection:
            compiled = plan(statement, connection.dialect, frozenset(params))
        assert compiled is not None

        def fast(session: Session, st: Any = statement, p: Any = params) -> Any:
            seeded(session)
            return outcome(st, execute(session, st, p))

        def core(session: Session, st: Any = statement, p: Any = params) -> Any:
            seeded(session)
            return outcome(st, session.connection().execute(st, p))

        _same(engine, fast, core)


def test_uncovered_statements_take_the_core_path(engine: Engine) -> None:
    with engine.connect() as connection:
        dialect = connection.dialect
    # expanding IN
    assert plan(clusters._SKETCHES, dialect, frozenset({"ids"})) is None
    # a Python-side default to fill in (Article.status)
    article = {c.key for c in store._ARTICLE_COLUMNS} - {"status"}
    assert plan(store._INSERT_ARTICLE, dialect, frozenset(article)) is None
    # a required parameter not given
    assert plan(store._SET_CLUSTERS, dialect, frozenset({"me", "story"})) is None

    def fast(session: Session) -> Any:
        return execute(session, clusters._SKETCHES, {"ids": [A1, A2]}).all()

    def core(session: Session) -> Any:
        return session.connection().execute(clusters._SKETCHES, {"ids": [A1, A2]}).all()

    _same(engine, fast, core)


def test_moved_compiler_internals_fall_back_to_the_core_path(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SQLAlchemy release without one of the internals the plan reads: rows still go in,
    through the Core path."""
    from worker.db import rows as rows_module

    def moved(*_args: Any) -> Any:
        raise AttributeError("'SQLCompiler' object has no attribute '_bind_processors'")

    plan.cache_clear()
    monkeypatch.setattr(rows_module, "_plan", moved)
    try:
        with engine.connect() as connection:
            assert plan(store._SET_CLUSTERS, connection.dialect, frozenset({"me"})) is None
        urls = [{"url": f"https://x.vn/moved{i}", "article_id": A2} for i in range(2)]
        with transaction(lambda: Session(engine)) as session:  # type: ignore[arg-type]
            insert_rows(session, ArticleUrl, urls)
        with engine.connect() as connection:
            stored = connection.execute(
                ArticleUrl.__table__.select().where(ArticleUrl.url.like("%/moved%"))
            ).all()
        assert sorted(row.url for row in stored) == [u["url"] for u in urls]
    finally:
        plan.cache_clear()
