"""Story candidates: recent articles sharing enough sketch values, counted by the database;
case candidates: recent articles sharing a blocking key; each reading at most PER_VALUE
holders per value (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker

from worker.clusters import (
    _CANDIDATES,
    _CASE_HOLDERS,
    MAX_CANDIDATES,
    MIN_SHARED,
    PER_VALUE,
    _candidates,
    _case_candidates,
)
from worker.db.engine import make_engine, transaction
from worker.db.migrate import upgrade
from worker.db.models import Article, ArticleFacet, ArticleSketch, Source
from worker.db.rows import insert_rows

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _articles(migrated_engine: Engine, ids: list[int]) -> sessionmaker:  # type: ignore[type-arg]
    sessions = sessionmaker(migrated_engine)
    with transaction(sessions) as session:
        session.add(Source(key="s", name="s", outlet_type="newspaper"))
        session.flush()
        for n in ids:
            _article(session, n)
    return sessions


def _article(session: object, n: int) -> None:
    session.add(  # type: ignore[attr-defined]
        Article(
            id=n, identity=f"x#{n}", source_key="s", url=f"https://x.vn/{n}",
            canonical_url=f"https://x.vn/{n}", title=f"t{n}", content_hash=str(n), revision=1,
            status="active", record={}, parser_version="t", first_seen_at=T0, fetched_at=T0,
            checked_at=T0, updated_at=T0,
        )
    )  # fmt: skip


@pytest.mark.db
def test_candidates_share_enough_values_most_shared_first_then_most_recent(
    migrated_engine: Engine,
) -> None:
    sessions = sessionmaker(migrated_engine)
    mine = tuple(range(1000, 1032))  # a full 32-value sketch
    holdings = {  # article id -> how many of my values it holds
        1: 32, 2: MIN_SHARED, 3: MIN_SHARED - 1, 4: 20, 5: MIN_SHARED, 6: 0,
        **{100 + i: 9 for i in range(4)}, **{200 + i: 3 for i in range(6)},
    }  # fmt: skip
    with transaction(sessions) as session:
        session.add(Source(key="s", name="s", outlet_type="newspaper"))
        session.flush()
        for n in [*holdings, 999]:
            _article(session, n)
        session.flush()
        rows = [
            {"article_id": n, "hash": h} for n, k in holdings.items() for h in (*mine[:k], 5000 + n)
        ]
        insert_rows(session, ArticleSketch, rows)
        insert_rows(session, ArticleSketch, [{"article_id": 999, "hash": h} for h in mine])
    with transaction(sessions) as session:
        found = _candidates(session, 999, mine)
    # 1 (32 shared), 4 (20), the nine-sharers newest first, then 5 and 2 (MIN_SHARED);
    # 3 shares one too few, 6 none, 999 is the article itself.
    assert MIN_SHARED == 8
    assert found == [1, 4, 103, 102, 101, 100, 5, 2]
    with transaction(sessions) as session:
        short = _candidates(session, 999, mine[:3])  # a 3-value sketch needs all 3
    # every holder of >= 3 values (all but 6) ties at 3: the most recent MAX_CANDIDATES
    holders_of_three = sorted((n for n, k in holdings.items() if k >= 3), reverse=True)
    assert len(holders_of_three) > MAX_CANDIDATES
    assert short == holders_of_three[:MAX_CANDIDATES]
    with transaction(sessions) as session:
        assert _candidates(session, 999, ()) == []


@pytest.mark.db
def test_candidates_count_only_the_most_recent_holders_of_each_value(
    migrated_engine: Engine,
) -> None:
    """Articles 1-5 hold all eight of my values, but the first value also has PER_VALUE
    newer holders: read up to its PER_VALUE most recent, 1-5 share only seven."""
    mine = tuple(range(1000, 1000 + MIN_SHARED))
    newer = list(range(10, 10 + PER_VALUE))
    sessions = _articles(migrated_engine, [1, 2, 3, 4, 5, *newer, 999])
    with transaction(sessions) as session:
        rows = [{"article_id": n, "hash": h} for n in range(1, 6) for h in mine]
        rows += [{"article_id": n, "hash": mine[0]} for n in newer]
        insert_rows(session, ArticleSketch, rows)
    with transaction(sessions) as session:
        assert _candidates(session, 999, mine) == []
    with transaction(sessions) as session:  # one newer holder fewer: 5 is among the 20
        session.execute(ArticleSketch.__table__.delete().where(ArticleSketch.article_id == 10))
    with transaction(sessions) as session:
        assert _candidates(session, 999, mine) == [5]


@pytest.mark.db
def test_case_candidates_share_a_case_key_among_its_most_recent_holders(
    migrated_engine: Engine,
) -> None:
    key, other = "p:nguyễn văn a:1990", "pp:trần thị b:hà nội"
    crowd = list(range(100, 100 + PER_VALUE))
    sessions = _articles(migrated_engine, [1, 2, 3, 4, *crowd, 999])
    facets = [
        (1, "case_key", key), (2, "case_key", other), (3, "person", key),
        (4, "case_key", "p:someone else"), (999, "case_key", key),
        *((n, "case_key", "pa:hà nội:249") for n in [1, *crowd]),
    ]  # fmt: skip
    with transaction(sessions) as session:
        rows = [{"article_id": n, "facet": f, "value": v} for n, f, v in facets]
        insert_rows(session, ArticleFacet, rows)
    with transaction(sessions) as session:
        # 3 holds the key as another facet; 999 is the article itself
        assert _case_candidates(session, 999, [key, other]) == {1, 2}
        assert _case_candidates(session, 999, ["pa:hà nội:249"]) == set(crowd)  # not 1
        assert _case_candidates(session, 999, []) == set()


def test_sqlite_lookups_read_index_ranges_per_value(tmp_path: Path) -> None:
    """The values drive both lookups: each table is only SEARCHed by index (hash, or case
    key), never scanned, so the cost stays flat however many articles are stored."""
    engine = make_engine(f"sqlite:///{tmp_path}/plan.sqlite3")
    upgrade(engine)
    lookups = [
        (_CANDIDATES, {"values": "[1, 2]", "me": 1, "per_value": 20, "need": 1, "most": 10}),
        (_CASE_HOLDERS, {"values": '["p:a"]', "me": 1, "per_value": 20}),
    ]
    with engine.connect() as connection:
        for lookup, params in lookups:
            plan = [row[3] for row in connection.execute(
                text("EXPLAIN QUERY PLAN " + lookup["sqlite"].text), params
            )]  # fmt: skip
            assert plan[0].startswith("SCAN wanted"), plan
            assert not [step for step in plan[1:] if step.startswith("SCAN")], plan
            assert sum("USING COVERING INDEX ix_" in step for step in plan) == 2, plan
    engine.dispose()
